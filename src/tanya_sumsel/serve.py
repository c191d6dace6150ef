"""Serving the chat UI: who may log in (fails closed on a malformed setting), and a server start that explains a
busy port or a bad host instead of a traceback."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import InputError
from .settings import Settings

log = logging.getLogger(__name__)

Auth = Callable[[str, str], bool]


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, for a line `user:<hash>` of the TANYA_AUTH_FILE."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def read_auth_file(path: Path) -> dict[str, str]:
    """User → Argon2 hash from a file of `user:hash` lines ('#' comments and blank lines ignored)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(
            f"Berkas pengguna {path} tidak dapat dibaca ({exc.strerror}). Periksa TANYA_AUTH_FILE."
        ) from None
    users: dict[str, str] = {}
    for n, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, hashed = line.partition(":")
        if not sep or not user.strip() or not hashed.startswith("$argon2"):
            raise InputError(
                f"{path} baris {n}: harus berbentuk pengguna:hash-argon2. Buat hash dengan: tanya-sumsel hash-password"
            )
        users[user.strip()] = hashed.strip()
    if not users:
        raise InputError(f"{path} tidak memuat pengguna. Tambahkan baris pengguna:hash (tanya-sumsel hash-password).")
    return users


def make_auth(settings: Settings) -> Auth | None:
    """The login check `settings` asks for (TANYA_AUTH 'user:password', TANYA_AUTH_FILE of hashes), None for an
    open UI; a malformed setting is an error, never an open server."""
    checks: list[Auth] = []
    if settings.auth:
        user, sep, password = settings.auth.partition(":")
        if not sep or not user or not password:
            raise InputError(
                "TANYA_AUTH harus berbentuk pengguna:sandi (mis. redaksi:rahasia). Perbaiki, atau pakai "
                "TANYA_AUTH_FILE untuk beberapa pengguna."
            )
        checks.append(
            lambda u, p: (
                hmac.compare_digest(u.encode(), user.encode()) and hmac.compare_digest(p.encode(), password.encode())
            )
        )
    if settings.auth_file:
        users = read_auth_file(Path(settings.auth_file))
        checks.append(lambda u, p: _verify(users, u, p))
    if not checks:
        return None
    return lambda u, p: any(check(u, p) for check in checks)


def _verify(users: dict[str, str], user: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    hashed = users.get(user)
    if hashed is None:
        return False
    try:
        return PasswordHasher().verify(hashed, password)
    except VerificationError:
        return False


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Raise `InputError` (exit code 2, naming --port/TANYA_PORT or --host/TANYA_HOST) when the server cannot bind."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise InputError(f"Alamat {host!r} tidak dikenal. Pilih alamat lain dengan --host atau TANYA_HOST.") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno in (98, 48):  # EADDRINUSE on Linux / macOS
                raise InputError(
                    f"Port {port} di {host} sudah dipakai. Pilih port lain: --port N atau TANYA_PORT=N."
                ) from None
            raise InputError(
                f"Tidak bisa membuka {host}:{port} ({exc.strerror}). Periksa --host/TANYA_HOST dan --port/TANYA_PORT."
            ) from None


def launch(settings: Settings | None = None) -> None:
    """Check the login setting and the port, build the index if needed, then serve on `settings.host:port`."""
    from .retrieve import load_retriever
    from .ui import CSS, build_app

    settings = settings or Settings.from_env()
    auth = make_auth(settings)
    if auth is None and not is_loopback(settings.host):
        print(
            f"PERINGATAN: melayani di {settings.host} tanpa login; siapa pun di jaringan dapat memakai UI dan API. "
            "Atur TANYA_AUTH atau TANYA_AUTH_FILE.",
            file=sys.stderr,
        )
    check_port(settings.host, settings.port)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    load_retriever(settings, progress=_print_progress)
    app = build_app(settings)
    app.queue(default_concurrency_limit=4)
    try:
        app.launch(
            server_name=settings.host,
            server_port=settings.port,
            auth=auth,
            css=CSS,  # type: ignore[arg-type]
            max_file_size=f"{settings.max_upload_mb:g}mb",
            footer_links=["api"],
        )
    except OSError as exc:  # taken between the check and the start
        raise InputError(f"Server tidak bisa dimulai ({exc}). Pilih port lain: --port N atau TANYA_PORT=N.") from None


def _print_progress(done: int, total: int) -> None:
    print(f"\rMembangun indeks: {done}/{total} potongan", end="\n" if done >= total else "", flush=True)
