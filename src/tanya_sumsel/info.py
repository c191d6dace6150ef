"""What the live index holds (counts, date range, articles per month, embedder) and whether it is sound, for
`tanya-sumsel info` and the UI's corpus tab."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .check import generation_problems
from .errors import IndexDamagedError, IndexMissingError
from .ingest import files_fingerprint
from .llm import describe_mode
from .settings import Settings
from .store import current_generation, read_manifest


def sound_generation(index_dir: Path, *, thorough: bool = False) -> Path:
    """The live generation, or `IndexMissingError` / `IndexDamagedError` saying what to run (`thorough`: SQLite's
    full integrity check too)."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissingError(f"Belum ada indeks di {index_dir}. Jalankan: tanya-sumsel index")
    problems = generation_problems(gen, thorough=thorough)
    if problems:
        raise IndexDamagedError(index_dir, problems)
    return gen


def index_info(settings: Settings) -> dict[str, object]:
    """Summary of the live index (articles, chunks, date range, embedder), or raise when there is none or its files
    are damaged."""
    sound_generation(settings.index_dir)
    manifest = read_manifest(settings.index_dir) or {}
    return {
        "home": str(settings.home),
        "index_dir": str(settings.index_dir),
        "corpus_dir": str(settings.corpus_dir),
        "articles": manifest["counts"]["articles"],
        "chunks": manifest["counts"]["chunks"],
        "date_range": manifest["date_range"],
        "articles_per_month": articles_per_month(settings.index_dir),
        "embedder": manifest["embedder"],
        "chunking": manifest["chunking"],
        "built_at": manifest["built_at"],
        "package_version": manifest["package_version"],
        "up_to_date": manifest.get("files_fingerprint") == files_fingerprint(settings.corpus_dir),
        "answer_mode": describe_mode(settings),
    }


def articles_per_month(index_dir: Path) -> dict[str, int]:
    """Dated articles of the live index per month ('2019-09' → 12), oldest first; read without loading vectors."""
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
