"""A newcomer's first start (issue #33, items 5 and 6): `python app.py` on a fresh HOME, then one question, prints
progress at INFO and nothing alarming (no WARNING, no third-party warning), and writes what the README says it
writes (±10%). It exports its own models, on purpose, into a folder it removes afterwards."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, SEED
from .test_ui import free_port

pytestmark = pytest.mark.slow


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _readme_disk_mb() -> int:
    """The figure the README's quickstart states for the first start's writes."""
    found = re.search(r"first start writes ~(\d+) MB", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README's quickstart no longer states what the first start writes"
    return int(found.group(1))


def test_a_first_start_is_quiet_and_writes_what_the_readme_says(tmp_path: Path) -> None:
    from gradio_client import Client

    fresh = tmp_path / "fresh"
    home = fresh / "tanya"
    (home / "corpus").mkdir(parents=True)
    shutil.copy(SEED, home / "corpus" / SEED.name)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TANYA_") or k == "TANYA_FETCH_ALLOW"},
        "HOME": str(fresh),
        "XDG_CACHE_HOME": str(fresh / ".cache"),
        "XDG_DATA_HOME": str(fresh / ".local" / "share"),
        "TANYA_HOME": str(home),
        "TANYA_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log_path = tmp_path / "first-start.log"
    try:
        with open(log_path, "w") as log:
            proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=log)
            try:
                client = None
                for _ in range(600):
                    try:
                        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                        break
                    except Exception:
                        assert proc.poll() is None, log_path.read_text()
                        time.sleep(0.5)
                assert client is not None, "the first start did not come up in 5 minutes"
                assert "Edward Candra" in client.predict("Siapa Sekda Sumsel?", api_name="/ask")
            finally:
                proc.send_signal(signal.SIGINT)  # Ctrl+C
                proc.wait(timeout=30)
        printed = log_path.read_text()
        assert "Menyiapkan encoder int8" in printed and "Membangun indeks" in printed  # progress is still said
        # the learned reader is assembled before the server says it is ready, not on the first visitor's question
        assert 0 <= printed.find("Menyiapkan model pembaca") < printed.find("Tanya Sumsel siap di"), printed
        assert "Tanya Sumsel siap di http://127.0.0.1:" in printed and printed.rstrip().endswith("Server dihentikan.")
        assert "share=True" not in printed and "Closing server" not in printed  # Gradio's English banner and farewell
        alarming = [
            line
            for line in printed.splitlines()
            if re.search(r"WARNING|Warning|warn\(|Traceback|ERROR", line) or line.startswith(" ")
        ]
        assert not alarming, "\n".join(alarming)
        written = _size(fresh / ".cache") + _size(home / "index")
        stated = _readme_disk_mb() * 1e6
        assert abs(written - stated) <= 0.1 * stated, (
            f"wrote {written / 1e6:.0f} MB, the README says {stated / 1e6:.0f}"
        )
        models = fresh / ".cache" / "tanya-sumsel" / "models"
        assert not [p for p in models.rglob("model.safetensors")], "the torch folder was kept; serving never reads it"
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # ~250 MB of exports: not left for pytest's tmp retention
