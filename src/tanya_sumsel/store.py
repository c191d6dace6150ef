"""Index storage: FAISS vectors + SQLite articles/chunks + manifest.json, in atomically swapped generations.

Layout: `index/CURRENT` names the live generation folder `index/gen-…/` holding `manifest.json`,
`vectors.faiss` and `store.sqlite`. A build writes a new generation and then replaces `CURRENT` with
`os.replace`, so a crash at any point leaves the previous generation loadable. No pickle anywhere.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .bm25 import BM25Index
from .check import generation_problems
from .errors import IndexDamagedError, IndexMismatchError, IndexMissingError
from .ingest import Article
from .subject import word_count

log = logging.getLogger(__name__)

# 2: BM25 terms and arrays; 3: event dates per chunk, MinHash signatures and copy clusters; 4: per article its word
# count and the years it names, so a filtered view is one array mask (view.py) instead of reading article texts
FORMAT_VERSION = 4
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, source TEXT, place TEXT,
    date TEXT, url TEXT, path TEXT, content_hash TEXT NOT NULL, words INTEGER NOT NULL, years TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
    ord INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    terms TEXT NOT NULL, dates TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE TABLE IF NOT EXISTS signatures (article_id TEXT PRIMARY KEY REFERENCES articles(id), minhash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (article_id TEXT PRIMARY KEY REFERENCES articles(id), cluster TEXT NOT NULL);
"""
_ARTICLE_COLS = ("id", "title", "text", "source", "place", "date", "url", "path")


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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when no complete index exists."""
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    gen = index_dir / pointer.read_text(encoding="utf-8").strip()
    return gen if (gen / "manifest.json").is_file() else None


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The live manifest, or None when there is no index."""
    gen = current_generation(index_dir)
    return json.loads((gen / "manifest.json").read_text(encoding="utf-8")) if gen else None


