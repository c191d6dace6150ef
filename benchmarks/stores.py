"""Local store against PostgreSQL: the same eval figures, answer() latency at 5,000 articles, and 4 app processes
answering concurrently while an update runs.

Usage: python benchmarks/stores.py [--part eval,latency,concurrent] [--rounds 3]
PostgreSQL: TANYA_DATABASE_URL (an empty database), else a throw-away server from tests/pgcluster.py (scripts/install-postgres.sh).
- eval: `tanya-sumsel eval` on facqa-dev's valid split (q-dev-2496..2806), once per store (postgres builds its own
  index from the corpus with the same e5 model).
- latency: the 5,044-article index (CLICK-ID + written sets, e5; the one time_overhead.py uses) copied into
  postgres through the seam (no re-embedding), then answer() interleaved on both stores.
- concurrent: 4 processes × 10 rounds × 20 concurrent questions on postgres while this process keeps updating the
  index (removing and re-adding the dated set's 12 articles); counts errors and citations whose quote is not in its article.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from tanya_sumsel import answer
from tanya_sumsel.evaluation import eval_settings, evaluate
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import open_writer
from tanya_sumsel.stores.local.store import LocalReader

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"
FILES = [
    SHARED / "corpora" / "clickid-news-2019" / "articles.jsonl",
    DATA / "sumsel" / "articles.jsonl",
    DATA / "dated" / "articles.jsonl",
    ROOT / "corpus" / "000_4166e72e5cd7cb12.txt",
]


def new_database(root: Path) -> str:
    """An empty database: on TANYA_DATABASE_URL's server, else on a throw-away server started here (tests/pgcluster.py)."""
    import psycopg

    url = os.environ.pop("TANYA_DATABASE_URL", "")
    if not url:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pgcluster import throwaway_server_url

        url = throwaway_server_url()
    name = f"tanya_bench_{int(time.time() * 1000) % 10**9}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.replace("/postgres?", f"/{name}?") if "/postgres?" in url else url.rsplit("/", 1)[0] + "/" + name


def copy_local(local: Settings, target: Settings) -> float:
    """Write the local index's articles, chunks, vectors and clusters into `target`'s store; returns seconds."""
    started = time.perf_counter()
    src = LocalReader(local.index_dir)
    writer = open_writer(target, int(src.vectors.d), incremental=False)
    sigs = dict(src.query("SELECT article_id, minhash FROM signatures"))
    years = dict(src.query("SELECT id, years FROM articles"))
    for art in src.articles().values():
        writer.add_article(art, sigs.get(art.id), tuple(years[art.id].split()))
    rows = src.query('SELECT id, article_id, ord, start, "end", text, terms, dates, scan FROM chunks ORDER BY id')
    for lo in range(0, len(rows), 2000):
        part = rows[lo : lo + 2000]
        vecs = np.stack([src.vectors.reconstruct(int(r[0])) for r in part])
        writer.add_chunks([tuple(r[1:]) for r in part], vecs)  # type: ignore[misc]
    writer.set_clusters(src.clusters())
    writer.commit(src.manifest | {"store": "postgres"})
    return time.perf_counter() - started


def part_eval(root: Path) -> None:
    eval_dir = SHARED / "eval" / "facqa-dev"
    args = (eval_dir / "corpus.jsonl", eval_dir / "questions.jsonl")
    reports = {}
    for kind in ("local", "postgres"):
        settings = Settings.from_env(database_url=new_database(root) if kind == "postgres" else "")
        t = time.perf_counter()
        reports[kind] = evaluate(*args, ids="q-dev-2496..q-dev-2806", settings=settings)
        print(f"eval on {kind}: {time.perf_counter() - t:.0f} s")
    keys = ("recall@5", "mrr@10", "answer_contains", "short_answer_precision", "short_answer_coverage", "abstain_rate")
    print(f"{'facqa-dev valid (311)':24s} {'local':>8s} {'postgres':>9s} {'diff':>8s}")
    for key in keys:
        a, b = reports["local"][key], reports["postgres"][key]
        print(f"{key:24s} {a:8.4f} {b:9.4f} {b - a:+8.4f}")


def questions() -> list[dict[str, str]]:
    out = []
    for name in ("sumsel", "dated"):
        for line in (DATA / name / "questions.jsonl").read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            out.append({"question": q["question"], "as_of": q.get("as_of") or "2026-01-28"})
    return out


