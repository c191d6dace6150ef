"""What the live index holds (counts, date range, articles per month, embedder) and whether it is sound, for
`tanya-sumsel info` and the UI's corpus tab."""

from __future__ import annotations

from tanya_sumsel.app import audit
from tanya_sumsel.corpus.folder import changed_since
from tanya_sumsel.errors import IndexDamagedError, IndexMissingError
from tanya_sumsel.generation.llm import describe_mode
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import (
    articles_per_month,
    describe,
    live_generation,
    live_manifest,
    problems,
    store_kind,
)


def sound_generation(settings: Settings, *, thorough: bool = False) -> str:
    """The live state, or `IndexMissingError` / `IndexDamagedError` saying what to run (`thorough`: a full
    integrity check too)."""
    gen = live_generation(settings)
    if gen is None:
        raise IndexMissingError(f"Belum ada indeks di {describe(settings)}. Jalankan: tanya-sumsel index")
    found = problems(settings, thorough=thorough)
    if found:
        raise IndexDamagedError(describe(settings), found)
    return gen


def index_info(settings: Settings) -> dict[str, object]:
    """Summary of the live index (articles, chunks, date range, embedder), or raise when there is none or its files
    are damaged."""
    sound_generation(settings)
    manifest = live_manifest(settings) or {}
    return {
        "home": str(settings.home),
        "index_dir": str(settings.index_dir),
        "store": f"{store_kind(settings)} ({describe(settings)})",
        "corpus_dir": str(settings.corpus_dir),
        "articles": manifest["counts"]["articles"],
        "chunks": manifest["counts"]["chunks"],
        "date_range": manifest["date_range"],
        "articles_per_month": articles_per_month(settings),
        "embedder": manifest["embedder"],
        "chunking": manifest["chunking"],
        "built_at": manifest["built_at"],
        "package_version": manifest["package_version"],
        "up_to_date": not changed_since(manifest, settings.corpus_dir),
        "answer_mode": describe_mode(settings),
        "recent_changes": audit.recent(settings),
    }
