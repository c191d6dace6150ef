"""The audit log: each change to the corpus or the index (who, when, what: files, ids, URLs, counts) appended as one
JSON line to `audit.jsonl` beside the index; `tanya-sumsel info` shows the last ones."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import threading
from pathlib import Path
from typing import Any

from tanya_sumsel.settings import Settings

NAME = "audit.jsonl"
_LOCK = threading.Lock()  # the UI's handlers run on several threads


def path_of(settings: Settings) -> Path:
    """Where the log lives: beside the index generations."""
    return settings.index_dir / NAME


def local_user() -> str:
    """Who runs a CLI command ('cli:<login name>')."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return f"cli:uid-{os.getuid()}"


def record(settings: Settings, who: str, action: str, **details: Any) -> None:
    """Append one change; a log that cannot be written costs a warning on stderr, never the change itself."""
    entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "who": who, "action": action, **details}
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    target = path_of(settings)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK, open(target, "a", encoding="utf-8") as fh:  # one write per line: appends never interleave
            fh.write(line)
    except OSError as exc:
        import sys

        print(f"Peringatan: log audit {target} tidak bisa ditulis ({exc.strerror}).", file=sys.stderr)


def recent(settings: Settings, n: int = 5) -> list[dict[str, Any]]:
    """The last `n` changes, oldest first (a damaged line is skipped, not fatal)."""
    try:
        lines = path_of(settings).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in reversed(lines):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
        if len(out) >= n:
            break
    return out[::-1]


def build_details(report: Any) -> dict[str, Any]:
    """The counts of an index build report, for a log line."""
    return {
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "chunks_embedded": report.chunks_embedded,
        "changed": report.changed,
    }


def add_details(report: Any) -> dict[str, Any]:
    """What an add/update run stored, for a log line."""
    return {
        "added": [o.url for o in report.of("added")],
        "updated": [o.url for o in report.of("updated")],
        "failed": len(report.of("failed")),
        "index": build_details(report.build) if report.build is not None else None,
    }


def describe(entry: dict[str, Any]) -> str:
    """One line of an entry for `info`."""
    details = {k: v for k, v in entry.items() if k not in ("at", "who", "action") and v not in (None, [], "")}
    shown = ", ".join(f"{k} {_short(v)}" for k, v in details.items())
    return f"{entry.get('at', '?')}  {entry.get('who', '?')}  {entry.get('action', '?')}" + (
        f" ({shown})" if shown else ""
    )


def _short(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value[:3])) + (f" +{len(value) - 3}" if len(value) > 3 else "")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {v}" for k, v in value.items()) + "}"
    return str(value)