def part_latency(root: Path, rounds: int) -> tuple[Settings, Settings]:
    local = eval_settings(FILES, Settings.from_env(threads=1))
    print(f"local index: {build_index(local).summary()}")
    pg = local.replace(database_url=new_database(root), index_dir=root / "pg-index")  # its build lock and cache
    print(f"copied into postgres in {copy_local(local, pg):.0f} s")
    retrievers: dict[str, Retriever] = {"local": load_retriever(local), "postgres": load_retriever(pg)}
    qs = questions()
    times: dict[str, dict[int, list[float]]] = {k: {i: [] for i in range(len(qs))} for k in retrievers}
    for r in retrievers.values():  # warm-up: caches, catalog, first connection
        for q in qs[:5]:
            answer(q["question"], settings=r.settings, retriever=r, as_of=q["as_of"])
    same = 0
    for _ in range(rounds):
        for i, q in enumerate(qs):  # interleaved, so drift on this noisy machine hits both stores alike
            texts = []
            for kind, r in retrievers.items():
                t = time.perf_counter()
                ans = answer(q["question"], settings=r.settings, retriever=r, as_of=q["as_of"])
                times[kind][i].append(1000 * (time.perf_counter() - t))
                texts.append(ans.text)
            same += texts[0] == texts[1]
    med = {k: sorted(statistics.median(v) for v in t.values()) for k, t in times.items()}
    articles = len(retrievers["local"].store.articles())
    print(f"answer() at {articles} articles, {len(qs)} questions × {rounds} rounds (per-question medians)")
    for kind, xs in med.items():
        print(f"  {kind:9s} p50 {np.percentile(xs, 50):6.1f} ms  p95 {np.percentile(xs, 95):6.1f} ms")
    ratio = np.percentile(med["postgres"], 50) / np.percentile(med["local"], 50)
    print(f"  postgres / local p50: {ratio:.2f}×; identical answer text {same}/{len(qs) * rounds}")
    return local, pg


def app_process(settings: Settings, rounds: int, width: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """One app server: `rounds` × `width` concurrent questions; every citation checked against its article."""
    qs = questions()
    errors: list[str] = []
    bad: list[str] = []
    answered = 0

    def one(q: dict[str, str]) -> None:
        nonlocal answered
        try:
            r = load_retriever(settings)  # reloads when an update has committed a new generation
            ans = answer(q["question"], settings=settings, retriever=r, as_of=q["as_of"])
            for c in ans.citations:
                text = r.store.articles([c.article_id])[c.article_id].text
                if text[c.start : c.end] != c.quote:
                    bad.append(f"{q['question']}: [{c.number}] {c.article_id}")
            answered += 1
        except Exception as exc:  # counted, not hidden: the benchmark's point is that there are none
            errors.append(f"{type(exc).__name__}: {exc}"[:300])

    with ThreadPoolExecutor(width) as pool:
        for n in range(rounds):
            list(pool.map(one, [qs[(n * width + i) % len(qs)] for i in range(width)]))
    out.put({"answered": answered, "errors": errors, "bad_citations": bad})


def part_concurrent(pg: Settings, root: Path) -> None:
    corpus = root / "corpus"
    shutil.copytree(pg.corpus_dir, corpus)
    live = pg.replace(corpus_dir=corpus)
    print(f"first update (corpus copied): {build_index(live).summary()}")
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=app_process, args=(live, 10, 20, out)) for _ in range(4)]
    t = time.perf_counter()
    for p in procs:
        p.start()
    dated = sorted(corpus.glob("02_*"))[0]  # the dated set's 12 articles go out and come back, update after update
    updates = 0
    while any(p.is_alive() for p in procs):
        aside = root / "aside.jsonl"
        if dated.exists():
            shutil.move(dated, aside)
        else:
            shutil.move(aside, dated)
        report = build_index(live)
        updates += 1
        print(f"  update {updates}: +{report.added} −{report.removed} ({report.seconds:.1f} s)")
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    errors = [e for r in results for e in r["errors"]]
    bad = [b for r in results for b in r["bad_citations"]]
    print(
        f"4 processes × 10 × 20 questions in {time.perf_counter() - t:.0f} s during {updates} updates: "
        f"answered {sum(r['answered'] for r in results)}, errors {len(errors)}, citations not in their article {len(bad)}"
    )
    for line in (errors + bad)[:10]:
        print("   ", line)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="eval,latency,concurrent")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not FILES[0].exists():
        raise SystemExit(f"{FILES[0]} not found: this benchmark needs ../shared")
    parts = set(args.part.split(","))
    root = Path(tempfile.mkdtemp(prefix="tanya-stores-"))
    os.environ.setdefault("XDG_RUNTIME_DIR", str(root))
    os.chmod(root, 0o700)
    if "eval" in parts:
        part_eval(root)
    if parts & {"latency", "concurrent"}:
        _, pg = part_latency(root, args.rounds)
        if "concurrent" in parts:
            part_concurrent(pg, root)


if __name__ == "__main__":
    main()
