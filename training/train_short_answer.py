"""Train the short-answer span scorer on FacQA's train split and report token F1 on its valid split.

    python training/train_short_answer.py [--epochs 20] [--hidden 32] [--out src/tanya_sumsel/short_answer_model.json]

Candidates and features come from the product's own code (`sentences.rank_sentences`, `sentences.answer_contexts`,
`short_answer.features`) over passages retrieved from the facqa-dev index, so training sees what users get.
Questions q-dev-0001…2495 (the source's train split) train the model; 2496…2806 (its valid split) are held out.
Retrieval runs without the learned reranker (which reads this model's span scores), so this model depends on no
other: it is the first in training/README.md's order, and `train_rerank.py` comes after it.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
from common import LAST_TRAIN, arguments, ensemble, facqa_retriever, provenance, save, split, training_settings

from tanya_sumsel.evaluation import load_questions, token_f1
from tanya_sumsel.lang.span_columns import FEATURE_NAMES
from tanya_sumsel.lang.span_features import features, parse_question
from tanya_sumsel.lang.span_model import score
from tanya_sumsel.question.kind import question_type
from tanya_sumsel.reading.sentences import answer_contexts, rank_sentences

SETTINGS = training_settings(rerank_depth=0)  # fused order: the reranker is trained after this model


def examples(corpus: Path, questions: Path) -> list[tuple[int, str, np.ndarray, np.ndarray]]:
    """(question number, type, candidate features, candidate F1 against the gold answers) per question."""
    retriever = facqa_retriever(corpus, SETTINGS)
    out = []
    for q in load_questions(questions):
        qtype = question_type(q["question"])
        ranked = rank_sentences(q["question"], retriever.search(q["question"], 10))
        contexts = answer_contexts(ranked)
        parsed = parse_question(q["question"], qtype)
        rows, labels = [], []
        for ctx, (chars, x) in zip(contexts, features(parsed, contexts, repeats=True), strict=True):
            rows.append(x)
            labels += [max(token_f1(ctx.text[s:e], g) for g in q["answers"]) for s, e in chars]
        if labels:
            out.append((int(q["id"].rsplit("-", 1)[1]), qtype, np.vstack(rows), np.asarray(labels, dtype=np.float32)))
    return out


def report(m: dict[str, np.ndarray], data: list) -> str:
    """Mean F1 of the top-scored candidate, overall and per question type."""
    by: dict[str, list[float]] = {}
    for _, qtype, x, y in data:
        z = score(x, m)
        by.setdefault(qtype, []).append(float(y[int(np.argmax(z))]))
    overall = statistics.fmean(v for vals in by.values() for v in vals)
    kinds = ", ".join(f"{k} {statistics.fmean(v):.3f} (n={len(v)})" for k, v in sorted(by.items()))
    return f"F1 {overall:.4f}  [{kinds}]"


def main() -> None:
    """Train, print train/held-out F1, write the weights as JSON."""
    args = arguments(__doc__.splitlines()[0], "short_answer_model.json", hidden=32, epochs=40)
    data = examples(args.corpus, args.questions)
    trainset, held = split(data)
    m = ensemble(trainset, args.hidden, args.epochs, args.seeds)
    print(f"train    ({len(trainset)} questions): {report(m, trainset)}")
    print(f"held-out ({len(held)} questions): {report(m, held)}")
    save(
        m,
        args.out,
        f"short-answer span scorer: {args.seeds} averaged networks of {args.hidden} hidden units, "
        f"{args.epochs} epochs on FacQA train (q-dev-0001…{LAST_TRAIN}); written by training/train_short_answer.py",
        FEATURE_NAMES,
        provenance(
            "train_short_answer.py",
            [args.corpus, args.questions],
            list(range(args.seeds)),
            SETTINGS,
            (),
            hidden=args.hidden,
            epochs=args.epochs,
        ),
    )


if __name__ == "__main__":
    main()
