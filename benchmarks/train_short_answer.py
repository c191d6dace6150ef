"""Train the short-answer span scorer on FacQA's train split and report token F1 on its valid split.

    python benchmarks/train_short_answer.py [--epochs 20] [--hidden 32] [--out src/tanya_sumsel/short_answer_model.json]

Candidates and features come from the product's own code (`answer.rank_sentences`, `answer.answer_contexts`,
`short_answer.features`) over passages retrieved from the facqa-dev index, so training sees what users get.
Questions q-dev-0001…2495 (the source's train split) train the model; 2496…2806 (its valid split) are held out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from tanya_sumsel.answer import answer_contexts, question_type, rank_sentences
from tanya_sumsel.evaluate import eval_settings, load_questions, token_f1
from tanya_sumsel.index import build_index
from tanya_sumsel.retrieve import load_retriever, pin_query_threads
from tanya_sumsel.settings import Settings
from tanya_sumsel.short_answer import features, parse_question, score, span_keys

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"
LAST_TRAIN = 2495  # q-dev-0001…2495 come from FacQA's train split


def examples(corpus: Path, questions: Path) -> list[tuple[int, str, np.ndarray, np.ndarray]]:
    """(question number, type, candidate features, candidate F1 against the gold answers) per question."""
    settings = eval_settings(corpus, Settings.from_env())
    build_index(settings)
    retriever = load_retriever(settings)
    pin_query_threads()
    out = []
    for q in load_questions(questions):
        qtype = question_type(q["question"])
        ranked = rank_sentences(q["question"], retriever.search(q["question"], 10))
        contexts = answer_contexts(ranked)
        counts: Counter[str] = Counter()
        for ctx in contexts:
            counts.update(set(span_keys(ctx.text)))
        parsed = parse_question(q["question"], qtype)
        rows, labels = [], []
        for ctx in contexts:
            chars, x = features(parsed, ctx, counts)
            rows.append(x)
            labels += [max(token_f1(ctx.text[s:e], g) for g in q["answers"]) for s, e in chars]
        if labels:
            out.append((int(q["id"].rsplit("-", 1)[1]), qtype, np.vstack(rows), np.asarray(labels, dtype=np.float32)))
    return out


def train(data: list, hidden: int, epochs: int, seed: int = 0) -> tuple[torch.nn.Module, np.ndarray, np.ndarray]:
    """Listwise training: softmax over a question's candidates against F1²-weighted targets."""
    torch.manual_seed(seed)
    stacked = np.vstack([x for _, _, x, _ in data])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-6
    mean[0], scale[0] = 0.0, 1.0  # the bias feature
    useful = [d for d in data if d[3].max() > 0]
    batches = []
    for b in range(0, len(useful), 64):
        part = useful[b : b + 64]
        width = max(len(y) for *_, y in part)
        x = np.zeros((len(part), width, stacked.shape[1]), np.float32)
        t = np.zeros((len(part), width), np.float32)
        mask = np.zeros((len(part), width), bool)
        for i, (_, _, rows, y) in enumerate(part):
            x[i, : len(y)] = (rows - mean) / scale
            t[i, : len(y)] = y**2 / (y**2).sum()
            mask[i, : len(y)] = True
        batches.append((torch.tensor(x), torch.tensor(t), torch.tensor(mask)))
    model = torch.nn.Sequential(torch.nn.Linear(stacked.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for _ in range(epochs):
        for i in torch.randperm(len(batches)).tolist():
            x, t, mask = batches[i]
            z = model(x).squeeze(-1).masked_fill(~mask, -1e9)
            loss = -(t * torch.log_softmax(z, -1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model, mean, scale


def ensemble(data: list, hidden: int, epochs: int, seeds: int) -> dict[str, np.ndarray]:
    """Average of `seeds` networks, written as one wider network (hidden units side by side, output / seeds)."""
    parts = []
    for seed in range(seeds):
        model, mean, scale = train(data, hidden, epochs, seed)
        parts.append({k: v.detach().numpy() for k, v in model.state_dict().items()})
    return {
        "mean": mean,
        "scale": scale,
        "w1": np.vstack([p["0.weight"] for p in parts]),
        "b1": np.concatenate([p["0.bias"] for p in parts]),
        "w2": np.concatenate([p["2.weight"][0] for p in parts]) / seeds,
        "b2": np.float32(sum(p["2.bias"][0] for p in parts) / seeds),
    }


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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl")
    ap.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=5, help="networks averaged into the shipped one")
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/tanya_sumsel/short_answer_model.json"
    )
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: this script needs ../shared/eval/facqa-dev")
    data = examples(args.corpus, args.questions)
    trainset = [d for d in data if d[0] <= LAST_TRAIN]
    held = [d for d in data if d[0] > LAST_TRAIN]
    m = ensemble(trainset, args.hidden, args.epochs, args.seeds)
    print(f"train    ({len(trainset)} questions): {report(m, trainset)}")
    print(f"held-out ({len(held)} questions): {report(m, held)}")
    weights = {
        "about": f"short-answer span scorer: {args.seeds} averaged networks of {args.hidden} hidden units, "
        f"{args.epochs} epochs on FacQA train (q-dev-0001…{LAST_TRAIN}); written by benchmarks/train_short_answer.py",
        **{k: np.round(np.asarray(v, dtype=np.float64), 6).tolist() for k, v in m.items()},
    }
    args.out.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    print(f"weights: {args.out}")


if __name__ == "__main__":
    main()
