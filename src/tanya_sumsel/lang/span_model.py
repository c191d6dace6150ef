"""The short-answer model's score of candidate spans: shared by the reranker (a passage's best span) and the rules'
short answers, so it sits below both."""

from __future__ import annotations

import numpy as np

from tanya_sumsel import mlp
from tanya_sumsel.lang.span_columns import FEATURE_NAMES


def score(rows: np.ndarray, model: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The model's (default: the shipped one's) score for each feature row (higher is better)."""
    return mlp.forward(rows, model if model is not None else mlp.load("short_answer_model.json", FEATURE_NAMES))
