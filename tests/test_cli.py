import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tanya_sumsel.app.cli import main

from .conftest import make_corpus


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_index_ask_info_roundtrip(fresh, tmp_path) -> None:
    common = ["--corpus", str(fresh.corpus_dir), "--index", str(fresh.index_dir)]
    (fresh.corpus_dir / "rusak.jsonl").write_text('{"id": 1, "text": \n', encoding="utf-8")
    out = run("index", *common, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Ditambah 3" in out.stdout and "rusak.jsonl:1" in out.stdout

    out = run("ask", "Siapa Sekda Sumsel?", *common, "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "Edward Candra" in data["citations"][0]["quote"] and "[1]" in data["text"]

    out = run("ask", "Siapa Sekda Sumsel?", *common, cwd=tmp_path)
    assert "Sumber:" in out.stdout and "[1] " in out.stdout and "HALOPOS.ID" in out.stdout

    out = run("info", *common, cwd=tmp_path)
    assert out.returncode == 0 and "Artikel     : 3" in out.stdout and "multilingual-e5-small" in out.stdout
    # the audit log (issue #35): the build above, who ran it and what it did
    assert "Perubahan terakhir" in out.stdout and " cli:" in out.stdout and "index (full False, added 3" in out.stdout
    (entry,) = [json.loads(x) for x in (fresh.index_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entry["action"] == "index" and entry["added"] == 3 and entry["who"].startswith("cli:") and entry["at"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ask", "   "], 2, "Pertanyaan kosong"),
        (["ask", "😀🎉🔥🇮🇩"], 2, "Pertanyaan kosong"),
        (["ask", "\x07\x1b\u200b\u200b"], 2, "Pertanyaan kosong"),
        (["ask", "x" * 2500], 2, "terlalu panjang"),
        (["info", "--index", "nowhere"], 1, "tanya-sumsel index"),
        (["index", "--corpus", "empty", "--index", "idx"], 2, "tidak ada"),
        (["ask", "Halo?", "--corpus", "empty", "--index", "idx"], 1, "Belum ada indeks"),
        (["frobnicate"], 2, "invalid choice"),
        # issue #33 item 9: each says what is wrong and names the flag that was given
        (["ask", "Halo?", "--k", "0"], 2, "Nilai k"),
        (["ask", "Halo?", "--k", "-5"], 2, "Nilai k"),
        (["ask", "Halo?", "--k", "100000"], 2, "di luar rentang 1–100. Perbaiki --k atau TANYA_K."),
        (["serve", "--port", "99999"], 2, "Perbaiki --port atau TANYA_PORT"),
        (["add", "/tmp/berita.txt"], 1, "salin ke folder corpus/"),
    ],
)
def test_exit_codes_and_messages(tmp_path, monkeypatch, capsys, args, code, message) -> None:
    """Each refusal comes before any model or index is needed: `main()` is run in-process, as the console script
    runs it, over a corpus folder with no index (the ones that need an index say so)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TANYA_CORPUS_DIR", str(make_corpus(tmp_path)))
    monkeypatch.setenv("TANYA_INDEX_DIR", str(tmp_path / "index"))
    try:
        returned = main(list(args))
    except SystemExit as exc:  # argparse's own refusals exit from parse_args
        returned = exc.code
    out = capsys.readouterr()
    assert returned == code, out.err
    assert message in (out.out if args[0] == "add" else out.err)  # add reports each URL on stdout
    assert not list(tmp_path.glob("**/gen-*")), "a refused command builds no index (an operator's try is audited)"


def test_chat_loop_keeps_context(built, tmp_path) -> None:
    env = {**os.environ, "TANYA_CORPUS_DIR": str(built.corpus_dir), "TANYA_INDEX_DIR": str(built.index_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "chat"],
        input="Siapa Sekda Sumsel?\nApa isi laporannya?\nkeluar\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "mode ekstraktif" in out.stdout
    first, second = out.stdout.split("> ")[1:3]
    assert "Edward Candra" in first and "landasan awal pelaksanaan RPJMD" in second


def test_output_into_a_closed_pipe_ends_quietly(built, tmp_path) -> None:
    """`tanya-sumsel info | head`: the reader closing the pipe is no error and prints no traceback."""
    env = {**os.environ, "TANYA_CORPUS_DIR": str(built.corpus_dir), "TANYA_INDEX_DIR": str(built.index_dir)}
    script = f"({sys.executable} -m tanya_sumsel info; echo rc=$? >&2) | (exec <&-; sleep 0)"
    out = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in out.stderr and "BrokenPipeError" not in out.stderr, out.stderr
    assert "rc=0" in out.stderr
