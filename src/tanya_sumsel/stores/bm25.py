"""BM25 keyword index over Indonesian-normalized terms, stored beside the vectors as plain arrays (no pickle)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75


def idf_of(n: int, df: np.ndarray) -> np.ndarray:
    """BM25's inverse document frequency for terms held by `df` of `n` chunks."""
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


class BM25Index:
    """Chunk × term matrix of precomputed BM25 weights; a query sums the columns of its terms."""

    def __init__(self, vocab: dict[str, int], weights: sparse.csc_matrix, chunk_ids: np.ndarray) -> None:
        self.vocab = vocab
        self.weights = weights
        self.chunk_ids = chunk_ids
        n = weights.shape[0]
        self._idf = idf_of(n, np.diff(weights.indptr).astype(np.float32))  # nonzeros per column = chunks per term
        self._unseen = float(idf_of(n, np.zeros(1))[0])

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str]], k1: float = K1, b: float = B) -> BM25Index:
        """Build from (chunk id, space-separated terms) rows."""
        ids: list[int] = []
        counts: list[Counter[str]] = []
        for cid, terms in rows:
            ids.append(cid)
            counts.append(Counter(terms.split()))
        vocab: dict[str, int] = {}
        data, indices, indptr = [], [], [0]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        for c in counts:
            for term, tf in c.items():
                indices.append(vocab.setdefault(term, len(vocab)))
                data.append(tf)
            indptr.append(len(indices))
        n = len(ids)
        tf = sparse.csr_matrix(
            (np.array(data, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
            shape=(n, max(len(vocab), 1)),
        )
        idf = idf_of(n, np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32))
        avgdl = float(lengths.mean()) if n else 1.0
        norm = k1 * (1 - b + b * lengths / max(avgdl, 1e-9))
        rows_of = np.repeat(np.arange(n), np.diff(tf.indptr))
        tf.data = idf[tf.indices] * tf.data * (k1 + 1) / (tf.data + norm[rows_of])
        return cls(vocab, tf.tocsc(), np.array(ids, dtype=np.int64))

    def search(self, terms: list[str], k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, BM25 score) for the query terms, among the chunk ids `allow` marks (a boolean array
        indexed by chunk id) when given."""
        cols = [self.vocab[t] for t in terms if t in self.vocab]
        if not cols or self.weights.shape[0] == 0:
            return []
        scores = np.asarray(self.weights[:, cols].sum(axis=1)).ravel()
        if allow is not None:
            ids = self.chunk_ids
            inside = ids < len(allow)
            keep = np.zeros(len(ids), dtype=bool)
            keep[inside] = allow[ids[inside]]
            scores[~keep] = 0.0
        k = min(k, int((scores > 0).sum()))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.chunk_ids[i]), float(scores[i])) for i in top]

    def idf(self, term: str) -> float:
        """The term's BM25 inverse document frequency (a term no chunk holds gets the highest)."""
        col = self.vocab.get(term)
        return self._unseen if col is None else float(self._idf[col])

    def save(self, folder: Path) -> None:
        """Write `bm25.npz` (arrays only) and `bm25_vocab.json`."""
        w = self.weights
        with open(folder / "bm25.npz", "wb") as fh:
            np.savez(
                fh, data=w.data, indices=w.indices, indptr=w.indptr, shape=np.array(w.shape), chunk_ids=self.chunk_ids
            )
        (folder / "bm25_vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """Read what `save` wrote (`allow_pickle=False`: a file can never run code)."""
        with np.load(folder / "bm25.npz", allow_pickle=False) as z:
            weights = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            chunk_ids = z["chunk_ids"]
        vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        return cls(vocab, weights, chunk_ids)
