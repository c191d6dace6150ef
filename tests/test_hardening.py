"""Hostile and unlucky use, with real processes: logins that fail closed, a busy port, damaged indexes, builds
killed mid-way (resumed, not restarted), oversized corpus files, and a project folder found from anywhere."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tanya_sumsel.errors import InputError
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import open_reader
from tanya_sumsel.stores.local.files import current_generation

from .conftest import DATA, ROOT, CountingEmbedder, make_corpus

pytestmark = pytest.mark.slow  # real processes throughout


def cli(*args: str, cwd: Path | None = None, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """`tanya-sumsel ARGS` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **env},
    )


def test_a_malformed_auth_refuses_to_start(tmp_path) -> None:
    proc = cli("serve", "--home", str(tmp_path), TANYA_AUTH="redaksi")
    assert proc.returncode == 2, proc.stderr
    assert "pengguna:sandi" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "users").write_text("# redaksi\nredaksi:rahasia\n", encoding="utf-8")  # a plain password, not a hash
    proc = cli("serve", "--home", str(tmp_path), TANYA_AUTH_FILE=str(tmp_path / "users"))
    assert proc.returncode == 2 and "baris 2" in proc.stderr and "hash-password" in proc.stderr


def test_auth_file_users_log_in_with_their_own_passwords(tmp_path) -> None:
    from tanya_sumsel.app.serve import make_auth

    lines = []
    for user, password in (("redaksi", "rahasia"), ("humas", "sandi-lain")):
        made = subprocess.run(
            [sys.executable, "-m", "tanya_sumsel", "hash-password", user],
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        assert made.stdout.startswith(f"{user}:$argon2id$") and password not in made.stdout
        lines.append(made.stdout.strip())
    (tmp_path / "users").write_text("\n".join(["# pengguna Tanya Sumsel", *lines, ""]), encoding="utf-8")
    check = make_auth(Settings.from_env(auth_file=str(tmp_path / "users")))
    assert check is not None
    assert check("redaksi", "rahasia") and check("humas", "sandi-lain")
    assert not check("redaksi", "sandi-lain") and not check("tamu", "rahasia") and not check("humas", "")
    with pytest.raises(InputError, match="pengguna:sandi"):
        make_auth(Settings.from_env(auth="redaksi:"))
    from tanya_sumsel.app.access import operator_check, roles

    made = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "hash-password", "kepala", "--operator"],
        input="kunci\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0 and made.stdout.strip().endswith(":operator"), made.stdout
    (tmp_path / "users").write_text("\n".join([*lines, made.stdout.strip()]) + "\n", encoding="utf-8")
    settings = Settings.from_env(auth_file=str(tmp_path / "users"), auth="pemilik:sandi")
    assert roles(settings) == {"redaksi": "reader", "humas": "reader", "kepala": "operator", "pemilik": "operator"}
    may = operator_check(settings)
    assert may("kepala") and may("pemilik") and not may("redaksi") and not may(None) and not may("tamu")
    assert not operator_check(settings.replace(public=True))("kepala"), "public mode has no operators"
    assert operator_check(Settings.from_env(auth="", auth_file=""))(None), "loopback without login: the local user"
    (tmp_path / "users").write_text(lines[0] + ":admin\n", encoding="utf-8")
    with pytest.raises(InputError, match="peran 'admin' tidak dikenal"):
        make_auth(Settings.from_env(auth_file=str(tmp_path / "users")))


