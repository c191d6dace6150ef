"""Stem cache: the word → stem pairs a build computed, kept as JSON beside the models so a fresh serving process
need not run Sastrawi again on every word of its first candidates. A memo of a pure function: when the file is
missing, stale or damaged the answers are the same, only slower."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tanya_sumsel.lang.normalize import known_stems, remember_stems
from tanya_sumsel.settings import Settings

log = logging.getLogger(__name__)

MAX_SAVED = 500_000  # words; a 5,000-article corpus has ~70,000


@lru_cache(maxsize=1)
def _stemmer_version() -> str:
    try:
        return version("PySastrawi")
    except PackageNotFoundError:
        return "unknown"


def stem_file(settings: Settings) -> Path:
    """Where the stems of this stemmer version live."""
    return settings.cache_dir / "stems" / f"pysastrawi-{_stemmer_version()}.json"


def load_stems(settings: Settings) -> int:
    """Read the stem file into the stemmer's memo; returns how many pairs it held (0 when absent or unreadable)."""
    path = stem_file(settings)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        log.warning(
            "Berkas stem %s tidak terbaca (%s); diabaikan, akan ditulis ulang oleh `tanya-sumsel index`.", path, exc
        )
        return 0
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        log.warning("Berkas stem %s tidak valid; diabaikan, akan ditulis ulang oleh `tanya-sumsel index`.", path)
        return 0
    remember_stems(table)
    return len(table)


def save_stems(settings: Settings) -> None:
    """Write every pair met so far (with the file's own) atomically; a failure is logged, never raised."""
    path = stem_file(settings)
    try:
        saved = load_stems(settings)  # another build may have added words since this process read the file
        known = known_stems()
        if len(known) == saved:  # the memo holds the file's pairs and nothing more: the file is current
            return
        table = dict(list(known.items())[:MAX_SAVED])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stems-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(table, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)  # only left when the write failed
    except OSError as exc:
        log.warning("Berkas stem %s tidak dapat ditulis (%s); jawaban tetap sama, hanya lebih lambat.", path, exc)
