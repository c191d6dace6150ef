"""Shared by the training scripts: the FacQA retriever they read, listwise training of small one-hidden-layer
scorers on FacQA's train split, and the provenance every model file records (data hashes, seeds, settings, the
model files it was trained on top of). The scripts ignore `TANYA_*` variables: a model depends only on the
repository, the data files and its command line.

`data` rows are (question number, question type, candidate feature rows, candidate labels); the trained ensemble
is written as one JSON network that `tanya_sumsel.mlp` reads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from tanya_sumsel.evaluation import eval_settings
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.pipeline import pin_query_threads
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever
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


PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tanya_sumsel"
TRAINING_SETTINGS = (
    "embed_model",
    "chunk_max_words",
    "chunk_overlap_sentences",
    "fetch_k",
    "retrieval",
    "fusion",
    "dense_weight",
    "rerank_depth",
)


def training_settings(**overrides: object) -> Settings:
    """The product's defaults, whatever `TANYA_*` says (the cache folder aside), with `overrides`."""
    return Settings.from_env(env={}, **overrides)


def sha256(path: Path) -> str:
    """The file's SHA-256 (hex), recorded so a model names the exact data it was trained on."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance(
    script: str, data: list[Path], seeds: list[int], settings: Settings, reads: tuple[str, ...], **extra: object
) -> dict[str, object]:
    """What a model file records about its training: script, data file hashes, split, seeds, the settings that
    shape the training examples, and the hashes of the shipped model files the examples were computed with."""
    return {
        "script": f"training/{script}",
        "data": {p.name: sha256(p) for p in data},
        "train_split": f"q-dev-0001…{LAST_TRAIN:04d}",
        "seeds": seeds,
        "settings": {k: getattr(settings, k) for k in TRAINING_SETTINGS},
        "reads": {name: sha256(PACKAGE / name)[:16] for name in reads},
        "trained_at": time.strftime("%Y-%m-%d"),
        **extra,
    }


def facqa_retriever(corpus: Path, settings: Settings | None = None) -> Retriever:
    """The retriever over the index `tanya-sumsel eval` caches for `corpus` (built when missing), query path pinned."""
    settings = eval_settings([corpus], settings or training_settings())
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


def save(
    m: dict[str, np.ndarray],
    path: Path,
    about: str,
    features: tuple[str, ...] | None = None,
    training: dict[str, object] | None = None,
) -> None:
    """Write the network as JSON (rounded to 6 digits), with a one-line description, its provenance and, when
    given, the feature names the columns stand for (checked against the code when the model is loaded)."""
    named = {"features": list(features)} if features is not None else {}
    weights = {
        "about": about,
        "training": training or {},
        **named,
        **{k: np.round(np.asarray(v, dtype=np.float64), 6).tolist() for k, v in m.items()},
    }
    path.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    print(f"weights: {path}")
