"""What a failing PostgreSQL server means for the user: one Indonesian line that says what happened and what to do.

Every call of the PostgreSQL store goes through `translated`, so a lost connection, a crashed or stopped server, a
full disk, a wrong password, a missing database or a missing pgvector reaches the CLI and the UI as a
`DatabaseError` (a `TanyaError`) instead of a psycopg traceback. Builds write in one transaction, so whatever broke
them, the previous generation stays live.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import psycopg

from tanya_sumsel.errors import DatabaseError

P = ParamSpec("P")
R = TypeVar("R")

KEPT = "Indeks sebelumnya tetap utuh."
LOST = (
    "server closed the connection",
    "consuming input failed",
    "terminating connection",
    "connection is lost",
    "the connection is closed",
    "connection refused",
    "could not receive data",
    "could not send data",
    "connection timeout",
    "server conn crashed",
    "no connection to the server",
    "connection is bad",
)


def redact(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _database_name(url: str) -> str:
    match = re.search(r"/([^/?#]+)(?:\?|#|$)", url.split("://", 1)[-1])
    return match.group(1) if match else "(nama database)"


def explain(exc: psycopg.Error, url: str) -> DatabaseError:
    """The user's line for a psycopg error on the server at `url`."""
    where = redact(url)
    state = getattr(exc, "sqlstate", None) or ""
    text = str(exc).strip()
    low = text.lower()
    first = text.splitlines()[0][:160] if text else type(exc).__name__
    if state in ("28P01", "28000") or "password authentication failed" in low or "no password supplied" in low:
        return DatabaseError(
            f"PostgreSQL {where} menolak login (pengguna atau kata sandi salah). Perbaiki TANYA_DATABASE_URL, "
            "lalu coba lagi.",
            "auth",
        )
    if state == "3D000" or ("database" in low and "does not exist" in low):
        name = _database_name(url)
        return DatabaseError(
            f"Database '{name}' tidak ada di PostgreSQL {where}. Buat dulu (createdb {name}, atau CREATE DATABASE "
            f"{name};), lalu jalankan: tanya-sumsel index",
            "missing_database",
        )
    if "iterative_scan" in low:  # hnsw.iterative_scan arrived in pgvector 0.8; older servers reject the setting
        return DatabaseError(
            f"pgvector di PostgreSQL {where} terlalu lama (perlu versi ≥ 0.8). Perbarui paketnya di server, jalankan "
            "ALTER EXTENSION vector UPDATE; di database itu, lalu coba lagi.",
            "old_pgvector",
        )
    if "vector" in low and state == "42501":
        return DatabaseError(
            f"Ekstensi pgvector belum diaktifkan di database '{_database_name(url)}' ({where}) dan pengguna ini tidak "
            "boleh mengaktifkannya. Minta admin database menjalankan CREATE EXTENSION vector; di database itu, lalu: "
            "tanya-sumsel index",
            "no_pgvector",
        )
    if "vector" in low and (state in ("0A000", "58P01") or "extension" in low or 'type "vector"' in low):
        return DatabaseError(
            f"Ekstensi pgvector tidak terpasang di server PostgreSQL {where}. Pasang pgvector ≥ 0.5 di server "
            "(README: PostgreSQL), lalu jalankan: tanya-sumsel index (ekstensinya dibuat otomatis bila boleh)",
            "no_pgvector",
        )
    if state == "42501":
        return DatabaseError(
            f"Pengguna di TANYA_DATABASE_URL tidak punya izin di PostgreSQL {where} ({first}). Minta admin "
            "database memberi izin (atau menjalankan CREATE EXTENSION vector;), lalu coba lagi.",
            "privilege",
        )
    if state == "53100" or "no space left on device" in low:
        return DatabaseError(
            f"Disk server PostgreSQL {where} penuh; perubahan ini dibatalkan. {KEPT} Kosongkan ruang disk server, "
            "lalu jalankan lagi perintah ini.",
            "disk_full",
        )
    if state in ("57P01", "57P02", "57P03") or isinstance(exc, psycopg.OperationalError) or any(s in low for s in LOST):
        if "connection" in low and ("refused" in low or "failed" in low) and "server closed" not in low:
            return DatabaseError(
                f"Tidak bisa terhubung ke PostgreSQL {where} (server tidak berjalan atau alamatnya salah). Jalankan "
                "servernya atau perbaiki TANYA_DATABASE_URL, lalu coba lagi.",
                "unreachable",
            )
        return DatabaseError(
            f"Koneksi ke PostgreSQL {where} terputus (server berhenti atau mati). {KEPT} Setelah server kembali, "
            "jalankan lagi perintah ini.",
            "lost",
        )
    return DatabaseError(
        f"Kesalahan PostgreSQL di {where}: {first}. {KEPT} Periksa log server, lalu coba lagi.", "other"
    )


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Decorate a store method (of an object with `.url`) so psycopg errors become `DatabaseError`."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except psycopg.Error as exc:
            owner = args[0] if args else None
            url = getattr(owner, "url", None) or getattr(owner, "database_url", "")
            raise explain(exc, str(url)) from None

    return call
