"""What the reader's decision becomes, through the public `answer()`, with the FAKE store, embedder and reader
(tests/fakes.py): the quoted sentence and its highlight, the count with its noun, the explained abstention. The
real reader's quality is tested in test_reader.py; here the seams are, in the fast layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanya_sumsel import Settings, answer
from tanya_sumsel.embedding.embedder import load_embedder
from tanya_sumsel.errors import EmbedderError
from tanya_sumsel.retrieval.retriever import Retriever

from .conftest import make_corpus
from .fakes import FAKE_EMBEDDER, FakeReader, FakeStore, HashEmbedder, fake_retriever


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Retriever]:
    root = tmp_path_factory.mktemp("seams")
    settings = Settings.from_env(corpus_dir=make_corpus(root), index_dir=root / "index", embed_model="fake-hash")
    return settings, fake_retriever(settings)


def test_the_fake_store_holds_the_corpus_and_finds_by_words(fake: tuple[Settings, Retriever]) -> None:
    _, retriever = fake
    store = retriever.store
    assert len(store.articles()) == 3 and store.manifest["counts"]["chunks"] > 3
    passages = retriever.search("Berapa rumah terendam banjir di Muara Enim?", 3)
    assert passages[0].title == "Banjir Rendam Ratusan Rumah di Muara Enim" and "320 rumah" in passages[0].text
    view = retriever.filtered(since="2030-01-01")
    assert view.search("banjir Muara Enim", 3) == []  # no article is that new: the view keeps none


def test_a_reading_is_quoted_with_its_span_marked(fake: tuple[Settings, Retriever]) -> None:
    settings, retriever = fake
    reader = FakeReader({"memimpin apel": "Wakil Gubernur"})
    ans = answer("Siapa yang memimpin apel siaga karhutla?", settings=settings, retriever=retriever, reader=reader)
    assert not ans.abstained and ans.short_answer == "Wakil Gubernur"
    lead = ans.citations[0]
    article = retriever.article(lead.article_id).text
    start, end = lead.highlight or (0, 0)
    assert article[start:end] == "Wakil Gubernur" and article[lead.start : lead.end] == lead.quote
    assert lead.start <= start < end <= lead.end and "[1]" in ans.text


def test_a_count_keeps_the_noun_asked_for(fake: tuple[Settings, Retriever]) -> None:
    settings, retriever = fake
    reader = FakeReader({"berapa rumah": "320"})
    ans = answer("Berapa rumah terendam banjir di Muara Enim?", settings=settings, retriever=retriever, reader=reader)
    assert ans.short_answer == "320 rumah"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Siapa pelatih tim nasional sepak bola Brasil?", "Maaf, artikel yang tersedia tidak memuat jawaban"),
        ("Who coaches the Brazilian national football team?", "Sorry, the available articles do not contain an answer"),
    ],
)
def test_nothing_read_is_an_explained_abstention(fake: tuple[Settings, Retriever], question: str, said: str) -> None:
    settings, retriever = fake
    reader = FakeReader({})
    ans = answer(question, settings=settings, retriever=retriever, reader=reader)
    assert ans.abstained and ans.citations == () and ans.text.startswith(said)
    assert reader.questions  # the reader was asked, and declined


def test_the_fake_store_is_a_store(tmp_path: Path) -> None:
    """FakeStore offers every method of the StoreReader protocol (so a retriever over it is a real one)."""
    from tanya_sumsel.stores.base import StoreReader

    settings = Settings.from_env(corpus_dir=make_corpus(tmp_path), index_dir=tmp_path / "i", embed_model="fake-hash")
    store = FakeStore.of_folder(settings, HashEmbedder())
    wanted = {n for n in dir(StoreReader) if not n.startswith("_")}
    assert wanted <= set(dir(store)), wanted - set(dir(store))
    articles, chunks = store.catalog_rows()
    assert len(articles) == 3 and len(chunks) == store.manifest["counts"]["chunks"]


def test_an_embedder_is_plugged_in_by_import_path(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """TANYA_EMBED_MODEL (or --embed-model) takes 'module:callable': the CLI builds and answers with the FAKE embedder
    by name, no model loaded (the rules answer: the learned reader is e5's)."""
    from tanya_sumsel.app.cli import main
    from tanya_sumsel.stores.local.files import read_manifest

    monkeypatch.setenv("TANYA_EMBED_MODEL", FAKE_EMBEDDER)
    common = ["--corpus", str(make_corpus(tmp_path)), "--index", str(tmp_path / "index")]
    assert main(["index", *common]) == 0
    assert "Ditambah 3" in capsys.readouterr().out
    assert read_manifest(tmp_path / "index")["embedder"]["id"] == HashEmbedder.id
    assert main(["ask", "Berapa rumah yang terendam banjir di Muara Enim?", *common, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["short_answer"] == "320 rumah" and "Muara Enim" in data["citations"][0]["quote"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("tests.no_such_module:Embedder", "tidak dapat dibuat"),
        ("tests.fakes:NoSuchEmbedder", "tidak dapat dibuat"),
        ("collections:OrderedDict", "bukan Embedder"),  # made, but not an embedder
        ("json:loads", "gagal dibuat"),  # raises when called without arguments
    ],
)
def test_an_embedder_that_cannot_be_plugged_in_says_what_to_fix(tmp_path: Path, name: str, said: str) -> None:
    settings = Settings.from_env(corpus_dir=make_corpus(tmp_path), index_dir=tmp_path / "index", embed_model=name)
    with pytest.raises(EmbedderError, match=said) as refused:
        load_embedder(settings)
    assert "TANYA_EMBED_MODEL" in str(refused.value) and name in str(refused.value)
