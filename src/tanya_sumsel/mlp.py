"""Small learned scorers shipped as JSON package data (one hidden ReLU layer, or logistic), read with numpy (never
pickle)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np


@lru_cache(maxsize=4)
def load(name: str) -> dict[str, np.ndarray]:
    """The weights in package data file `name` (mean, scale, then w1, b1, w2, b2 or w, b; 'about' is a comment)."""
    raw = json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
    return {k: np.asarray(v, dtype=np.float32) for k, v in raw.items() if k != "about"}


def forward(rows: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """One score per feature row (higher is better)."""
    hidden = np.maximum(((rows - weights["mean"]) / weights["scale"]) @ weights["w1"].T + weights["b1"], 0.0)
    return hidden @ weights["w2"] + weights["b2"]


def logistic(rows: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """Probability per feature row from a logistic model (keys mean, scale, w, b)."""
    z = ((rows - weights["mean"]) / weights["scale"]) @ weights["w"] + weights["b"]
    return 1.0 / (1.0 + np.exp(-z))
