"""Small learned scorers shipped as JSON package data (one hidden ReLU layer, or logistic), read with numpy (never
pickle)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np

from tanya_sumsel.errors import ModelFileError


@lru_cache(maxsize=8)
def load(name: str, features: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """The weights in package data file `name` (mean, scale, then w1, b1, w2, b2 or w, b; 'about' is a comment).
    With `features`, the file must list exactly these feature names in this order: a model trained on columns in
    another order would score wrongly without a word."""
    raw = json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
    if features is not None and raw.get("features") != list(features):
        listed = raw.get("features")
        where = "lists no feature names" if listed is None else f"lists {len(listed)} features in another order"
        if listed is not None and len(listed) == len(features):
            diff = next(n for n, (a, b) in enumerate(zip(listed, features, strict=True)) if a != b)
            where += f" (column {diff}: {listed[diff]!r} in the file, {features[diff]!r} in the code)"
        raise ModelFileError(f"{name} {where}; retrain it (see training/README.md) or reinstall the package.")
    return {k: np.asarray(v, dtype=np.float32) for k, v in raw.items() if k not in ("about", "features", "training")}


def forward(rows: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """One score per feature row (higher is better)."""
    z = rows - weights["mean"]  # in place from here: fresh temporaries of a few thousand rows cost 3× the product
    z /= weights["scale"]
    hidden = z @ weights["w1"].T
    hidden += weights["b1"]
    np.maximum(hidden, 0.0, out=hidden)
    return hidden @ weights["w2"] + weights["b2"]


def logistic(rows: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """Probability per feature row from a logistic model (keys mean, scale, w, b)."""
    z = ((rows - weights["mean"]) / weights["scale"]) @ weights["w"] + weights["b"]
    return 1.0 / (1.0 + np.exp(-z))
