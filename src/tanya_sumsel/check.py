"""Index health: what is wrong with a generation folder (files missing or damaged, counts that disagree), said
in words a user can act on. Used by `tanya-sumsel check`/`info`, by loading (a damaged index is an error, not a
traceback) and by a build (a damaged live generation is rebuilt, not reused)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import faiss
import numpy as np

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
