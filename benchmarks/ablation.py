"""Retrieval ablation on ../shared/eval/facqa-dev: dense, BM25 variants, and fusions (article-level metrics).

Usage: python benchmarks/ablation.py [--limit N]   (prints a Markdown table)
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

from tanya_sumsel.evaluation import eval_settings
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.lang.normalize import STOPWORDS, terms, tokens
from tanya_sumsel.retrieval.retriever import fuse, load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.bm25 import BM25Index

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"

VARIANTS: dict[str, Callable[[str], list[str]]] = {
    "plain \\w+": lambda t: re.findall(r"\w+", t.lower()),
    "+stopwords, numbers": lambda t: [w for w in tokens(t) if w not in STOPWORDS],
    "+stemming": lambda t: terms(t, expand=False),
    "+stemming +expansion": lambda t: terms(t, translate=True),
}


def metrics(ranked_articles: list[list[str]], gold: list[set[str]]) -> dict[str, float]:
    """Article-level recall@1/5/10 and MRR@10."""
    out = {"R@1": 0.0, "R@5": 0.0, "R@10": 0.0, "MRR@10": 0.0}
    for arts, g in zip(ranked_articles, gold, strict=True):
        rank = next((i + 1 for i, a in enumerate(arts[:10]) if a in g), None)
        if rank:
            out["MRR@10"] += 1 / rank
            for n in (1, 5, 10):
                out[f"R@{n}"] += rank <= n
    return {k: v / len(gold) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    settings = eval_settings([EVAL / "corpus.jsonl"], Settings.from_env(fetch_k=50))
    build_index(settings)
    retriever = load_retriever(settings)
    store = retriever.store
    rows = store.query(
        "SELECT c.id, c.article_id, c.text, a.title FROM chunks c JOIN articles a ON a.id = c.article_id"
    )
    article_of = {cid: aid for cid, aid, _, _ in rows}
    questions = [json.loads(x) for x in (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    if args.limit:
        questions = questions[: args.limit]
    gold = [set(q["doc_ids"]) for q in questions]

    def articles(hits: list[tuple[int, float]]) -> list[str]:
        seen: list[str] = []
        for cid, _ in hits:
            if article_of[cid] not in seen:
                seen.append(article_of[cid])
        return seen

    dense = [store.search(retriever.embedder.embed_query(q["question"]), 50) for q in questions]
    table: list[tuple[str, dict[str, float]]] = [("dense (mE5-small)", metrics([articles(d) for d in dense], gold))]
    keyword: dict[str, list[list[tuple[int, float]]]] = {}
    for name, fn in VARIANTS.items():
        index = BM25Index.build((cid, " ".join(fn(f"{title}\n{text}"))) for cid, _, text, title in rows)
        keyword[name] = [index.search(fn(q["question"]), 50) for q in questions]
        table.append((f"BM25 {name}", metrics([articles(h) for h in keyword[name]], gold)))
    for name in VARIANTS:
        for w in (0.3, 0.4, 0.5, 0.6):
            fused = [fuse(d, h, "score", w) for d, h in zip(dense, keyword[name], strict=True)]
            table.append((f"score fusion w_dense={w} + BM25 {name}", metrics([articles(f) for f in fused], gold)))
        fused = [fuse(d, h, "rrf", 0.5) for d, h in zip(dense, keyword[name], strict=True)]
        table.append((f"RRF k=60 + BM25 {name}", metrics([articles(f) for f in fused], gold)))
    print(f"facqa-dev: {len(questions)} questions, {len(rows)} chunks\n")
    print("| retrieval | R@1 | R@5 | R@10 | MRR@10 |\n|---|---:|---:|---:|---:|")
    for name, m in table:
        print(f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['MRR@10']:.3f} |")


if __name__ == "__main__":
    main()
