"""Where facqa-dev's retrieval misses come from, and what the issue's recall@5 / mrr@10 targets would need.

    tanya-sumsel eval --corpus … --questions … --report /tmp/facqa.json
    python benchmarks/label_noise.py /tmp/facqa.json [--recall5 0.96] [--mrr 0.88]

Every FacQA question was written on one passage, and that passage alone counts as a hit. Each question is put
in one class with the product's own keyword normalization (`textnorm.terms`):

- outranked: another passage contains a gold answer string and every question term the gold passage has, plus
  more (the question was asked of one paragraph of a story, and another paragraph answers it at least as well);
- no-overlap: the gold passage shares at most one question term (the question's subject is only in a
  neighbouring paragraph, e.g. "Siapa Presiden AS?" asked of a passage naming Bush once);
- clean: the rest.

It prints recall@1/@5 and mrr@10 per class from the report's ranks, then what the targets demand of each class.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from tanya_sumsel.evaluation import load_questions
from tanya_sumsel.lang.normalize import terms

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"
CLASSES = ("clean", "outranked", "no-overlap")


def classify(questions: list[dict], corpus: dict[str, str]) -> dict[str, str]:
    """Question id → class (see the module docstring)."""
    passage_terms = {k: set(terms(v)) for k, v in corpus.items()}
    lowered = {k: v.lower() for k, v in corpus.items()}
    out = {}
    for q in questions:
        q_terms, gold = set(terms(q["question"])), q["doc_ids"][0]
        shared = q_terms & passage_terms[gold]
        answers = [a.lower() for a in q["answers"]]
        outranked = any(
            k != gold and shared <= passage_terms[k] and len(q_terms & passage_terms[k]) > len(shared)
            for k, text in lowered.items()
            if any(a in text for a in answers)
        )
        out[q["id"]] = "outranked" if outranked else "no-overlap" if len(shared) <= 1 else "clean"
    return out


def main() -> None:
    """Print per-class figures and the targets' demands."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path, help="JSON report of `tanya-sumsel eval` on facqa-dev")
    ap.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl")
    ap.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    ap.add_argument("--recall5", type=float, default=0.96)
    ap.add_argument("--mrr", type=float, default=0.88)
    args = ap.parse_args()
    corpus = {a["id"]: a["text"] for a in map(json.loads, args.corpus.read_text(encoding="utf-8").splitlines())}
    questions = load_questions(args.questions)
    ranks = {p["id"]: p["rank"] for p in json.loads(args.report.read_text(encoding="utf-8"))["per_question"]}
    classes = classify(questions, corpus)
    n = len(questions)
    print(f"{'class':11} {'questions':>9} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}")
    hits5, rr = {}, {}
    for c in CLASSES:
        rs = [ranks[q] for q, k in classes.items() if k == c]
        hits5[c] = sum(1 for r in rs if r and r <= 5)
        rr[c] = sum(1 / r for r in rs if r and r <= 10)
        ones = sum(1 for r in rs if r == 1)
        print(f"{c:11} {len(rs):9d} {ones / len(rs):6.3f} {hits5[c] / len(rs):6.3f} {rr[c] / len(rs):7.3f}")
    print(f"{'all':11} {n:9d} {'':6} {sum(hits5.values()) / n:6.3f} {sum(rr.values()) / n:7.3f}")
    n_clean = sum(1 for k in classes.values() if k == "clean")
    noisy = n - n_clean
    need = math.ceil(args.recall5 * n) - n_clean
    print(
        f"recall@5 >= {args.recall5}: even with all {n_clean} clean questions in the top 5, {need} of the {noisy} "
        f"outranked/no-overlap ones must be too ({need / noisy:.0%}; now {hits5['outranked'] + hits5['no-overlap']})"
    )
    clean_mrr = (args.mrr * n - rr["outranked"] - rr["no-overlap"]) / n_clean
    print(
        f"mrr@10 >= {args.mrr}: with the noisy classes as now, the clean questions need mrr@10 {clean_mrr:.3f} "
        f"(now {rr['clean'] / n_clean:.3f})"
    )


if __name__ == "__main__":
    main()
