"""Settings: defaults, TANYA_* overrides, and values that are refused instead of silently replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tanya_sumsel.errors import InputError
from tanya_sumsel.settings import Settings


def test_environment_overrides_and_types() -> None:
    s = Settings.from_env({"TANYA_K": "7", "TANYA_RETRIEVAL": "bm25", "TANYA_DENSE_WEIGHT": "0.5", "TANYA_HOME": "/x"})
    assert (s.k, s.retrieval, s.dense_weight) == (7, "bm25", 0.5)
    assert str(s.corpus_dir) == "/x/corpus" and str(s.index_dir) == "/x/index"


def test_folders_given_as_text_become_paths() -> None:
    s = Settings.from_env({}, corpus_dir="/data/berita", index_dir="~/indeks")
    assert s.corpus_dir == Path("/data/berita") and s.index_dir == Path("~/indeks").expanduser()


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"TANYA_RETRIEVAL": "hybird"},
            "TANYA_RETRIEVAL='hybird' tidak dikenal; pilih salah satu: hybrid, dense, bm25",
        ),
        ({"TANYA_FUSION": "mean"}, "TANYA_FUSION='mean' tidak dikenal"),
        ({"TANYA_K": "0"}, "Nilai k 0 di luar rentang 1–100. Perbaiki --k atau TANYA_K."),
        ({"TANYA_DENSE_WEIGHT": "1.5"}, "Nilai dense_weight 1.5 di luar rentang 0.0–1.0. Perbaiki TANYA_DENSE_WEIGHT."),
        ({"TANYA_PORT": "70000"}, "Nilai port 70000 di luar rentang 1–65535. Perbaiki --port atau TANYA_PORT."),
        ({"TANYA_LLM": "gpt-4"}, "TANYA_LLM='gpt-4' tidak dikenal"),
        ({"TANYA_AS_OF": "2026-02-31"}, "TANYA_AS_OF='2026-02-31' bukan tanggal"),
        ({"TANYA_K": "lima"}, "TANYA_K='lima' tidak valid"),
    ],
)
def test_unknown_or_out_of_range_values_are_refused(env: dict[str, str], said: str) -> None:
    with pytest.raises(InputError) as exc:
        Settings.from_env(env)
    assert said in str(exc.value)


def test_secrets_never_show_in_the_repr() -> None:
    s = Settings.from_env({"TANYA_AUTH": "redaksi:rahasia", "TANYA_LLM_API_KEY": "sk-rahasia"})
    assert s.auth == "redaksi:rahasia" and s.llm_api_key == "sk-rahasia"
    assert "rahasia" not in repr(s) and "rahasia" not in str(s)


@pytest.mark.slow
def test_the_cli_refuses_a_misspelled_mode_with_exit_code_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "info"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TANYA_RETRIEVAL": "hybird"},
    )
    assert proc.returncode == 2 and "TANYA_RETRIEVAL='hybird'" in proc.stderr and "Traceback" not in proc.stderr
