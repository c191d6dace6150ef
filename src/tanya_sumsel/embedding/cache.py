"""Resumable builds: every vector a build computes is committed at once to a small SQLite file beside the index,
keyed by the embedder and the exact text embedded, so a build killed at 90% only embeds the last 10% next time.
A finished build removes the file (its vectors then live in the index itself)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"


class EmbeddingCache:
    """Text → vector for one embedder, durable after every `put` (a kill -9 loses at most the batch in flight)."""

    def __init__(self, index_dir: Path, embedder_id: str, dim: int) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / f".embed-cache-{re.sub(r'[^A-Za-z0-9]+', '-', embedder_id).strip('-')}.sqlite"
        self.dim = dim
        self.db = sqlite3.connect(self.path)
        try:
            self.db.execute(_SCHEMA)
        except sqlite3.DatabaseError:  # a damaged cache is only lost work: start it afresh
            self.db.close()
            self.path.unlink(missing_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute(_SCHEMA)
        self.db.commit()

    @staticmethod
    def key(text: str) -> str:
        """The cache key of an embedded text."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `keys`."""
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            rows = self.db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            for key, blob in rows:
                if len(blob) == 4 * self.dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Store vectors and commit, so they survive the process."""
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(keys, vectors, strict=True)]
        self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        self.db.commit()

    def discard(self) -> None:
        """Delete the cache file (after a finished build)."""
        self.db.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the file, keeping it for the next build."""
        self.db.close()
