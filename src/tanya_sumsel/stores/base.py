"""Storage seam: what every index store offers, a writer that makes a new state live atomically and a reader of one
live state. `stores/local/store.py` (FAISS + SQLite + BM25 files, the default) and `stores/postgres/store.py`
(PostgreSQL + pgvector, `TANYA_DATABASE_URL`) implement it; `stores/choose.py` picks one from the settings. A third
store is one more subpackage of `stores/` plus a line in `stores.choose._backend`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from tanya_sumsel.types import Article

# 2: BM25 terms and arrays; 3: event dates per chunk, MinHash signatures and copy clusters; 4: per article its word
# count and the years it names, so a filtered view is one array mask (view.py) instead of reading article texts
FORMAT_VERSION = 4
ARTICLE_COLS = ("id", "title", "text", "source", "place", "date", "url", "path")
# A chunk row as a writer takes it: article_id, ord, start, end, text, BM25 terms (space-separated), event dates,
# scan (chunk_scan.encode)
ChunkRow = tuple[str, int, int, int, str, str, str, str]


@dataclass(frozen=True)
class StoredChunk:
    """A chunk row as stored: id, article id, order, span and text."""

    id: int
    article_id: str
    ord: int
    start: int
    end: int
    text: str
    dates: tuple[str, ...] = ()  # the days the chunk mentions (ISO), see dates.event_dates
    scan: str = ""  # the reranker's question-independent analysis (chunk_scan.encode); "" when not stored


class StoreReader(Protocol):
    """One live state of an index, read-only and safe to share between threads. Chunk ids are stable: a chunk keeps
    its id for as long as its article is unchanged. `allow` masks are boolean arrays indexed by chunk id."""

    manifest: dict[str, Any]

    @property
    def generation(self) -> str:
        """Which live state this reader sees (changes with every committed build)."""
        ...

    def search(self, vector: np.ndarray, k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Dense search: top-k (chunk id, cosine) for a normalized vector."""
        ...

    def keyword_search(self, terms: Sequence[str], k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """BM25 search: top-k (chunk id, score) for Indonesian-normalized terms (textnorm.terms)."""
        ...

    def idf(self, term: str) -> float:
        """The term's BM25 inverse document frequency (a term no chunk holds gets the highest)."""
        ...

    def cosines(self, ids: Sequence[int], vector: np.ndarray) -> dict[int, float]:
        """Cosine of each stored chunk vector with `vector`."""
        ...

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        """Chunks by id."""
        ...

    def articles(self, ids: Sequence[str] | None = None) -> dict[str, Article]:
        """Articles by id (all of them, newest first, when `ids` is None)."""
        ...

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash, for incremental updates."""
        ...

    def clusters(self) -> dict[str, str]:
        """Article id → copy cluster id, for the articles carried by more than one outlet."""
        ...

    def catalog_rows(self) -> tuple[list[tuple[str, str | None, str | None, int, str]], list[tuple[int, str, str]]]:
        """(id, date, source, words, years) per article and (chunk id, article id, days) per chunk, for view.py."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


class StoreWriter(Protocol):
    """A new state being written on top of the live one (or from empty); nothing is visible before `commit()`, and
    `abort()` (or a crash) leaves the live state as it was."""

    def remove_articles(self, ids: Sequence[str]) -> int:
        """Drop articles with their chunks; returns the number of chunks removed."""
        ...

    def add_article(self, article: Article, signature: bytes | None = None, years: tuple[str, ...] = ()) -> None:
        """Insert one article with its MinHash signature and the years it names."""
        ...

    def add_chunks(self, rows: Sequence[ChunkRow], vectors: np.ndarray) -> list[int]:
        """Insert chunk rows with their vectors; returns their ids."""
        ...

    def signatures(self) -> dict[str, bytes]:
        """Article id → MinHash signature, for every article that has one."""
        ...

    def set_clusters(self, clusters: dict[str, str]) -> None:
        """Replace the copy clusters (article id → cluster id)."""
        ...

    def chunk_count(self) -> int:
        """Chunks the new state holds."""
        ...

    def commit(self, manifest: dict[str, Any]) -> str:
        """Make the new state live atomically; returns where it lives (a folder, or a redacted database URL)."""
        ...

    def abort(self) -> None:
        """Throw the unfinished state away."""
        ...
