"""Peers benchmark (issue 16): the LangChain tutorial pipeline (RecursiveCharacterTextSplitter 1000/200 →
HuggingFaceEmbeddings → FAISS) and txtai hybrid beside Tanya Sumsel, on the same CLICK-ID articles and the same
multilingual-e5-small weights, each pipeline in a fresh process. The builds run one after another; then the three
serving processes answer the title queries in turn (each query goes to all three, in a rotating order), so the
latencies are measured side by side under the same machine load. Prints seconds to index, the cost of adding 20
articles, query/answer p50/p95, each serving process's peak RSS, and ratios against the LangChain tutorial.
Needs `pip install -e ".[bench]"` and ../shared.

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
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clickid-news-2019" / "articles.jsonl"
ADD = 20
Query = Callable[[str], object]  # a serving pipeline: one query in, its result out (ignored)


def _articles(n: int) -> list[dict]:  # type: ignore[type-arg]
    rows = [json.loads(x) for x in SHARED.read_text(encoding="utf-8").splitlines()[: n + ADD]]
    return [r for r in rows if r.get("text")]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve(stats: dict, fn: Query | None, warm: str) -> None:  # type: ignore[type-arg]
    """A child's side of the alternation: READY with its build figures, then one timing per query line read from
    stdin, then its peak RSS at end of input."""
    if fn is not None:
        fn(warm)
    print("READY " + json.dumps(stats), flush=True)
    for line in sys.stdin:
        query = json.loads(line)
        t = time.perf_counter()
        fn(query)  # type: ignore[misc]
        print(f"T {(time.perf_counter() - t) * 1000:.3f}", flush=True)
    print("RESULT " + json.dumps({"rss": _rss_mb()}), flush=True)


def _read(child: subprocess.Popen, tag: str, name: str) -> str:  # type: ignore[type-arg]
    for line in child.stdout:  # type: ignore[union-attr]
        if line.startswith(tag + " "):
            return line[len(tag) + 1 :]
    raise SystemExit(f"{name} failed:\n{Path(child.args[-1]).read_text()[-3000:]}")


def _start(name: str, work: Path, log: Path, args: argparse.Namespace) -> subprocess.Popen:  # type: ignore[type-arg]
    cmd = [sys.executable, __file__, "--run", name, "--root", str(work), "--articles", str(args.articles)]
    cmd += ["--log", str(log)]  # where its stderr goes (a file: a chatty child would fill a pipe and stall)
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    err = log.open("w")
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, env=env)


def _p(times: list[float], q: float) -> float:
    times = sorted(times)
    return statistics.median(times) if q == 0.5 else times[int(q * (len(times) - 1))]


def _model_path() -> str:
    from tanya_sumsel.embedding.e5_convert import ensure_converted
    from tanya_sumsel.settings import Settings

    return str(ensure_converted(Settings.from_env().cache_dir / "models"))


def run_langchain(rows: list[dict], root: Path) -> tuple[dict, Query | None]:  # type: ignore[type-arg]
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
    return {"index_s": index_s, "chunks": len(chunks), "add_s": add_s}, lambda q: store.similarity_search(q, k=5)


def run_txtai(rows: list[dict], root: Path) -> tuple[dict, Query | None]:  # type: ignore[type-arg]
    from txtai import Embeddings

    emb = Embeddings(path=_model_path(), hybrid=True, content=True)
    base, new = rows[:-ADD], rows[-ADD:]
    t = time.perf_counter()
    emb.index([(i, r["text"], None) for i, r in enumerate(base)])
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    emb.upsert([(len(base) + i, r["text"], None) for i, r in enumerate(new)])
    add_s = time.perf_counter() - t
    return {"index_s": index_s, "chunks": emb.count(), "add_s": add_s}, lambda q: emb.search(q, 5)


def run_tanya_build(rows: list[dict], root: Path) -> tuple[dict, Query | None]:  # type: ignore[type-arg]
    from tanya_sumsel.indexing.build import build_index
    from tanya_sumsel.settings import Settings

    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
    (corpus / "base.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:-ADD]), encoding="utf-8")
    from tanya_sumsel.embedding.embedder import build_backend, load_embedder

    load_embedder(settings).embed_documents(["pemanasan"])  # model load (and one-time export) outside the timing
    t = time.perf_counter()
    report = build_index(settings)
    index_s = time.perf_counter() - t
    (corpus / "new.jsonl").write_text("\n".join(json.dumps(r) for r in rows[-ADD:]), encoding="utf-8")
    t = time.perf_counter()
    build_index(settings)
    add_s = time.perf_counter() - t
    return {"index_s": index_s, "chunks": report.chunks_total, "add_s": add_s, "backend": build_backend(settings)}, None


def run_tanya_serve(rows: list[dict], root: Path) -> tuple[dict, Query | None]:  # type: ignore[type-arg]
    """A fresh serving process on the built index: full answers (hybrid retrieval, rerank, sentence, short answer)."""
    from tanya_sumsel import answer
    from tanya_sumsel.retrieval.retriever import load_retriever
    from tanya_sumsel.settings import Settings

    settings = Settings.from_env(corpus_dir=root / "corpus", index_dir=root / "index")
    retriever = load_retriever(settings)
    return {"torch_loaded": "torch" in sys.modules}, lambda q: answer(q, settings=settings, retriever=retriever)


RUNS = {"langchain": run_langchain, "txtai": run_txtai, "tanya-build": run_tanya_build, "tanya-serve": run_tanya_serve}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--pause", type=float, default=0.1, help="seconds between two timed queries")
    ap.add_argument("--serve-root", type=Path, help="answer on this built corpus/ + index/ instead")
    ap.add_argument("--run", choices=sorted(RUNS), help=argparse.SUPPRESS)  # one pipeline, in a child process
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} not found: this benchmark needs ../shared")
    rows = _articles(args.articles)
    queries = [r["title"] for r in rows[: args.queries]]
    if args.run:
        stats, fn = RUNS[args.run](rows, args.root)
        _serve(stats, fn, queries[0])
        return
    root = Path(tempfile.mkdtemp(prefix="tanya-peers-"))
    results: dict[str, dict] = {}  # type: ignore[type-arg]
    children = {}
    # Builds one after another (Tanya, peer, peer); the three serving processes then stay up side by side, idle
    # but for the query in turn, which goes to each in a rotating order: machine noise hits all three alike.
    for name in ("tanya-build", "langchain", "txtai", "tanya-serve"):
        work = root / ("tanya-build" if name.startswith("tanya") else name)
        work.mkdir(exist_ok=True)
        if name == "tanya-serve" and args.serve_root:
            work = args.serve_root
        child = _start(name, work, root / f"{name}.stderr.log", args)
        results[name] = json.loads(_read(child, "READY", name))
        print(name, results[name], flush=True)
        if name == "tanya-build":
            child.stdin.close()  # type: ignore[union-attr]
            child.wait()
        else:
            children[name] = child
    times: dict[str, list[float]] = {name: [] for name in children}
    order = list(children)
    for n, query in enumerate(queries):
        for name in order[n % 3 :] + order[: n % 3]:
            time.sleep(args.pause)  # the previous process's threads go idle (torch's spin a while after each call)
            children[name].stdin.write(json.dumps(query) + "\n")  # type: ignore[union-attr]
            children[name].stdin.flush()  # type: ignore[union-attr]
            times[name].append(float(_read(children[name], "T", name)))
    for name, child in children.items():
        child.stdin.close()  # type: ignore[union-attr]
        results[name] |= json.loads(_read(child, "RESULT", name))
        results[name] |= {"p50": _p(times[name], 0.5), "p95": _p(times[name], 0.95)}
        child.wait()
    paired = statistics.median(t / b for t, b in zip(times["tanya-serve"], times["langchain"], strict=True))
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
        f"{ts['p50'] / lc['p50']:.2f}x (target <= 1), p95 {ts['p95'] / lc['p50']:.2f}x of its p50 (target <= 1.5); "
        f"median of the per-query ratios {paired:.2f}x"
    )


if __name__ == "__main__":
    main()
