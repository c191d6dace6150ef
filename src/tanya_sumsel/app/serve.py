"""Serving the chat UI: a login or public mode required off loopback, and a server start that explains a busy port
or a bad host instead of a traceback."""

from __future__ import annotations

import ipaddress
import logging
import socket
import time

from tanya_sumsel.app.access import Auth, hash_password, make_auth, read_auth_file  # noqa: F401 (the serving API, re-exported)
from tanya_sumsel.errors import InputError
from tanya_sumsel.progress import show_progress
from tanya_sumsel.settings import Settings

log = logging.getLogger(__name__)


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
    import gradio as gr

    from tanya_sumsel.app.ui import CSS, GRADIO_WORDS, build_app
    from tanya_sumsel.reading.reader import load_reader
    from tanya_sumsel.retrieval.retriever import load_retriever

    settings = settings or Settings.from_env()
    check_port(settings.host, settings.port)
    auth = None if settings.public else make_auth(settings)  # public: the chat for anyone, no corpus functions
    if auth is None and not settings.public and not is_loopback(settings.host):
        raise InputError(
            f"Tidak melayani di {settings.host} tanpa login: siapa pun di jaringan dapat mengubah korpus. Atur "
            "TANYA_AUTH atau TANYA_AUTH_FILE untuk login, atau jalankan serve --public (TANYA_PUBLIC=true) untuk chat "
            "terbuka tanpa fungsi pengelola."
        )
    show_progress()
    _catch_up(settings)
    load_retriever(settings, progress=_print_progress)
    load_reader(settings)  # assembled before "siap", so the first visitor's question does not wait ~30 s for it
    app = build_app(settings)
    app.queue(default_concurrency_limit=4)
    try:
        app.launch(
            server_name=settings.host,
            server_port=settings.port,
            auth=auth,
            css=CSS,  # type: ignore[arg-type]
            # the server's own guard against huge bodies, well above the per-file limit judged in the Korpus tab
            # (at the limit itself, Gradio would refuse the whole selection for one file, with an English toast)
            max_file_size=f"{max(50.0, 4 * settings.max_upload_mb):g}mb",
            footer_links=["api"],
            i18n=gr.I18n(en=GRADIO_WORDS, id=GRADIO_WORDS),
            quiet=True,  # Gradio's own banner is English and speaks of share links; ours follows
            prevent_thread_lock=True,
        )
    except OSError as exc:  # taken between the check and the start
        raise InputError(f"Server tidak bisa dimulai ({exc}). Pilih port lain: --port N atau TANYA_PORT=N.") from None
    print(f"Tanya Sumsel siap di {app.local_url} (Ctrl+C untuk berhenti).", flush=True)
    try:
        while app.is_running:
            time.sleep(0.2)
    except KeyboardInterrupt:  # Gradio's own loop would say so in English
        print("Server dihentikan.", flush=True)
    finally:
        app.close(verbose=False)


def _catch_up(settings: Settings) -> None:
    """Build the index, or bring it up to date with corpus/, before serving: only new or changed articles are
    embedded."""
    from tanya_sumsel.app import audit
    from tanya_sumsel.corpus.folder import changed_since
    from tanya_sumsel.indexing.child import build_in_child
    from tanya_sumsel.stores.choose import live_manifest

    manifest = live_manifest(settings)
    if manifest and not changed_since(manifest, settings.corpus_dir):
        return
    if manifest:
        print(f"Korpus {settings.corpus_dir} berubah sejak indeks dibangun; memperbarui indeks…", flush=True)
    # in a child process, so the server starts serving without the build's memory (the passage encoder, vectors)
    report = build_in_child(settings, progress=_print_progress)
    audit.record(settings, "serve:start", "index", **audit.build_details(report))
    print(report.summary(), flush=True)


def _print_progress(done: int, total: int) -> None:
    print(f"\rMembangun indeks: {done}/{total} potongan", end="\n" if done >= total else "", flush=True)
