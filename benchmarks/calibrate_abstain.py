"""Calibrate the extractive answerer's abstention threshold on ../shared/eval/facqa-dev.

For every question the answerer's confidence is computed twice: with the retrieved passages as they are
(answerable) and with the gold passage removed from them (a proxy for "the articles do not say it"; noisy,
since for ~40% of FacQA questions the answer string also occurs in another passage). The threshold is the
largest one that keeps abstention on answerable questions at or under the target rate.

Usage: python benchmarks/calibrate_abstain.py [--target 0.02]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from tanya_sumsel.answer import rank_sentences
from tanya_sumsel.evaluate import eval_settings
from tanya_sumsel.index import build_index
from tanya_sumsel.retrieve import load_retriever
from tanya_sumsel.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=float, default=0.02, help="max abstain rate on answerable questions")
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    settings = eval_settings(EVAL / "corpus.jsonl", Settings.from_env())  # the index `tanya-sumsel eval` caches
    build_index(settings)
    retriever = load_retriever(settings)
    questions = [json.loads(x) for x in (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    pos, neg = [], []
    for q in questions:
        passages = retriever.search(q["question"], args.k + 3)
        ranked = rank_sentences(q["question"], passages[: args.k])
        pos.append(ranked[0].score if ranked else 0.0)
        without = [p for p in passages if p.article_id not in q["doc_ids"]][: args.k]
        ranked = rank_sentences(q["question"], without)
        neg.append(ranked[0].score if ranked else 0.0)
    pos_a, neg_a = np.array(pos), np.array(neg)
    print(f"questions: {len(questions)}")
    print("threshold  abstain(answerable)  abstain(gold removed)")
    for t in np.arange(0.20, 0.66, 0.05):
        print(f"  {t:.2f}      {np.mean(pos_a < t):.3f}               {np.mean(neg_a < t):.3f}")
    best = float(np.quantile(pos_a, args.target))
    print(
        f"chosen threshold (abstain ≤ {args.target:.0%} of answerable): {best:.3f}; "
        f"abstains on {np.mean(neg_a < best):.1%} of gold-removed questions"
    )


if __name__ == "__main__":
    main()
