"""Scale benchmark: N synthetic chunks (default 1,000,000) in one store, written and read through the storage seam.

Usage: python benchmarks/scale.py --store local|postgres [--chunks 1000000] [--queries 200] [--shape stories]
  (postgres: TANYA_DATABASE_URL, else a throw-away server from tests/pgcluster.py (scripts/install-postgres.sh))

Vectors have structure, as sentence embeddings do (see `Shape`: 'stories', the default, or the harder
'clusters'); text is generated from per-topic vocabularies. Queries are new vectors drawn the same way. Prints
build seconds, dense query p50/p95 (one thread) and recall@10 against exact search at three search widths,
keyword query p50/p95, the reader's (or the server's) RAM and the disk size.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import FORMAT_VERSION
from tanya_sumsel.stores.choose import open_reader, open_writer
from tanya_sumsel.types import Article

DIM, TOPICS, PER_ARTICLE, BATCH = 384, 2000, 10, 20_000
WIDTHS = {"nprobe": (8, 32, 64), "ef_search": (100, 200, 400)}  # IVF lists scanned; HNSW candidate list


def around(rng: np.random.Generator, centers: np.ndarray, spread: float) -> np.ndarray:
    """Unit vectors around each center: the center plus a random offset of norm `spread`."""
    noise = rng.standard_normal(centers.shape).astype(np.float32)
    noise *= spread / np.linalg.norm(noise, axis=1, keepdims=True)
    x = centers + noise
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def text_of(rng: np.random.Generator, topic: int) -> str:
    """Six words: four of the topic's vocabulary, two common ones."""
    words = [f"k{topic}x{w}" for w in rng.integers(0, 40, 4)] + [f"umum{w}" for w in rng.integers(0, 300, 2)]
    return " ".join(words)


