"""Pipeline benchmark on CLICK-ID news: build throughput vs the raw encoder, incremental cost, answer() latency.

Usage: python benchmarks/pipeline.py [--articles 5000] [--questions 200]
Prints figures; ratios are against baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from tanya_sumsel import answer
from tanya_sumsel.corpus.chunk import chunk_article
from tanya_sumsel.corpus.folder import load_corpus
from tanya_sumsel.embedding.embedder import load_embedder
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clickid-news-2019" / "articles.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--raw-sample", type=int, default=1500, help="chunks encoded raw for the baseline")
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} not found: this benchmark needs ../shared")
    lines = SHARED.read_text(encoding="utf-8").splitlines()[: args.articles]
    n_new = max(1, len(lines) // 100)
    root = Path(tempfile.mkdtemp(prefix="tanya-bench-"))
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "base.jsonl").write_text("\n".join(lines[: len(lines) - n_new]) + "\n", encoding="utf-8")
    settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
    embedder = load_embedder(settings)
    embedder.embed_documents(["pemanasan"])  # load weights before timing

    # Baseline: the raw encoder on the same kind of texts the pipeline embeds (header + chunk).
    arts = load_corpus(corpus).articles
    texts = [
        c.embed_text(a)
        for a in arts
        for c in chunk_article(a, settings.chunk_max_words, settings.chunk_overlap_sentences)
    ]
    sample = random.Random(0).sample(texts, min(args.raw_sample, len(texts)))
    t = time.perf_counter()
    for i in range(0, len(sample), 256):
        embedder.embed_documents(sample[i : i + 256])
    raw_rate = len(sample) / (time.perf_counter() - t)

    t = time.perf_counter()
    full = build_index(settings, embedder=embedder)
    full_s = time.perf_counter() - t
    build_rate = full.chunks_total / full_s

    (corpus / "new.jsonl").write_text("\n".join(lines[len(lines) - n_new :]) + "\n", encoding="utf-8")
    t = time.perf_counter()
    inc = build_index(settings, embedder=embedder)
    inc_s = time.perf_counter() - t

    retriever = load_retriever(settings)
    records = [json.loads(x) for x in random.Random(1).sample(lines, min(args.questions, len(lines)))]
    questions = [f"Apa yang terjadi terkait {r['title']}?" for r in records]
    answer(questions[0], settings=settings, retriever=retriever)
    lat = []
    for q in questions:
        t = time.perf_counter()
        answer(q, settings=settings, retriever=retriever)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()

    print(f"articles: {len(lines)} ({len(lines) - n_new} + {n_new} new); chunks: {full.chunks_total}")
    print(f"raw encoder: {raw_rate:.1f} chunks/s (sample of {len(sample)})")
    print(
        f"full build: {full_s:.1f} s = {build_rate:.1f} chunks/s; overhead vs raw encoder: {raw_rate / build_rate - 1:+.1%}"
    )
    print(
        f"add 1% ({n_new} articles, {inc.chunks_embedded} chunks): {inc_s:.1f} s = {inc_s / full_s:.1%} of a full build"
    )
    print(
        f"answer() latency over {len(lat)} questions: p50 {statistics.median(lat):.1f} ms, p95 {lat[int(0.95 * len(lat)) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
