"""Chunk scans (the reranker's question-independent analysis, stored at build time) change nothing but speed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from tanya_sumsel import answer
from tanya_sumsel.corpus.chunk import chunk_article
from tanya_sumsel.corpus.chunk_scan import SCAN_VERSION, ChunkScan, decode, encode, scan
from tanya_sumsel.reading.sentences import answer_contexts, rank_sentences
from tanya_sumsel.reading.short_answer import extract
from tanya_sumsel.retrieval.rerank import analyse, text_rows
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.local.store import LocalReader
from tanya_sumsel.types import Article, Passage

from .conftest import DATA, SHARED

CLICK = SHARED / "corpora" / "clickid-news-2019" / "articles.jsonl"
FACQA = SHARED / "eval" / "facqa-dev" / "questions.jsonl"


def _articles(path: Path, limit: int | None = None) -> list[Article]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [
        Article(str(r.get("id", n)), r["title"], r["text"], r.get("source"), r.get("place"), r.get("date"))
        for n, r in enumerate(islice(rows, limit))
    ]


def _questions(path: Path, lo: int = 0, hi: int | None = None) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()[lo:hi]]


def _same_rows(articles: list[Article], questions: list[str]) -> int:
    """Assert the reranker's rows, the ranked sentences and the short answer are the same with stored (encoded,
    decoded) scans as when scanned on the spot; returns the rows compared."""
    texts = [ch.text for a in articles for ch in chunk_article(a)]
    stored = [decode(encode(scan(t))) for t in texts]
    assert all(s is not None for s in stored)
    passages = [Passage(1, 1.0, n, f"a{n}", "", None, None, None, None, t, 0, len(t)) for n, t in enumerate(texts)]
    for n, question in enumerate(questions):
        part = passages[(n * 5) % max(1, len(passages) - 5) :][:5]
        fresh, kept = rank_sentences(question, part), rank_sentences(question, part, scans=lambda p: stored[p.chunk_id])
        assert [replace(c, patterns=None) for c in kept] == fresh
        contexts = answer_contexts(kept)
        with_patterns = extract(question, contexts, [c.patterns for c in kept[: len(contexts)]])
        assert with_patterns == extract(question, contexts), question
    idf = {}.get
    compared = 0
    for n, question in enumerate(questions):
        q = analyse(question, lambda t: idf(t, 1.0))
        lo = (n * 7) % max(1, len(texts) - 30)
        part = slice(lo, lo + 30)
        fresh, kept = text_rows(q, texts[part]), text_rows(q, texts[part], stored[part])
        assert np.array_equal(fresh, kept), question
        compared += len(fresh)
    return compared


def test_stored_scans_give_the_reranker_the_same_rows() -> None:
    articles = _articles(DATA / "articles.jsonl") + _articles(DATA.parent / "dated" / "articles.jsonl")
    questions = _questions(DATA / "questions.jsonl") + _questions(DATA.parent / "dated" / "questions.jsonl")
    assert _same_rows(articles, questions) > 500


@pytest.mark.shared
@pytest.mark.slow  # scans 400 real articles against 311 questions (~12 s): a check at scale, not a unit test
def test_stored_scans_give_the_same_rows_on_real_news() -> None:
    if not CLICK.exists() or not FACQA.exists():
        pytest.skip("needs ../shared (CLICK-ID articles and FacQA questions)")
    assert _same_rows(_articles(CLICK, 400), _questions(FACQA, 2495, 2806)) > 9000


def test_scan_round_trips_and_refuses_what_it_cannot_trust() -> None:
    s = scan("Gubernur Herman Deru meresmikan Jembatan Musi VI, Senin (12/2/2024). Biayanya Rp 1,2 triliun.")
    assert decode(encode(s)) == s and len(s.windows) == len(s.sentences) == 2
    assert s.patterns(0) and "date" in s.patterns(0)  # type: ignore[operator]
    assert "date" in s.sentence_patterns(0) and "amount" in s.sentence_patterns(1)  # type: ignore[operator]
    odd = ChunkScan(((0, 9),), (("fran aise",),), frozenset({"française"}), ({},), ({},))  # the stemmer leaves spaces
    assert decode(encode(odd)) == odd
    other = json.loads(encode(s)) | {"v": SCAN_VERSION + 1}
    for stored in ("", "{not json", json.dumps(other), json.dumps({"v": SCAN_VERSION})):
        assert decode(stored) is None  # the chunk is then scanned when a question needs it


@pytest.mark.slow
def test_built_index_stores_scans_and_an_index_without_them_answers_the_same(built, tmp_path) -> None:
    reader = LocalReader(built.index_dir)
    chunks = reader.chunks(list(range(1, 200)))
    assert chunks and all(decode(ch.scan) == scan(ch.text) for ch in chunks.values())
    reader.close()
    # An index written before scans existed: the column is missing, chunks are scanned per question
    old = tmp_path / "index"
    shutil.copytree(built.index_dir, old)
    for db in old.glob("gen-*/store.sqlite"):
        with sqlite3.connect(db) as conn:
            conn.execute("ALTER TABLE chunks DROP COLUMN scan")
    older = Settings.from_env(corpus_dir=built.corpus_dir, index_dir=old)
    new, before = load_retriever(built), load_retriever(older)
    assert isinstance(before, Retriever) and not any(ch.scan for ch in before.store.chunks([1, 2, 3]).values())
    for question in _questions(DATA / "questions.jsonl")[:12]:
        assert new.search(question) == before.search(question), question
        a, b = answer(question, settings=built, retriever=new), answer(question, settings=older, retriever=before)
        assert (a.text, a.citations) == (b.text, b.citations), question
