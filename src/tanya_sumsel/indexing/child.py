"""An index build in a child process, for the long-running server: what the build holds (the passage encoder,
chunk vectors, the corpus) goes back to the system when the child ends, instead of staying in the server's
memory for good. The settings go in, and progress, the report and errors come back, as JSON over a pipe."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from tanya_sumsel import errors
from tanya_sumsel.corpus.ingest import Problem
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.indexing.report import BuildReport
from tanya_sumsel.progress import show_progress
from tanya_sumsel.settings import Settings


def _send(conn: Connection, message: dict[str, Any]) -> None:
    conn.send_bytes(json.dumps(message, default=str).encode("utf-8"))


def _run(values: str, rebuild: bool, conn: Connection) -> None:
    """The child: build, then send the report (or the error) and exit."""
    settings = Settings.from_env(env={}, **json.loads(values))
    show_progress()  # a spawned child starts with no logging set up: the server's, onto the same stderr
    try:
        report = build_index(settings, rebuild=rebuild, progress=lambda d, t: _send(conn, {"progress": [d, t]}))
        _send(conn, {"report": dataclasses.asdict(report)})
    except errors.TanyaError as exc:
        _send(conn, {"error": type(exc).__name__, "message": str(exc)})
    finally:
        conn.close()


def build_in_child(
    settings: Settings, *, rebuild: bool = False, progress: Callable[[int, int], None] | None = None
) -> BuildReport:
    """`build_index(settings)` in a fresh process; the same report, the same errors (by class and message)."""
    ctx = mp.get_context("spawn")  # a clean interpreter: nothing of the server's state is copied into it
    receive, send = ctx.Pipe(duplex=False)
    values = json.dumps({f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}, default=str)
    child = ctx.Process(target=_run, args=(values, rebuild, send), daemon=True, name="tanya-index")
    child.start()
    send.close()
    result: dict[str, Any] | None = None
    try:
        while True:
            message = json.loads(receive.recv_bytes())
            if "progress" in message:
                if progress is not None:
                    progress(*message["progress"])
                continue
            result = message
            break
    except EOFError:
        pass
    finally:
        receive.close()
        child.join()
    if result is None:
        raise errors.TanyaError(
            f"Pembangunan indeks berhenti tak terduga (kode keluar {child.exitcode}); indeks sebelumnya tetap "
            "dipakai. Coba lagi, atau jalankan: tanya-sumsel index"
        )
    if "error" in result:
        raise _error(result["error"], result["message"])
    report = result["report"]
    return BuildReport(**{**report, "problems": tuple(Problem(**p) for p in report["problems"])})


def _error(name: str, message: str) -> errors.TanyaError:
    """The child's error as the same class with the same message (its own arguments are not needed again)."""
    kind = getattr(errors, name, errors.TanyaError)
    if not (isinstance(kind, type) and issubclass(kind, errors.TanyaError)):
        kind = errors.TanyaError
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    return error
