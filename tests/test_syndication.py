"""Syndicated copies: the same story from two outlets is one cluster in the index and is cited once, naming the
other outlet ('juga diberitakan oleh …'); different stories are never merged."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tanya_sumsel import Settings, answer
from tanya_sumsel.corpus.syndication import clusters, signature
from tanya_sumsel.embedding.embedder import Embedder
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.stores.local.files import current_generation

from .conftest import OTHER_ARTICLES, SEED, needs_shared


def _copy_of_seed() -> str:
    """The founding article as another outlet would carry it: its own dateline, the last paragraph cut."""
    body = SEED.read_text(encoding="utf-8").split("–", 1)[1].strip()
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return "Sumsel Terkini Salin\nPALEMBANG, SUMSELTERKINI.com – " + "\n".join(paragraphs[:-1])


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Settings:
    root = tmp_path_factory.mktemp("copies")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "salinan.txt").write_text(_copy_of_seed(), encoding="utf-8")
    for name, text in OTHER_ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
    build_index(settings, embedder=embedder)
    return settings


def test_the_index_records_the_cluster(copies: Settings) -> None:
    gen = current_generation(copies.index_dir)
    assert gen is not None
    con = sqlite3.connect(gen / "store.sqlite")
    rows = con.execute("SELECT a.source, c.cluster FROM clusters c JOIN articles a ON a.id = c.article_id").fetchall()
    con.close()
    assert sorted(s for s, _ in rows) == ["HALOPOS.ID", "SUMSELTERKINI.com"]
    assert len({c for _, c in rows}) == 1


def test_a_copy_is_cited_once_naming_the_other_outlet(copies: Settings) -> None:
    passages = load_retriever(copies).search("Siapa Sekretaris Daerah Sumsel?", 5)
    sources = [p.source for p in passages]
    assert sources.count("HALOPOS.ID") + sources.count("SUMSELTERKINI.com") == 1
    lead = next(p for p in passages if p.source in ("HALOPOS.ID", "SUMSELTERKINI.com"))
    other = {"HALOPOS.ID", "SUMSELTERKINI.com"} - {lead.source}
    assert lead.also_reported == tuple(other)
    ans = answer("Siapa Sekretaris Daerah Sumsel?", settings=copies)
    assert ans.citations and ans.citations[0].also_reported == tuple(other)
    assert f"juga diberitakan oleh {other.pop()}" in ans.text


def test_different_stories_are_not_clustered() -> None:
    texts = {"seed": SEED.read_text(encoding="utf-8"), **OTHER_ARTICLES}
    sigs = {k: s for k, v in texts.items() if (s := signature(v)) is not None}
    assert len(sigs) == 3 and clusters(sigs) == {}
    assert signature("terlalu pendek") is None


@pytest.mark.slow
def test_copies_in_the_click_id_corpus() -> None:
    path = needs_shared("corpora", "clickid-news-2019", "articles.jsonl")
    rows = {r["id"]: r for r in map(json.loads, Path(path).read_text(encoding="utf-8").splitlines()[:3000])}
    found = clusters({k: s for k, r in rows.items() if (s := signature(r["text"])) is not None})
    groups: dict[str, set[str]] = {}
    for aid, cluster in found.items():
        groups.setdefault(cluster, set()).add(aid)
    assert 10 <= len(groups) <= 200  # a few percent of a news month are copies, not most of it
    for members in groups.values():  # every pair in a cluster shares most of its words
        words = [set(rows[m]["text"].lower().split()) for m in members]
        assert all(len(a & b) / min(len(a), len(b)) > 0.5 for a in words for b in words)
