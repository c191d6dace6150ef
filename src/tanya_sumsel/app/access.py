"""Who may do what: logins (fail closed on a malformed setting) and two roles. A *reader* asks (chat, sources,
the `/ask` API); an *operator* may also change the corpus and the index. Checked by the server for every event."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path

from tanya_sumsel.errors import InputError
from tanya_sumsel.settings import Settings

Auth = Callable[[str, str], bool]
ROLES = ("reader", "operator")
REFUSED = (
    "Ditolak: hanya pengelola (operator) yang boleh mengubah korpus atau indeks. Masuk dengan akun pengelola "
    "(baris pengguna:hash:operator di TANYA_AUTH_FILE), atau minta pengelola melakukannya."
)


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, for a line `user:<hash>` of the TANYA_AUTH_FILE."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def read_auth_file(path: Path) -> dict[str, tuple[str, str]]:
    """User → (Argon2 hash, role) from `user:hash[:role]` lines (no role: reader; '#' comments, blanks ignored)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(
            f"Berkas pengguna {path} tidak dapat dibaca ({exc.strerror}). Periksa TANYA_AUTH_FILE."
        ) from None
    users: dict[str, tuple[str, str]] = {}
    for n, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, rest = line.partition(":")
        hashed, _, role = rest.partition(":")  # an Argon2 hash holds no ':'
        if not sep or not user.strip() or not hashed.startswith("$argon2"):
            raise InputError(
                f"{path} baris {n}: harus berbentuk pengguna:hash-argon2[:operator]. Buat baris dengan: "
                "tanya-sumsel hash-password NAMA [--operator]"
            )
        role = role.strip() or "reader"
        if role not in ROLES:
            raise InputError(f"{path} baris {n}: peran {role!r} tidak dikenal; tulis reader atau operator.")
        users[user.strip()] = (hashed.strip(), role)
    if not users:
        raise InputError(f"{path} tidak memuat pengguna. Tambahkan baris pengguna:hash (tanya-sumsel hash-password).")
    return users


def _single_user(settings: Settings) -> tuple[str, str] | None:
    if not settings.auth:
        return None
    user, sep, password = settings.auth.partition(":")
    if not sep or not user or not password:
        raise InputError(
            "TANYA_AUTH harus berbentuk pengguna:sandi (mis. redaksi:rahasia). Perbaiki, atau pakai "
            "TANYA_AUTH_FILE untuk beberapa pengguna."
        )
    return user, password


def make_auth(settings: Settings) -> Auth | None:
    """The login check `settings` asks for (TANYA_AUTH 'user:password', TANYA_AUTH_FILE of hashes), None for an
    open UI; a malformed setting is an error, never an open server."""
    checks: list[Auth] = []
    single = _single_user(settings)
    if single is not None:
        user, password = single
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


def roles(settings: Settings) -> dict[str, str]:
    """User → role for every login (the single TANYA_AUTH user is an operator); empty when there is no login."""
    out = (
        {user: role for user, (_, role) in read_auth_file(Path(settings.auth_file)).items()}
        if settings.auth_file
        else {}
    )
    single = _single_user(settings)
    if single is not None:
        out[single[0]] = "operator"
    return out


def operator_check(settings: Settings) -> Callable[[str | None], bool]:
    """Whether the logged-in user (None: no login) may change the corpus: never in public mode; anyone on a server
    without logins (which `serve` allows on loopback only); else the users whose role is operator."""
    if settings.public:
        return lambda user: False
    known = roles(settings)
    if not known:
        return lambda user: True
    return lambda user: user is not None and known.get(user) == "operator"


def _verify(users: dict[str, tuple[str, str]], user: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    found = users.get(user)
    if found is None:
        return False
    try:
        return PasswordHasher().verify(found[0], password)
    except VerificationError:
        return False
