"""Shared by the training scripts: listwise training of small one-hidden-layer scorers on FacQA's train split.

`data` rows are (question number, question type, candidate feature rows, candidate labels); the trained ensemble
is written as one JSON network that `tanya_sumsel.mlp` reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from tanya_sumsel.evaluate import eval_settings
from tanya_sumsel.index import build_index
from tanya_sumsel.retrieve import Retriever, load_retriever, pin_query_threads
from tanya_sumsel.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "facqa-dev"
LAST_TRAIN = 2495  # q-dev-0001…2495 come from FacQA's train split, 2496…2806 from its valid split


def arguments(description: str, model_file: str, hidden: int, epochs: int) -> argparse.Namespace:
    """The training scripts' shared options (data files, network size, output); exits when the data is missing."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl")
    ap.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    ap.add_argument("--hidden", type=int, default=hidden)
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--seeds", type=int, default=5, help="networks averaged into the shipped one")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/tanya_sumsel" / model_file)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: this script needs ../shared/eval/facqa-dev")
    return args


def facqa_retriever(corpus: Path) -> Retriever:
    """The retriever over the index `tanya-sumsel eval` caches for `corpus` (built when missing), query path pinned."""
    settings = eval_settings([corpus], Settings.from_env())
    build_index(settings)
    pin_query_threads()
    return load_retriever(settings)


def split(data: list) -> tuple[list, list]:
    """(train split, held-out valid split) of `data` by question number."""
    return [d for d in data if d[0] <= LAST_TRAIN], [d for d in data if d[0] > LAST_TRAIN]


def train(
    data: list, hidden: int, epochs: int, seed: int = 0, batch: int = 64, lr: float = 3e-3
) -> tuple[torch.nn.Module, np.ndarray, np.ndarray]:
    """Listwise training: softmax over a question's candidates against targets ∝ label² (labels: F1 or 0/1)."""
    torch.manual_seed(seed)
    stacked = np.vstack([x for _, _, x, _ in data])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-6
    constant = stacked.std(0) < 1e-9  # e.g. a bias feature: passed through as is
    mean[constant], scale[constant] = 0.0, 1.0
    useful = [d for d in data if d[3].max() > 0]
    batches = []
    for b in range(0, len(useful), batch):
        part = useful[b : b + batch]
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
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    for _ in range(epochs):
        for i in torch.randperm(len(batches)).tolist():
            x, t, mask = batches[i]
            z = model(x).squeeze(-1).masked_fill(~mask, -1e9)
            loss = -(t * torch.log_softmax(z, -1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model, mean, scale


def ensemble(data: list, hidden: int, epochs: int, seeds: int, **options: float) -> dict[str, np.ndarray]:
    """Average of `seeds` networks, written as one wider network (hidden units side by side, output / seeds)."""
    parts = []
    for seed in range(seeds):
        model, mean, scale = train(data, hidden, epochs, seed, **options)  # type: ignore[arg-type]
        parts.append({k: v.detach().numpy() for k, v in model.state_dict().items()})
    return {
        "mean": mean,
        "scale": scale,
        "w1": np.vstack([p["0.weight"] for p in parts]),
        "b1": np.concatenate([p["0.bias"] for p in parts]),
        "w2": np.concatenate([p["2.weight"][0] for p in parts]) / seeds,
        "b2": np.float32(sum(p["2.bias"][0] for p in parts) / seeds),
    }


def save(m: dict[str, np.ndarray], path: Path, about: str, features: tuple[str, ...] | None = None) -> None:
    """Write the network as JSON (rounded to 6 digits), with a one-line description and, when given, the feature
    names the columns stand for (checked against the code when the model is loaded)."""
    named = {"features": list(features)} if features is not None else {}
    weights = {
        "about": about,
        **named,
        **{k: np.round(np.asarray(v, dtype=np.float64), 6).tolist() for k, v in m.items()},
    }
    path.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    print(f"weights: {path}")
