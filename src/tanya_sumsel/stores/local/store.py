"""Local store (the default): FAISS vectors + SQLite articles/chunks + BM25 arrays + manifest.json, in atomically
swapped generation folders.

Layout: `index/CURRENT` names the live generation folder `index/gen-…/` holding `manifest.json`,
`vectors.faiss`, `store.sqlite` and the BM25 arrays. A build writes a new generation and then replaces `CURRENT`
with `os.replace`, so a crash at any point leaves the previous generation loadable. No pickle anywhere. Vectors
are searched exactly (flat) up to `Settings.ivf_above` chunks and through an IVF index above it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from tanya_sumsel.corpus.ingest import word_count
from tanya_sumsel.errors import IndexDamagedError, IndexMismatchError, IndexMissingError
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import ARTICLE_COLS, FORMAT_VERSION, ChunkRow, StoredChunk
from tanya_sumsel.stores.bm25 import BM25Index
from tanya_sumsel.stores.local import files as local_files
from tanya_sumsel.stores.local.files import (
    SCHEMA,
    current_generation,
    fsync_dir,
    generation_problems,
    has_scan,
    make_live,
    read_manifest,
    to_ivf,
)
from tanya_sumsel.types import Article


class LocalWriter:
    """A new generation folder being written; `commit()` makes it live atomically (a `StoreWriter`)."""

    def __init__(self, index_dir: Path, dim: int, base: Path | None, ivf_above: int = 200_000) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir = index_dir
        self.ivf_above = ivf_above
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
            if not has_scan(self.db):  # a base built before chunk scans: its chunks are scanned when asked
                self.db.execute("ALTER TABLE chunks ADD COLUMN scan TEXT NOT NULL DEFAULT ''")
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def remove_articles(self, ids: Sequence[str]) -> int:
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
        """Insert one article row (with its content hash, word count and the years it names) and its signature."""
        values = [getattr(article, c) for c in ARTICLE_COLS]
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

    def add_chunks(self, rows: Sequence[ChunkRow], vectors: np.ndarray) -> list[int]:
        """Insert chunk rows with their vectors; returns their ids (SQLite row ids, which FAISS shares)."""
        ids = []
        for row in rows:
            cur = self.db.execute(
                'INSERT INTO chunks (article_id, ord, start, "end", text, terms, dates, scan) VALUES (?,?,?,?,?,?,?,?)',
                row,
            )
            ids.append(int(cur.lastrowid or 0))
        if ids:
            self.vectors.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
        return ids

    def chunk_count(self) -> int:
        """Chunks (and vectors) the new generation holds."""
        return int(self.vectors.ntotal)

    def commit(self, manifest: dict[str, Any]) -> str:
        """Write vectors and manifest, fsync, then switch `CURRENT` to this generation."""
        self.db.commit()
        BM25Index.build(self.db.execute("SELECT id, terms FROM chunks ORDER BY id")).save(self.path)
        self.db.close()
        if self.vectors.ntotal >= self.ivf_above and isinstance(self.vectors, faiss.IndexIDMap2):
            self.vectors = to_ivf(self.vectors)
        manifest = manifest | {"vector_index": "ivf" if isinstance(self.vectors, faiss.IndexIVF) else "flat"}
        faiss.write_index(self.vectors, str(self.path / "vectors.faiss"))
        (self.path / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
        for name in ("store.sqlite", "vectors.faiss", "bm25.npz", "bm25_vocab.json", "manifest.json"):
            with open(self.path / name, "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(self.path)
        make_live(self.index_dir, self.path)
        return str(self.path)

    def abort(self) -> None:
        """Throw the unfinished generation away; the live one is untouched."""
        try:
            self.db.close()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


class LocalReader:
    """A loaded, read-only generation (a `StoreReader`): FAISS, BM25 arrays and SQLite lookups, thread-safe."""

    def __init__(self, index_dir: Path, nprobe: int = 32) -> None:
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
        self.nprobe = nprobe
        self._lock = threading.Lock()
        self._scan = "scan" if has_scan(self._db) else "''"

    @property
    def generation(self) -> str:
        """The generation folder this reader loaded."""
        return str(self.path)

    def search(self, vector: np.ndarray, k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine) pairs for a normalized query vector, among the chunk ids `allow` marks."""
        if self.vectors.ntotal == 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        ivf = isinstance(self.vectors, faiss.IndexIVF)
        params = faiss.SearchParametersIVF(nprobe=self.nprobe) if ivf else faiss.SearchParameters()
        if allow is not None:  # FAISS skips the unmarked ids while scanning, so k are found among the marked ones
            bits = np.packbits(allow, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(len(allow), faiss.swig_ptr(bits))
        scores, ids = self.vectors.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def keyword_search(self, terms: Sequence[str], k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, BM25 score) for the query terms."""
        return self.bm25.search(list(terms), k, allow)

    def idf(self, term: str) -> float:
        """The term's BM25 inverse document frequency."""
        return self.bm25.idf(term)

    def cosines(self, ids: Sequence[int], vector: np.ndarray) -> dict[int, float]:
        """Cosine of each stored chunk vector with `vector`."""
        return {cid: float(self.vectors.reconstruct(int(cid)) @ vector) for cid in ids}

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query on the generation's SQLite file."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        """Chunks by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(
            f'SELECT id, article_id, ord, start, "end", text, dates, {self._scan} FROM chunks WHERE id IN ({marks})',
            tuple(ids),
        )
        return {r[0]: StoredChunk(*r[:6], tuple(r[6].split()), r[7]) for r in rows}

    def clusters(self) -> dict[str, str]:
        """Article id → copy cluster id, for the articles carried by more than one outlet."""
        return dict(self.query("SELECT article_id, cluster FROM clusters"))

    def articles(self, ids: Sequence[str] | None = None) -> dict[str, Article]:
        """Articles by id (all of them when `ids` is None)."""
        cols = ", ".join(ARTICLE_COLS)
        if ids is None:
            rows = self.query(f"SELECT {cols} FROM articles ORDER BY date DESC, title")
        else:
            marks = ",".join("?" * len(ids))
            rows = self.query(f"SELECT {cols} FROM articles WHERE id IN ({marks})", tuple(ids))
        return {r[0]: Article(*r) for r in rows}

    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash, for incremental updates."""
        return dict(self.query("SELECT id, content_hash FROM articles"))

    def catalog_rows(self) -> tuple[list[tuple[str, str | None, str | None, int, str]], list[tuple[int, str, str]]]:
        """The per-article and per-chunk columns filtered views read (no article text)."""
        return (
            self.query("SELECT id, date, source, words, years FROM articles"),
            self.query("SELECT id, article_id, dates FROM chunks"),
        )

    def close(self) -> None:
        """Release the SQLite handle."""
        with self._lock:
            self._db.close()


def open_reader(settings: Settings) -> LocalReader:
    """The live generation of `settings.index_dir`."""
    return LocalReader(settings.index_dir, settings.nprobe)


def open_writer(settings: Settings, dim: int, incremental: bool) -> LocalWriter:
    """A new generation, copied from the live one when `incremental`."""
    base = current_generation(settings.index_dir) if incremental else None
    return LocalWriter(settings.index_dir, dim, base, settings.ivf_above)


def live_generation(settings: Settings) -> str | None:
    """The live generation folder, or None."""
    gen = current_generation(settings.index_dir)
    return str(gen) if gen else None


def live_manifest(settings: Settings) -> dict[str, Any] | None:
    """The live manifest, or None."""
    return read_manifest(settings.index_dir)


def problems(settings: Settings, *, thorough: bool = False) -> list[str]:
    """What is wrong with the live generation's files (`thorough`: SQLite's full integrity check too)."""
    gen = current_generation(settings.index_dir)
    if gen is None:
        raise IndexMissingError(f"Belum ada indeks di {settings.index_dir}. Jalankan: tanya-sumsel index")
    return generation_problems(gen, thorough=thorough)


def describe(settings: Settings) -> str:
    """The index folder."""
    return str(settings.index_dir)


def update_manifest(settings: Settings, changes: dict[str, Any]) -> None:
    """Atomically rewrite fields of the live manifest (used when only file timestamps changed)."""
    local_files.update_manifest(settings.index_dir, changes)


def articles_per_month(settings: Settings) -> dict[str, int]:
    """Dated articles per month, read from SQLite without loading vectors."""
    return local_files.articles_per_month(settings.index_dir)
