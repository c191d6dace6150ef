"""The local store's generation folders: which one is live, pruning the old ones, and their health (files missing
or damaged, counts that disagree) in words a user can act on. Health is used by `tanya-sumsel check`/`info`, by
loading (a damaged index is an error, not a traceback) and by a build (a damaged live generation is rebuilt)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import faiss
import numpy as np

# The tables of a generation's store.sqlite (LocalWriter creates them; a base copied from an older build may lack
# chunks.scan, which LocalWriter then adds)
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, source TEXT, place TEXT,
    date TEXT, url TEXT, path TEXT, content_hash TEXT NOT NULL, words INTEGER NOT NULL, years TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
    ord INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    terms TEXT NOT NULL, dates TEXT NOT NULL DEFAULT '', scan TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE TABLE IF NOT EXISTS signatures (article_id TEXT PRIMARY KEY REFERENCES articles(id), minhash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (article_id TEXT PRIMARY KEY REFERENCES articles(id), cluster TEXT NOT NULL);
"""


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename inside it) to disk."""
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


def make_live(index_dir: Path, gen: Path) -> None:
    """Point `CURRENT` at the complete generation `gen` (one atomic rename), then prune the old ones."""
    tmp = index_dir / f".CURRENT.{uuid.uuid4().hex[:6]}"
    tmp.write_text(gen.name, encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    fsync_dir(index_dir)
    prune_generations(index_dir, keep=2)


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


def to_ivf(flat: faiss.IndexIDMap2) -> faiss.IndexIVFFlat:
    """The same vectors and ids in an inverted-file index (≈4·√n lists, trained on a sample): a search scans
    `nprobe` lists instead of every vector, and adds and removes stay incremental, unlike HNSW in FAISS."""
    n, dim = int(flat.ntotal), int(flat.d)
    ids = faiss.vector_to_array(flat.id_map).astype(np.int64)
    vectors = flat.index.reconstruct_n(0, n)
    nlist = max(1, min(int(4 * np.sqrt(n)), n // 8))  # FAISS wants ≥ 8 training points per list
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(n, size=min(n, 64 * nlist), replace=False)
    ivf.train(vectors[np.sort(sample)])
    ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(id) for the cosines of BM25-only hits
    ivf.add_with_ids(vectors, ids)
    return ivf


def update_manifest(index_dir: Path, changes: dict[str, Any]) -> None:
    """Atomically rewrite fields of the live manifest (used when only file timestamps changed)."""
    gen = current_generation(index_dir)
    if gen is None:
        return
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8")) | changes
    tmp = gen / f".manifest.{uuid.uuid4().hex[:6]}"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, gen / "manifest.json")


def articles_per_month(index_dir: Path) -> dict[str, int]:
    """Dated articles per month, read from SQLite without loading vectors."""
    gen = current_generation(index_dir)
    if gen is None:
        return {}
    con = sqlite3.connect(f"file:{gen / 'store.sqlite'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT substr(date, 1, 7), COUNT(*) FROM articles WHERE date IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return {month: int(n) for month, n in rows}


FILES = ("manifest.json", "vectors.faiss", "store.sqlite", "bm25.npz", "bm25_vocab.json")


def generation_problems(gen: Path, *, thorough: bool = False) -> list[str]:
    """What is wrong with the generation in `gen` (empty when it is sound). `thorough` also runs SQLite's full
    integrity check, which reads every page."""
    missing = [name for name in FILES if not (gen / name).is_file()]
    if missing:
        return [f"berkas {', '.join(missing)} tidak ada di {gen}"]
    problems: list[str] = []
    try:
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        expected = int(manifest["counts"]["chunks"])
    except (ValueError, KeyError, TypeError) as exc:
        return [f"manifest.json tidak terbaca ({exc})"]
    try:
        vectors = faiss.read_index(str(gen / "vectors.faiss")).ntotal
    except RuntimeError:
        problems.append("vectors.faiss rusak atau terpotong")
        vectors = None
    chunks = _sqlite_chunks(gen / "store.sqlite", thorough, problems)
    try:
        with np.load(gen / "bm25.npz", allow_pickle=False) as z:
            rows = int(z["shape"][0])
            if len(z["chunk_ids"]) != rows or int(z["indptr"][-1]) != len(z["data"]):
                problems.append("bm25.npz tidak konsisten")
        json.loads((gen / "bm25_vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        problems.append(f"indeks kata kunci (bm25) rusak ({type(exc).__name__})")
        rows = None
    counts = {"manifest": expected, "vectors.faiss": vectors, "store.sqlite": chunks, "bm25.npz": rows}
    known = {k: v for k, v in counts.items() if v is not None}
    if len(set(known.values())) > 1:
        problems.append("jumlah potongan tidak sama: " + ", ".join(f"{k} {v}" for k, v in known.items()))
    return problems


def _sqlite_chunks(path: Path, thorough: bool, problems: list[str]) -> int | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if thorough:
                verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
                if verdict != "ok":
                    problems.append(f"store.sqlite rusak ({verdict})")
                    return None
            return int(con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error as exc:
        problems.append(f"store.sqlite rusak ({exc})")
        return None


def has_scan(db: sqlite3.Connection) -> bool:
    """Whether the chunks table has the scan column (indexes built before it existed do not)."""
    return any(row[1] == "scan" for row in db.execute("PRAGMA table_info(chunks)"))