class Generation:
    """A new index generation being written; `commit()` makes it live atomically."""

    def __init__(self, index_dir: Path, dim: int, base: Path | None) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir = index_dir
        self.path = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.path.mkdir()
        try:  # interrupted while copying the base (Ctrl-C): no half-made folder is left behind
            db = self.path / "store.sqlite"
            if base is not None:
                src = sqlite3.connect(f"file:{base / 'store.sqlite'}?mode=ro", uri=True)
                self.db = sqlite3.connect(db)
                src.backup(self.db)
                src.close()
                self.vectors = faiss.read_index(str(base / "vectors.faiss"))
            else:
                self.db = sqlite3.connect(db)
                self.vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            self.db.executescript(SCHEMA)
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def remove_articles(self, ids: list[str]) -> int:
        """Drop articles and their chunks (rows and vectors); returns the number of chunks removed."""
        chunk_ids: list[int] = []
        for aid in ids:
            chunk_ids += [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE article_id=?", (aid,))]
            self.db.execute("DELETE FROM chunks WHERE article_id=?", (aid,))
            self.db.execute("DELETE FROM signatures WHERE article_id=?", (aid,))
            self.db.execute("DELETE FROM articles WHERE id=?", (aid,))
        if chunk_ids:
            self.vectors.remove_ids(np.asarray(chunk_ids, dtype=np.int64))
        return len(chunk_ids)

    def add_article(self, article: Article, signature: bytes | None = None, years: tuple[str, ...] = ()) -> None:
        """Insert one article row (with its content hash, for incremental updates, its word count and the years it
        names, for filtered views) and its MinHash signature."""
        values = [getattr(article, c) for c in _ARTICLE_COLS]
        self.db.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (*values, article.content_hash, word_count(article.text), " ".join(years)),
        )
        if signature is not None:
            self.db.execute("INSERT INTO signatures VALUES (?,?)", (article.id, signature))

    def signatures(self) -> dict[str, bytes]:
        """Article id → stored MinHash signature, for every article that has one."""
        return dict(self.db.execute("SELECT article_id, minhash FROM signatures"))

    def set_clusters(self, clusters: dict[str, str]) -> None:
        """Replace the copy clusters (article id → cluster id; articles without copies are absent)."""
        self.db.execute("DELETE FROM clusters")
        self.db.executemany("INSERT INTO clusters VALUES (?,?)", sorted(clusters.items()))

    def add_chunks(self, rows: list[tuple[str, int, int, int, str, str, str]], vectors: np.ndarray) -> list[int]:
        """Insert chunk rows (article_id, ord, start, end, text, BM25 terms, event dates) with their vectors;
        returns ids."""
        ids = []
        for row in rows:
            cur = self.db.execute(
                'INSERT INTO chunks (article_id, ord, start, "end", text, terms, dates) VALUES (?,?,?,?,?,?,?)', row
            )
            ids.append(int(cur.lastrowid or 0))
        if ids:
            self.vectors.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        return ids

    def commit(self, manifest: dict[str, Any]) -> Path:
        """Write vectors and manifest, fsync, then switch `CURRENT` to this generation."""
        self.db.commit()
        BM25Index.build(self.db.execute("SELECT id, terms FROM chunks ORDER BY id")).save(self.path)
        self.db.close()
        faiss.write_index(self.vectors, str(self.path / "vectors.faiss"))
        (self.path / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
        for name in ("store.sqlite", "vectors.faiss", "bm25.npz", "bm25_vocab.json", "manifest.json"):
            with open(self.path / name, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(self.path)
        tmp = self.index_dir / f".CURRENT.{uuid.uuid4().hex[:6]}"
        tmp.write_text(self.path.name, encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.index_dir / "CURRENT")
        _fsync_dir(self.index_dir)
        prune_generations(self.index_dir, keep=2)
        return self.path

    def abort(self) -> None:
        """Throw the unfinished generation away; the live one is untouched."""
        try:
            self.db.close()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


def update_manifest(index_dir: Path, changes: dict[str, Any]) -> None:
    """Atomically rewrite fields of the live manifest (used when only file timestamps changed)."""
    gen = current_generation(index_dir)
    if gen is None:
        return
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8")) | changes
    tmp = gen / f".manifest.{uuid.uuid4().hex[:6]}"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, gen / "manifest.json")


def prune_generations(index_dir: Path, keep: int = 2) -> None:
    """Delete old and abandoned generations, keeping the live one and the newest `keep - 1` others."""
    live = current_generation(index_dir)
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    complete = [g for g in gens if (g / "manifest.json").is_file() and g != live]
    keep_old = set(complete[-(keep - 1) :]) if keep > 1 else set()
    for g in gens:
        if g != live and g not in keep_old:
            shutil.rmtree(g, ignore_errors=True)
    for tmp in index_dir.glob(".CURRENT.*"):
        tmp.unlink(missing_ok=True)


class IndexStore:
    """A loaded, read-only index generation: vector search plus article/chunk lookups (thread-safe)."""

    def __init__(self, index_dir: Path) -> None:
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexMissingError(
                f"Belum ada indeks di {index_dir}. Taruh artikel di folder korpus, lalu jalankan: "
                f"tanya-sumsel index --corpus FOLDER_KORPUS --index {index_dir}"
            )
        self.path = gen
        try:
            self.manifest: dict[str, Any] = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexDamagedError(index_dir, [f"manifest.json tidak terbaca ({exc})"]) from None
        if self.manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"Indeks di {index_dir} memakai format versi {self.manifest.get('format_version')}, "
                f"versi ini butuh {FORMAT_VERSION}",
                f"Jalankan: tanya-sumsel index --rebuild --index {index_dir}",
            )
        try:
            self.vectors = faiss.read_index(str(gen / "vectors.faiss"))
            self.bm25 = BM25Index.load(gen)
            self._db = sqlite3.connect(f"file:{gen / 'store.sqlite'}?mode=ro", uri=True, check_same_thread=False)
            chunks = self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            sound = chunks == self.vectors.ntotal == self.bm25.weights.shape[0]
        except (RuntimeError, OSError, ValueError, KeyError, sqlite3.Error):
            sound = False
        if not sound:
            raise IndexDamagedError(index_dir, generation_problems(gen) or ["berkas indeks tidak terbaca"])
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return int(self.vectors.d)

    def search(self, vector: np.ndarray, k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine) pairs for a normalized query vector, among the chunk ids `allow` marks (a
        boolean array indexed by chunk id) when given."""
        if self.vectors.ntotal == 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        if allow is None:
            scores, ids = self.vectors.search(query, k)
        else:  # FAISS skips the unmarked ids while scanning, so k are found among the marked ones
            bits = np.packbits(allow, bitorder="little")
            params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(len(allow), faiss.swig_ptr(bits)))
            scores, ids = self.vectors.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query on the store."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def chunks(self, ids: list[int]) -> dict[int, StoredChunk]:
        """Chunks by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(
            f'SELECT id, article_id, ord, start, "end", text, dates FROM chunks WHERE id IN ({marks})', tuple(ids)
        )
        return {r[0]: StoredChunk(*r[:6], tuple(r[6].split())) for r in rows}

    def clusters(self) -> dict[str, str]:
        """Article id → copy cluster id, for the articles carried by more than one outlet."""
        return dict(self.query("SELECT article_id, cluster FROM clusters"))

    def articles(self, ids: list[str] | None = None) -> dict[str, Article]:
        """Articles by id (all of them when `ids` is None)."""
        cols = ", ".join(_ARTICLE_COLS)
        if ids is None:
            rows = self.query(f"SELECT {cols} FROM articles ORDER BY date DESC, title")
        else:
            marks = ",".join("?" * len(ids))
            rows = self.query(f"SELECT {cols} FROM articles WHERE id IN ({marks})", tuple(ids))
        return {r[0]: Article(*r) for r in rows}

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash, for incremental updates."""
        return dict(self.query("SELECT id, content_hash FROM articles"))

    def close(self) -> None:
        """Release the SQLite handle."""
        with self._lock:
            self._db.close()
