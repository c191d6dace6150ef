"""Test doubles, named as such. `HashEmbedder` is a FAKE embedder: hashed bag of word stems, no model, for the fast
layer's index and store tests (real retrieval quality is tested with the real e5 model in the slow layer)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from tanya_sumsel.lang.normalize import terms


class HashEmbedder:
    """FAKE embedder: each Indonesian-normalized term adds a fixed pseudo-random vector; rows are L2-normalized.
    Texts sharing words get similar vectors, which is all the store and index tests need."""

    id = "fake-hash"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.documents = 0
        self._cache: dict[str, np.ndarray] = {}

    def _term(self, term: str) -> np.ndarray:
        if term not in self._cache:
            seed = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")
            self._cache[term] = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return self._cache[term]

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in terms(text):
            v += self._term(t)
        n = float(np.linalg.norm(v))
        return v / n if n else np.eye(self.dim, dtype=np.float32)[0]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents += len(texts)
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)