class Shape:
    """Where chunk vectors come from. 'stories': 2,000 topics, each article a story near its topic (offset 0.8),
    its 10 chunks near the story (offset 0.6), so a question's true neighbours are a story's chunks, as in news;
    'clusters': every chunk drawn around one of 2,000 topics (offset 1.0), the top 10 among ~500 near-equals."""

    def __init__(self, name: str, n: int, rng: np.random.Generator) -> None:
        self.topics = rng.standard_normal((TOPICS, DIM)).astype(np.float32)
        self.topics /= np.linalg.norm(self.topics, axis=1, keepdims=True)
        self.article_topic = rng.integers(0, TOPICS, (n + PER_ARTICLE - 1) // PER_ARTICLE)
        self.stories = around(rng, self.topics[self.article_topic], 0.8) if name == "stories" else None

    def chunks(self, rng: np.random.Generator, lo: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Vectors and topics of chunks lo … lo + count - 1."""
        if self.stories is None:
            topics = rng.integers(0, TOPICS, count)
            return around(rng, self.topics[topics], 1.0), topics
        art = np.arange(lo, lo + count) // PER_ARTICLE
        return around(rng, self.stories[art], 0.6), self.article_topic[art]

    def queries(self, rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
        """New vectors drawn the same way (around random stories, or random topics), with their topics."""
        if self.stories is None:
            topics = rng.integers(0, TOPICS, count)
            return around(rng, self.topics[topics], 1.0), topics
        art = rng.integers(0, len(self.stories), count)
        return around(rng, self.stories[art], 0.6), self.article_topic[art]


def build(settings: Settings, n: int, shape: Shape, rng: np.random.Generator) -> tuple[float, np.ndarray]:
    """Write n chunks (10 per article) through the seam in one build; returns (seconds, all vectors)."""
    everything = np.empty((n, DIM), dtype=np.float32)
    started = time.perf_counter()
    writer = open_writer(settings, DIM, incremental=False)
    for lo in range(0, n, BATCH):
        vecs, topics = shape.chunks(rng, lo, min(BATCH, n - lo))
        everything[lo : lo + len(vecs)] = vecs
        texts = [text_of(rng, int(t)) for t in topics]
        rows = []
        for a in range(0, len(texts), PER_ARTICLE):
            part = texts[a : a + PER_ARTICLE]
            aid = f"a{(lo + a) // PER_ARTICLE}"
            writer.add_article(Article(aid, f"Artikel {aid}", "\n".join(part), "Sintetis", "Palembang", "2026-01-01"))
            pos = 0
            for o, t in enumerate(part):
                rows.append((aid, o, pos, pos + len(t), t, t, "", ""))
                pos += len(t) + 1
        writer.add_chunks(rows, vecs)
    writer.commit(
        {
            "format_version": FORMAT_VERSION,
            "embedder": {"id": "synthetic", "dim": DIM, "backend": "synthetic"},
            "counts": {"articles": (n + PER_ARTICLE - 1) // PER_ARTICLE, "chunks": n},
        }
    )
    return time.perf_counter() - started, everything


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes, MB."""
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
    """In a fresh process: load the reader, time dense queries at each search width (IVF lists scanned, or HNSW
    candidate list) and keyword queries; report results and RSS."""
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(1)
    threadpool_limits(1)
    base = rss_mb([os.getpid()])
    t0 = time.perf_counter()
    store = open_reader(settings)
    load = time.perf_counter() - t0
    knob = "nprobe" if store.manifest.get("vector_index") != "hnsw" else "ef_search"
    widths = {}
    loaded = rss_mb([os.getpid()]) - base
    for width in WIDTHS[knob]:
        if settings.database_url:  # a reader per width: the setting is applied per connection
            reader = open_reader(settings.replace(**{knob: width}))
        else:  # the same loaded index, scanning more or fewer lists
            reader = store
            store.nprobe = width  # type: ignore[attr-defined]
        for q in queries[:5]:
            reader.search(q, 10)  # warm-up
        dense_t, hits = [], []
        for q in queries:
            t = time.perf_counter()
            hits.append([c for c, _ in reader.search(q, 10)])
            dense_t.append(time.perf_counter() - t)
        widths[f"{knob}={width}"] = (dense_t, hits)
    kw_t = []
    for w in words:
        t = time.perf_counter()
        store.keyword_search(w, 30)
        kw_t.append(time.perf_counter() - t)
    out.put({"load_s": load, "widths": widths, "keyword": kw_t, "rss_mb": loaded})


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile, in ms."""
    return 1000 * float(np.percentile(xs, p))


def du_mb(path: Path) -> float:
    """Disk use of a folder, MB."""
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout.split()[0]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", choices=("local", "postgres"), required=True)
    ap.add_argument("--chunks", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--shape", choices=("stories", "clusters"), default="stories")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tanya-scale-"))
    url, server = "", None
    if args.store == "postgres":
        url = os.environ.get("TANYA_DATABASE_URL", "")
        if not url:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.pgcluster import throwaway_server_url

            url = throwaway_server_url()
    settings = Settings.from_env(index_dir=root / "index", corpus_dir=root / "corpus", database_url=url)
    rng = np.random.default_rng(0)
    shape = Shape(args.shape, args.chunks, rng)
    seconds, data = build(settings, args.chunks, shape, rng)
    print(f"{args.store}: built {args.chunks:,} chunks in {seconds:.0f} s ({args.chunks / seconds:,.0f} chunks/s)")
    qrng = np.random.default_rng(1)
    queries, topics = shape.queries(qrng, args.queries)
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :10] + 1  # chunk ids are row numbers + 1 in both stores
    words = [text_of(qrng, int(t)).split()[:3] for t in topics]
    del data
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=measure, args=(settings, queries, words, out))
    proc.start()
    res = out.get()
    proc.join()
    if server is not None:
        import psutil
        import psycopg

        postmaster = psutil.Process(server.get_pid())
        pids = [postmaster.pid] + [c.pid for c in postmaster.children(recursive=True)]
        ram = f"server RSS {rss_mb(pids):,.0f} MB (shared buffers counted once per process that touched them)"
        with psycopg.connect(url) as conn:
            disk = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20  # type: ignore[index]
    else:
        ram = f"reader RSS +{res['rss_mb']:,.0f} MB"
        disk = du_mb(root / "index")
    dense = {}
    for knob, (times, hits) in res["widths"].items():
        recall = statistics.mean(len(set(h) & set(e.tolist())) / 10 for h, e in zip(hits, exact, strict=True))
        dense[knob] = {"p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2), "recall@10": recall}
    figures = {
        "store": args.store,
        "shape": args.shape,
        "chunks": args.chunks,
        "vector_index": open_reader(settings).manifest.get("vector_index"),
        "build_s": round(seconds, 1),
        "load_s": round(res["load_s"], 2),
        "dense": dense,
        "keyword_p50_ms": round(pct(res["keyword"], 50), 2),
        "keyword_p95_ms": round(pct(res["keyword"], 95), 2),
        "ram": ram,
        "disk_mb": round(disk),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
