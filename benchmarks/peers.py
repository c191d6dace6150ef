"""Peers benchmark (issue 16): the LangChain tutorial pipeline (RecursiveCharacterTextSplitter 1000/200 →
HuggingFaceEmbeddings → FAISS) and txtai hybrid beside Tanya Sumsel, on the same CLICK-ID articles and the same
multilingual-e5-small weights, each pipeline in a fresh process, run one after another in one session. Prints
seconds to index, the cost of adding 20 articles, query/answer p50/p95 over title queries, the serving process's
peak RSS, and ratios against the LangChain tutorial. Needs `pip install -e ".[bench]"` and ../shared.

    python benchmarks/peers.py [--articles 2000] [--queries 200] [--serve-root DIR]

`--serve-root DIR` (a folder with `corpus/` and a built `index/`, e.g. 5,000 articles) times Tanya's answers there
instead of on the index it has just built: the peers' bare retrieval over `--articles` stays the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clickid-news-2019" / "articles.jsonl"
ADD = 20


def _articles(n: int) -> list[dict]:  # type: ignore[type-arg]
    rows = [json.loads(x) for x in SHARED.read_text(encoding="utf-8").splitlines()[: n + ADD]]
    return [r for r in rows if r.get("text")]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latency(fn, queries: list[str]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn(queries[0])  # warm
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def _model_path() -> str:
    from tanya_sumsel.e5_convert import ensure_converted
    from tanya_sumsel.settings import Settings

    return str(ensure_converted(Settings.from_env().cache_dir / "models"))


def run_langchain(rows: list[dict], queries: list[str], root: Path) -> dict:  # type: ignore[type-arg]
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    emb = HuggingFaceEmbeddings(model_name=_model_path(), encode_kwargs={"normalize_embeddings": True})
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = lambda rs: splitter.split_documents([Document(r["text"], metadata={"title": r["title"]}) for r in rs])  # noqa: E731
    base, new = rows[:-ADD], rows[-ADD:]
    t = time.perf_counter()
    chunks = docs(base)
    store = FAISS.from_documents(chunks, emb)
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    store.add_documents(docs(new))
    add_s = time.perf_counter() - t
    p50, p95 = _latency(lambda q: store.similarity_search(q, k=5), queries)
    return {"index_s": index_s, "chunks": len(chunks), "add_s": add_s, "p50": p50, "p95": p95, "rss": _rss_mb()}


def run_txtai(rows: list[dict], queries: list[str], root: Path) -> dict:  # type: ignore[type-arg]
    from txtai import Embeddings

    emb = Embeddings(path=_model_path(), hybrid=True, content=True)
    base, new = rows[:-ADD], rows[-ADD:]
    t = time.perf_counter()
    emb.index([(i, r["text"], None) for i, r in enumerate(base)])
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    emb.upsert([(len(base) + i, r["text"], None) for i, r in enumerate(new)])
    add_s = time.perf_counter() - t
    p50, p95 = _latency(lambda q: emb.search(q, 5), queries)
    return {"index_s": index_s, "chunks": emb.count(), "add_s": add_s, "p50": p50, "p95": p95, "rss": _rss_mb()}


def run_tanya_build(rows: list[dict], queries: list[str], root: Path) -> dict:  # type: ignore[type-arg]
    from tanya_sumsel.index import build_index
    from tanya_sumsel.settings import Settings

    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
    (corpus / "base.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:-ADD]), encoding="utf-8")
    from tanya_sumsel.embed import build_backend, load_embedder

    load_embedder(settings).embed_documents(["pemanasan"])  # model load (and one-time export) outside the timing
    t = time.perf_counter()
    report = build_index(settings)
    index_s = time.perf_counter() - t
    (corpus / "new.jsonl").write_text("\n".join(json.dumps(r) for r in rows[-ADD:]), encoding="utf-8")
    t = time.perf_counter()
    build_index(settings)
    add_s = time.perf_counter() - t
    return {"index_s": index_s, "chunks": report.chunks_total, "add_s": add_s, "backend": build_backend(settings)}


def run_tanya_serve(rows: list[dict], queries: list[str], root: Path) -> dict:  # type: ignore[type-arg]
    """A fresh serving process on the built index: full answers (hybrid retrieval, rerank, sentence, short answer)."""
    from tanya_sumsel import answer
    from tanya_sumsel.retrieve import load_retriever
    from tanya_sumsel.settings import Settings

    settings = Settings.from_env(corpus_dir=root / "corpus", index_dir=root / "index")
    retriever = load_retriever(settings)
    p50, p95 = _latency(lambda q: answer(q, settings=settings, retriever=retriever), queries)
    return {"p50": p50, "p95": p95, "rss": _rss_mb(), "torch_loaded": "torch" in sys.modules}


RUNS = {"langchain": run_langchain, "txtai": run_txtai, "tanya-build": run_tanya_build, "tanya-serve": run_tanya_serve}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--serve-root", type=Path, help="answer on this built corpus/ + index/ instead")
    ap.add_argument("--run", choices=sorted(RUNS), help=argparse.SUPPRESS)  # one pipeline, in a child process
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} not found: this benchmark needs ../shared")
    rows = _articles(args.articles)
    queries = [r["title"] for r in rows[: args.queries]]
    if args.run:
        print("RESULT " + json.dumps(RUNS[args.run](rows, queries, args.root)))
        return
    root = Path(tempfile.mkdtemp(prefix="tanya-peers-"))
    results = {}
    for name in ("tanya-build", "langchain", "tanya-serve", "txtai"):  # interleaved: Tanya, peer, Tanya, peer
        (root / name).mkdir(exist_ok=True)
        work = root / ("tanya-build" if name.startswith("tanya") else name)
        if name == "tanya-serve" and args.serve_root:
            work = args.serve_root
        cmd = [
            sys.executable,
            __file__,
            "--run",
            name,
            "--root",
            str(work),
            "--articles",
            str(args.articles),
            "--queries",
            str(args.queries),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
        results[name] = json.loads(line[7:])
        print(name, results[name], flush=True)
    lc, tx, tb, ts = results["langchain"], results["txtai"], results["tanya-build"], results["tanya-serve"]
    print(f"\n{args.articles} CLICK-ID articles, multilingual-e5-small, 2 cores, {args.queries} title queries")
    if args.serve_root:
        print(f"(Tanya's answers on {args.serve_root}, not on the index it built)")
    print(f"{'':28}{'LangChain tutorial':>20}{'txtai hybrid':>16}{'Tanya Sumsel':>16}")
    print(
        f"{'seconds to index':28}{lc['index_s']:>20.1f}{tx['index_s']:>16.1f}{tb['index_s']:>16.1f}"
        f"   ({lc['chunks']} / {tx['chunks']} / {tb['chunks']} chunks; Tanya backend {tb['backend']})"
    )
    print(f"{'add 20 articles (s)':28}{lc['add_s']:>20.2f}{tx['add_s']:>16.2f}{tb['add_s']:>16.2f}")
    print(
        f"{'query / answer p50 (ms)':28}{lc['p50']:>20.1f}{tx['p50']:>16.1f}{ts['p50']:>16.1f}"
        "   (peers: bare retrieval; Tanya: the full answer)"
    )
    print(f"{'query / answer p95 (ms)':28}{lc['p95']:>20.1f}{tx['p95']:>16.1f}{ts['p95']:>16.1f}")
    print(
        f"{'serving process peak RSS':28}{lc['rss']:>17.0f} MB{tx['rss']:>13.0f} MB{ts['rss']:>13.0f} MB"
        f"   (Tanya loads torch: {ts['torch_loaded']})"
    )
    print(
        f"ratios vs the LangChain tutorial: index {tb['index_s'] / lc['index_s']:.2f}x (target <= 0.67), answer p50 "
        f"{ts['p50'] / lc['p50']:.2f}x (target <= 1), p95 {ts['p95'] / lc['p50']:.2f}x of its p50 (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
