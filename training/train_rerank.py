"""Train the passage reranker on FacQA's train split and report recall/MRR against plain fusion on its valid split.

    python training/train_rerank.py [--hidden 16] [--epochs 300] [--out src/tanya_sumsel/rerank_model.json]

Candidates and features come from the product's own code (`Retriever.candidates`, `fuse`,
`Retriever.rerank_candidates`, `rerank.rerank_features`) over the facqa-dev index, so training sees what users
get. A candidate is labelled 1 when its article is the question's gold passage. Questions q-dev-0001…2495 train
the model; 2496…2806 are held out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from common import LAST_TRAIN, arguments, ensemble, facqa_retriever, provenance, save, split, training_settings

from tanya_sumsel.evaluation import load_questions
from tanya_sumsel.mlp import forward
from tanya_sumsel.question.kind import question_type
from tanya_sumsel.retrieval.rerank import rerank_features
from tanya_sumsel.retrieval.retriever import fuse


def examples(corpus: Path, questions: Path) -> list[tuple[int, str, np.ndarray, np.ndarray, list[str]]]:
    """(question number, type, candidate features, candidate labels, candidate article ids) per question."""
    retriever = facqa_retriever(corpus)
    settings = retriever.settings
    out = []
    for q in load_questions(questions):
        dense, keyword, vector = retriever.candidates(q["question"])
        hits = fuse(dense, keyword, settings.fusion, settings.dense_weight)[: settings.rerank_depth]
        candidates = retriever.rerank_candidates(hits, dense, keyword, vector)
        chunks = retriever.store.chunks([c.chunk_id for c in candidates])
        articles = [chunks[c.chunk_id].article_id for c in candidates]
        labels = np.array([a in q["doc_ids"] for a in articles], dtype=np.float32)
        rows = rerank_features(q["question"], candidates, retriever.store.idf)
        out.append((int(q["id"].rsplit("-", 1)[1]), question_type(q["question"]), rows, labels, articles))
    return out


def report(data: list, m: dict[str, np.ndarray] | None) -> str:
    """Article-level recall@1/@5 and MRR@10 of the fused order (m=None) or of the model's order."""
    ranks = []
    for _, _, rows, labels, articles in data:
        order = np.arange(len(labels)) if m is None else np.argsort(-forward(rows, m), kind="stable")
        seen: list[str] = []
        for i in order:
            if articles[i] not in seen:
                seen.append(articles[i])
        gold = {a for a, y in zip(articles, labels, strict=True) if y}
        ranks.append(next((n + 1 for n, a in enumerate(seen) if a in gold), 10**6))
    r = np.array(ranks)
    return f"R@1 {(r == 1).mean():.4f}  R@5 {(r <= 5).mean():.4f}  MRR@10 {np.where(r <= 10, 1 / r, 0).mean():.4f}"


def main() -> None:
    """Train, print fused vs reranked figures on both splits, write the weights as JSON."""
    args = arguments(__doc__.splitlines()[0], "rerank_model.json", hidden=16, epochs=300)
    data = examples(args.corpus, args.questions)
    trainset, held = split(data)
    m = ensemble([d[:4] for d in trainset], args.hidden, args.epochs, args.seeds, batch=len(trainset), lr=0.01)
    for name, part in (("train", trainset), ("held-out", held)):
        print(f"{name:8} ({len(part)} questions)  fused:    {report(part, None)}")
        print(f"{name:8} ({len(part)} questions)  reranked: {report(part, m)}")
    save(
        m,
        args.out,
        f"passage reranker: {args.seeds} averaged networks of {args.hidden} hidden units, {args.epochs} epochs on "
        f"FacQA train (q-dev-0001…{LAST_TRAIN}); written by training/train_rerank.py",
        training=provenance(
            "train_rerank.py",
            [args.corpus, args.questions],
            list(range(args.seeds)),
            training_settings(),
            ("short_answer_model.json",),  # its span scores are reranker features
            hidden=args.hidden,
            epochs=args.epochs,
        ),
    )


if __name__ == "__main__":
    main()