def test_a_busy_port_or_bad_host_is_one_line_naming_the_fix(tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = cli("serve", "--home", str(tmp_path), "--host", "0.0.0.0", "--port", str(port), TANYA_AUTH="a:b")
    assert proc.returncode == 2, proc.stderr
    assert f"Port {port}" in proc.stderr and "--port" in proc.stderr and "TANYA_PORT" in proc.stderr
    assert "Traceback" not in proc.stderr and "GRADIO_SERVER_PORT" not in proc.stderr
    proc = cli("serve", "--home", str(tmp_path), "--host", "tidak-ada.invalid")
    assert proc.returncode == 2 and "--host" in proc.stderr and "Traceback" not in proc.stderr


def test_off_loopback_without_a_login_or_public_mode_refuses_to_start(tmp_path) -> None:
    with socket.socket() as free:
        free.bind(("0.0.0.0", 0))
        port = free.getsockname()[1]
    proc = cli(
        "serve", "--home", str(tmp_path), "--host", "0.0.0.0", "--port", str(port), TANYA_AUTH="", TANYA_AUTH_FILE=""
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "tanpa login" in lines[0], proc.stderr
    assert all(name in lines[0] for name in ("TANYA_AUTH", "TANYA_AUTH_FILE", "--public", "TANYA_PUBLIC")), lines


def _damage_vectors(gen: Path) -> None:
    data = (gen / "vectors.faiss").read_bytes()
    (gen / "vectors.faiss").write_bytes(data[: len(data) // 2])


DAMAGE = {
    "vectors.faiss terpotong": (_damage_vectors, "vectors.faiss"),
    "store.sqlite hilang": (lambda gen: (gen / "store.sqlite").unlink(), "store.sqlite"),
    "store.sqlite sampah": (lambda gen: (gen / "store.sqlite").write_bytes(b"bukan sqlite " * 500), "store.sqlite"),
    "bm25.npz hilang": (lambda gen: (gen / "bm25.npz").unlink(), "bm25.npz"),
    "manifest.json sampah": (lambda gen: (gen / "manifest.json").write_text("{", encoding="utf-8"), "manifest"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_index_explains_itself_and_index_repairs_it(built, tmp_path, case) -> None:
    index = tmp_path / "index"
    shutil.copytree(built.index_dir, index)
    damage, named = DAMAGE[case]
    gen = current_generation(index)
    assert gen is not None
    damage(gen)
    args = ("--corpus", str(built.corpus_dir), "--index", str(index))
    for command in (("check", *args), ("info", *args), ("ask", "Siapa Sekda Sumsel?", *args)):
        proc = cli(*command)
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "rusak" in proc.stderr and named in proc.stderr and "tanya-sumsel index" in proc.stderr, proc.stderr
    repaired = cli("index", *args)
    assert repaired.returncode == 0, repaired.stderr
    assert "rusak" in repaired.stdout  # the full rebuild says why
    assert cli("check", *args).returncode == 0
    answered = cli("ask", "Siapa Sekda Sumsel?", *args)
    assert answered.returncode == 0 and "Edward Candra" in answered.stdout


def test_builds_killed_at_random_points_keep_the_previous_index_and_resume(fresh, embedder) -> None:
    from tanya_sumsel import answer

    first = build_index(fresh, embedder=embedder)
    before = current_generation(fresh.index_dir)
    records = [json.loads(x) for f in (DATA, ROOT / "tests" / "data" / "dated") for x in open(f / "articles.jsonl")]
    for copy in range(5):  # ~500 chunks: more than the ten runs below embed before their kills (at most ~40 each)
        for r in records:
            r = {**r, "id": f"{r['id']}-{copy}", "text": f"{r['text']} (Salinan arsip {copy}.)"}
            (fresh.corpus_dir / f"{r['id']}.jsonl").write_text(json.dumps(r) + "\n", encoding="utf-8")
    env = {**os.environ, "TANYA_EMBED_BATCH_SIZE": "2"}  # a commit every 4 chunks
    args = [sys.executable, "-m", "tanya_sumsel", "index", "--corpus", str(fresh.corpus_dir)]
    args += ["--index", str(fresh.index_dir)]
    rng = random.Random(12)
    cached: list[int] = [0]

    def in_cache() -> int:
        files = list(fresh.index_dir.glob(".embed-cache-*.sqlite"))
        if not files:
            return 0
        con = sqlite3.connect(files[0])
        try:
            return int(con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        except sqlite3.OperationalError:  # created, table not yet there
            return 0
        finally:
            con.close()

    for run in range(10):
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill points are counted in embedded chunks, not seconds: a machine with many fast cores embeds the whole
        # corpus within a second, so a kill timed in seconds can land after the build has published (it did in CI).
        if run % 4 == 0:  # killed while starting up, before anything is embedded
            deadline = time.time() + rng.uniform(0.2, 2.0)
            while time.time() < deadline and in_cache() <= cached[-1] and proc.poll() is None:
                time.sleep(0.01)
        else:  # killed at a random moment once embedding is under way, at most ~40 chunks into this run
            target = cached[-1] + rng.randint(1, 40)
            deadline = time.time() + 120
            while in_cache() < target and time.time() < deadline and proc.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.03))  # somewhere inside the next batch
        assert proc.poll() is None, "a run finished before it was killed: give the test a larger corpus"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert current_generation(fresh.index_dir) == before  # the live index is the one from before the kills
        store = open_reader(fresh)
        assert len(store.articles()) == 3
        store.close()
        ans = answer("Siapa Sekda Sumsel?", settings=fresh)
        assert not ans.abstained and "Edward Candra" in ans.text
        cached.append(in_cache())
    assert cached == sorted(cached) and cached[-1] > 0, cached  # every kill kept the work done before it
    counting = CountingEmbedder(embedder)
    report = build_index(fresh, embedder=counting)
    assert report.chunks_reused == cached[-1]  # the last run embedded only what no killed run had finished
    assert counting.documents == report.chunks_embedded == report.chunks_total - first.chunks_total - cached[-1]


def test_the_project_folder_is_found_from_anywhere(tmp_path) -> None:
    home = tmp_path / "proyek"
    make_corpus(home)
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    built = cli("index", "--home", str(home), cwd=elsewhere)
    assert built.returncode == 0, built.stderr
    info = cli("info", "--json", cwd=elsewhere, TANYA_HOME=str(home))
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["home"] == str(home) and json.loads(info.stdout)["articles"] == 3
    inside = cli("info", cwd=home)  # the current folder has corpus/: it is the home
    assert inside.returncode == 0 and str(home) in inside.stdout
    data = tmp_path / "data"
    lost = cli("info", cwd=elsewhere, XDG_DATA_HOME=str(data), TANYA_HOME="")
    assert lost.returncode == 1 and str(data / "tanya-sumsel" / "index") in lost.stderr


def test_app_py_from_another_folder_explains_a_busy_port(tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, str(ROOT / "app.py")],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            env={**os.environ, "TANYA_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"},
        )
    assert proc.returncode == 2 and f"Port {port}" in proc.stderr and "Traceback" not in proc.stderr


def test_ctrl_c_during_a_first_build_says_there_is_no_index_yet(fresh) -> None:
    args = [sys.executable, "-m", "tanya_sumsel", "index", "--corpus", str(fresh.corpus_dir)]
    proc = subprocess.Popen(
        [*args, "--index", str(fresh.index_dir)],
        env={**os.environ, "TANYA_EMBED_BATCH_SIZE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while not list(fresh.index_dir.glob("gen-*")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)  # the build has begun writing its generation
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the interrupt arrived")
    assert proc.returncode == 1 and "Dibatalkan. Belum ada indeks." in err and "Traceback" not in err, err
    assert current_generation(fresh.index_dir) is None
    assert not list(fresh.index_dir.glob("gen-*")), list(fresh.index_dir.iterdir())
