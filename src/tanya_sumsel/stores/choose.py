"""Which store the settings choose (`TANYA_DATABASE_URL` set: PostgreSQL, else local files), and the calls every
stage makes on it without knowing which one it is."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import StoreReader, StoreWriter


def store_kind(settings: Settings) -> str:
    """'postgres' when `TANYA_DATABASE_URL` is set, else 'local'."""
    return "postgres" if settings.database_url else "local"


def _backend(settings: Settings) -> ModuleType:
    if store_kind(settings) == "postgres":
        from tanya_sumsel.stores.postgres import store as store_postgres

        return store_postgres
    from tanya_sumsel.stores.local import store as store_local

    return store_local


def open_reader(settings: Settings) -> StoreReader:
    """The live index (`IndexMissingError`, `IndexDamagedError` or `IndexMismatchError` saying what to run)."""
    return _backend(settings).open_reader(settings)  # type: ignore[no-any-return]


def open_writer(settings: Settings, dim: int, incremental: bool) -> StoreWriter:
    """A writer on top of the live state (`incremental`) or starting empty (a full rebuild)."""
    return _backend(settings).open_writer(settings, dim, incremental)  # type: ignore[no-any-return]


def live_generation(settings: Settings) -> str | None:
    """Which state is live (cheap: nothing is loaded), or None when there is no index."""
    return _backend(settings).live_generation(settings)  # type: ignore[no-any-return]


def live_manifest(settings: Settings) -> dict[str, Any] | None:
    """The live manifest, or None when there is no index."""
    return _backend(settings).live_manifest(settings)  # type: ignore[no-any-return]


def update_manifest(settings: Settings, changes: dict[str, Any]) -> None:
    """Rewrite fields of the live manifest in place (only when file timestamps changed and nothing else)."""
    _backend(settings).update_manifest(settings, changes)


def problems(settings: Settings, *, thorough: bool = False) -> list[str]:
    """What is wrong with the live index (empty when it is sound; `IndexMissingError` when there is none)."""
    return _backend(settings).problems(settings, thorough=thorough)  # type: ignore[no-any-return]


def articles_per_month(settings: Settings) -> dict[str, int]:
    """Dated articles of the live index per month ('2019-09' → 12), oldest first."""
    return _backend(settings).articles_per_month(settings)  # type: ignore[no-any-return]


def describe(settings: Settings) -> str:
    """Where the index lives, for messages (a database URL without its password)."""
    return _backend(settings).describe(settings)  # type: ignore[no-any-return]
