"""Where a full answer's time goes (issue 16): wall-clock time per stage, per answer, in one serving process on a
built index, over CLICK-ID title queries (or your own questions, one per line). Stages are timed by wrapping the
functions that carry them, so nested stages are included in their parents (`rerank` holds `rerank.*`).
`embed_query` runs on a worker thread while the asking thread runs `store.keyword_search` and `text_rows` (BM25's
best candidates' reranker features), so those stages overlap and the stage times add up to more than the answer.

    python benchmarks/answer_profile.py --corpus DIR --index DIR [--queries 200] [--questions FILE]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import statistics
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clickid-news-2019" / "articles.jsonl"
STAGES = [  # (module, function, label)
    ("tanya_sumsel.retrieval.retriever", "rerank", "rerank"),
    ("tanya_sumsel.retrieval.retriever", "text_rows", "text_rows (BM25's candidates, during embed_query)"),
    ("tanya_sumsel.retrieval.rerank", "text_rows", "rerank.text_rows (the others)"),
    ("tanya_sumsel.retrieval.rerank", "span_rows", "span_features (within text_rows)"),
    ("tanya_sumsel.retrieval.rerank", "score", "rerank.span_model"),
    ("tanya_sumsel.retrieval.rerank", "terms", "rerank.terms"),
    ("tanya_sumsel.generation.chain", "compose", "compose"),
    ("tanya_sumsel.reading.rules", "extract", "compose.short_answer"),
    ("tanya_sumsel.reading.rules", "rank_sentences", "compose.rank_sentences"),
    ("tanya_sumsel.reading.rules", "answer_features", "compose.abstain_features"),
    ("tanya_sumsel.generation.chain", "over_time", "over_time"),
    ("tanya_sumsel.generation.chain", "parse_time", "parse_time"),
]


def _timed(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t

    setattr(owner, name, wrapper)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--questions", type=Path, help="one question per line (default: CLICK-ID titles)")
    args = ap.parse_args()
    if args.questions:
        questions = [q for q in args.questions.read_text(encoding="utf-8").splitlines() if q.strip()]
    else:
        lines = SHARED.read_text(encoding="utf-8").splitlines()[: args.queries]
        questions = [json.loads(x)["title"] for x in lines]
    from tanya_sumsel import answer
    from tanya_sumsel.retrieval.retriever import load_retriever
    from tanya_sumsel.settings import Settings

    settings = Settings.from_env(corpus_dir=args.corpus, index_dir=args.index)
    started = time.perf_counter()
    retriever = load_retriever(settings)
    load_s = time.perf_counter() - started
    spent: dict[str, float] = {}
    for module, name, label in STAGES:
        _timed(importlib.import_module(module), name, label, spent)
    for name, label in (("embed_query", "embed_query"),):
        _timed(retriever.embedder, name, label, spent)
    for name in ("search", "keyword_search", "chunks", "cosines"):
        _timed(retriever.store, name, f"store.{name}", spent)
    answer(questions[0], settings=settings, retriever=retriever)  # warm
    spent.clear()
    times = []
    for q in questions:
        t = time.perf_counter()
        answer(q, settings=settings, retriever=retriever)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    n = len(times)
    print(f"{n} questions, index loaded in {load_s:.2f} s")
    print(f"answer() p50 {statistics.median(times):.1f} ms, p95 {times[int(0.95 * (n - 1))]:.1f} ms")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:28}{seconds * 1000 / n:7.2f} ms per answer")


if __name__ == "__main__":
    main()
