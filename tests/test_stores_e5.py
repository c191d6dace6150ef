"""Both stores with the real e5 model: the same passages and the same answers on the written South Sumatra set, and
the CLI (index, ask, info, check) on PostgreSQL through TANYA_DATABASE_URL alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tanya_sumsel import answer
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import open_reader

from .conftest import DATA, SEED
from .test_cli import run


def test_local_and_postgres_give_the_same_answers(sumsel: Settings, embedder, database_url: str) -> None:  # type: ignore[no-untyped-def]
    pg = sumsel.replace(database_url=database_url)
    build_index(pg, embedder=embedder)
    stores = {"local": sumsel, "postgres": pg}
    retrievers = {k: Retriever(open_reader(s), embedder, s) for k, s in stores.items()}
    questions = [json.loads(x) for x in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(questions) >= 30
    for q in questions:
        got = {
            k: answer(q["question"], settings=s, retriever=retrievers[k], as_of="2026-01-28") for k, s in stores.items()
        }
        local, postgres = got["local"], got["postgres"]
        assert postgres.text == local.text, q["id"]
        assert [(c.article_id, c.start, c.end) for c in postgres.citations] == [
            (c.article_id, c.start, c.end) for c in local.citations
        ]
        assert [p.article_id for p in postgres.passages] == [p.article_id for p in local.passages], q["id"]
        for c in postgres.citations:  # every citation points into the stored article
            assert retrievers["postgres"].article(c.article_id).text[c.start : c.end] == c.quote


@pytest.mark.slow  # real processes with the real e5 model
def test_cli_on_postgres(database_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    env = {"TANYA_DATABASE_URL": database_url}
    common = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    out = run("index", *common, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "Ditambah 1" in out.stdout and "(generasi 1)" in out.stdout
    assert not (tmp_path / "index" / "CURRENT").exists()  # the index lives in the database, not in files
    out = run("ask", "Siapa Sekda Sumsel?", *common, "--json", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "Edward Candra" in json.loads(out.stdout)["citations"][0]["quote"]
    out = run("info", *common, cwd=tmp_path, env=env)
    assert out.returncode == 0 and "Artikel     : 1" in out.stdout and "postgres (postgresql://" in out.stdout
    out = run("check", *common, cwd=tmp_path, env=env)
    assert out.returncode == 0 and "Indeks sehat" in out.stdout, out.stderr
