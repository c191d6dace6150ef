"""The storage contract: one suite run against both stores, `local` (FAISS + SQLite + BM25 files) and `postgres`
(a real PostgreSQL + portable pgvector server started by the tests, tests/pgcluster.py). Index data comes from the FAKE `HashEmbedder` so
this suite stays in the fast layer; test_stores_e5.py checks the two stores agree with the real model."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from tanya_sumsel.errors import IndexMissingError, TanyaError
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.integrations.langchain import TanyaRetriever
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.bm25 import BM25Index
from tanya_sumsel.stores.choose import live_generation, live_manifest, open_reader, open_writer, problems, store_kind

from .conftest import make_corpus
from .fakes import HashEmbedder

QUESTIONS = (
    "Berapa rumah terendam banjir di Muara Enim?",
    "Siapa memimpin apel siaga karhutla?",
    "berapa personel disiagakan",
)


@pytest.fixture(params=["local", "postgres"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a new corpus and an empty index in one store (the fake embedder's id)."""
    url = request.getfixturevalue("database_url") if request.param == "postgres" else ""
    return Settings.from_env(
        corpus_dir=make_corpus(tmp_path), index_dir=tmp_path / "index", embed_model="fake-hash", database_url=url
    )


def built_store(settings: Settings, embedder: HashEmbedder | None = None) -> HashEmbedder:
    embedder = embedder or HashEmbedder()
    build_index(settings, embedder=embedder)
    return embedder


def test_kind_follows_database_url(store_settings: Settings) -> None:
    assert store_kind(store_settings) == ("postgres" if store_settings.database_url else "local")
    with pytest.raises(IndexMissingError, match="tanya-sumsel index"):
        open_reader(store_settings)
    assert live_generation(store_settings) is None


def test_build_then_read_everything_back(store_settings: Settings) -> None:
    built_store(store_settings)
    store = open_reader(store_settings)
    arts = store.articles()
    assert len(arts) == 3 == store.manifest["counts"]["articles"]
    rows, chunk_rows = store.catalog_rows()
    ids = [cid for cid, _, _ in chunk_rows]
    assert len(ids) == store.manifest["counts"]["chunks"] == len(set(ids))
    chunks = store.chunks(ids)
    assert set(chunks) == set(ids)
    for cid, aid, days in chunk_rows:
        ch = chunks[cid]
        assert ch.article_id == aid and ch.dates == tuple(days.split())
        assert arts[aid].text[ch.start : ch.end] == ch.text  # spans point into the stored article text
    assert {r[0] for r in rows} == set(arts) == set(store.article_hashes())
    assert problems(store_settings, thorough=True) == []


def test_dense_search_is_exact_on_a_small_index(store_settings: Settings) -> None:
    embedder = built_store(store_settings)
    store = open_reader(store_settings)
    ids = [cid for cid, _, _ in store.catalog_rows()[1]]
    texts = {cid: ch.text for cid, ch in store.chunks(ids).items()}
    for q in QUESTIONS:
        v = embedder.embed_query(q)
        got = store.search(v, 3)
        cos = store.cosines(ids, v)
        best = sorted(cos, key=lambda c: -cos[c])[:3]
        assert [c for c, _ in got] == best
        assert all(abs(s - cos[c]) < 1e-5 for c, s in got)
        assert len(texts) == len(ids)


def test_keyword_search_scores_match_the_reference_bm25(store_settings: Settings) -> None:
    built_store(store_settings)
    store = open_reader(store_settings)
    ids = sorted(cid for cid, _, _ in store.catalog_rows()[1])
    arts = store.articles()
    chunks = store.chunks(ids)
    from tanya_sumsel.corpus.chunk import chunk_article

    # the reference: BM25Index over the chunk terms as the build computes them
    by_span = {(c.article_id, c.start): cid for cid, c in chunks.items()}
    rows = []
    for art in arts.values():
        for ch in chunk_article(art, store_settings.chunk_max_words, store_settings.chunk_overlap_sentences):
            rows.append((by_span[(art.id, ch.start)], " ".join(terms(ch.embed_text(art)))))
    reference = BM25Index.build(sorted(rows))
    for q in QUESTIONS:
        qt = terms(q, translate=True)
        want = reference.search(qt, 10)
        got = store.keyword_search(qt, 10)
        assert [c for c, _ in got] == [c for c, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
        for t in qt:
            assert store.idf(t) == pytest.approx(reference.idf(t), rel=1e-5)


def test_masks_hide_chunks_from_both_searches(store_settings: Settings) -> None:
    embedder = built_store(store_settings)
    store = open_reader(store_settings)
    chunk_rows = store.catalog_rows()[1]
    banjir = next(a.id for a in store.articles().values() if "Banjir" in a.title)
    allow = np.zeros(max(c for c, _, _ in chunk_rows) + 1, dtype=bool)
    for cid, aid, _ in chunk_rows:
        allow[cid] = aid != banjir
    q = QUESTIONS[0]
    assert any(store.chunks([c])[c].article_id == banjir for c, _ in store.keyword_search(terms(q), 10))
    hidden = {cid for cid, aid, _ in chunk_rows if aid == banjir}
    assert not hidden & {c for c, _ in store.keyword_search(terms(q), 10, allow)}
    assert not hidden & {c for c, _ in store.search(embedder.embed_query(q), 10, allow)}
    assert len(store.search(embedder.embed_query(q), 10, allow)) == int(allow.sum())


def test_update_keeps_chunk_ids_and_the_old_reader_keeps_its_view(store_settings: Settings) -> None:
    embedder = built_store(store_settings)
    old = open_reader(store_settings)
    before = {cid: ch for cid, ch in old.chunks([c for c, _, _ in old.catalog_rows()[1]]).items()}
    corpus = store_settings.corpus_dir
    (corpus / "banjir.txt").unlink()
    (corpus / "baru.txt").write_text(
        "Jembatan Musi Tujuh Mulai Dibangun\nPALEMBANG – Pembangunan jembatan Musi VII dimulai Senin (2/3/2026) "
        "dengan anggaran Rp 1,2 triliun.",
        encoding="utf-8",
    )
    embedder.documents = 0
    report = build_index(store_settings, embedder=embedder)
    assert (report.added, report.removed, report.unchanged) == (1, 1, 2)
    assert embedder.documents == 1  # only the new article was embedded
    new = open_reader(store_settings)
    assert new.generation != old.generation
    kept = {cid: ch for cid, ch in before.items() if "Banjir" not in old.articles([ch.article_id])[ch.article_id].title}
    assert {cid: ch for cid, ch in new.chunks(list(kept)).items()} == kept  # unchanged article: same ids, same rows
    assert len(new.articles()) == 3 and not any("Banjir" in a.title for a in new.articles().values())
    # the reader loaded before the update still answers from its own generation, whole
    assert len(old.articles()) == 3 and any("Banjir" in a.title for a in old.articles().values())
    assert set(old.chunks(list(before))) == set(before)


def test_an_aborted_write_leaves_the_live_index(store_settings: Settings) -> None:
    embedder = built_store(store_settings)
    live = live_generation(store_settings)
    writer = open_writer(store_settings, embedder.dim, incremental=True)
    writer.remove_articles(list(open_reader(store_settings).article_hashes()))
    assert writer.chunk_count() == 0
    writer.abort()
    assert live_generation(store_settings) == live
    assert len(open_reader(store_settings).articles()) == 3


def test_a_failing_build_leaves_the_previous_index(store_settings: Settings) -> None:
    built_store(store_settings)
    live = live_generation(store_settings)
    (store_settings.corpus_dir / "baru.txt").write_text("Judul Baru\nIsi berita baru yang panjang. " * 3, "utf-8")

    class Broken(HashEmbedder):
        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("injected failure mid-build")

    with pytest.raises(RuntimeError, match="injected"):
        build_index(store_settings, embedder=Broken())
    assert live_generation(store_settings) == live
    assert len(open_reader(store_settings).articles()) == 3


def test_retriever_and_langchain_retriever_work_on_the_store(store_settings: Settings) -> None:
    embedder = built_store(store_settings)
    retriever = Retriever(open_reader(store_settings), embedder, store_settings)
    passages = retriever.search(QUESTIONS[0], 3)
    assert passages[0].title == "Banjir Rendam Ratusan Rumah di Muara Enim" and "320 rumah" in passages[0].text
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))
    assert passages[0].similarity > 0
    view = retriever.filtered(since="2026-01-01", until="2026-12-31")
    assert all((p.date or "") >= "2026" for p in view.search(QUESTIONS[1], 3))

    import tanya_sumsel.retrieval.retriever as retrieve_mod

    key = (store_settings.database_url or str(Path(store_settings.index_dir).resolve()), store_settings.embed_model)
    retrieve_mod._LOADED[key] = (retriever.store.generation, retriever)  # the fake embedder, not a model load
    try:
        assert load_retriever(store_settings) is retriever
        docs = TanyaRetriever(settings=store_settings, k=2).invoke(QUESTIONS[0])
        assert "320 rumah" in docs[0].page_content and docs[0].metadata["article_id"] == passages[0].article_id
    finally:
        retrieve_mod._LOADED.pop(key, None)


def test_manifest_describes_the_index(store_settings: Settings) -> None:
    built_store(store_settings)
    manifest = live_manifest(store_settings)
    assert manifest is not None
    assert manifest["store"] == store_kind(store_settings)
    assert manifest["embedder"] == {"id": "fake-hash", "dim": 64, "backend": "fake-hash"}
    assert manifest["vector_index"] == ("hnsw" if store_settings.database_url else "flat")


def test_postgres_readers_never_see_half_a_build(database_url: str, tmp_path: Path) -> None:
    settings = Settings.from_env(
        corpus_dir=make_corpus(tmp_path),
        index_dir=tmp_path / "index",
        embed_model="fake-hash",
        database_url=database_url,
    )
    embedder = built_store(settings)
    writer = open_writer(settings, embedder.dim, incremental=True)
    try:
        writer.remove_articles(list(open_reader(settings).article_hashes()))
        seen: list[int] = []
        t = threading.Thread(target=lambda: seen.append(len(open_reader(settings).articles())))
        t.start()
        t.join()
        assert seen == [3]  # another connection: the uncommitted removal is invisible
        with pytest.raises(TanyaError, match="sedang dibangun"):
            open_writer(settings, embedder.dim, incremental=True)  # a second build waits its turn
    finally:
        writer.abort()


def test_postgres_url_with_a_password_is_never_printed(tmp_path: Path) -> None:
    s = Settings.from_env(index_dir=tmp_path, database_url="postgresql://tanya:rahasia@127.0.0.1:1/db")
    assert "rahasia" not in repr(s)
    with pytest.raises(TanyaError) as err:
        open_reader(s)
    assert "rahasia" not in str(err.value) and "TANYA_DATABASE_URL" in str(err.value)


def test_above_ivf_above_both_stores_switch_to_inverted_lists(store_settings: Settings) -> None:
    settings = store_settings.replace(ivf_above=1)
    embedder = built_store(settings)
    store = open_reader(settings)
    assert store.manifest["vector_index"] == "ivf"
    ids = [cid for cid, _, _ in store.catalog_rows()[1]]
    for q in QUESTIONS:  # every list is scanned (nprobe ≥ lists here), so the answer is the exact one
        v = embedder.embed_query(q)
        cos = store.cosines(ids, v)
        assert [c for c, _ in store.search(v, 3)] == sorted(cos, key=lambda c: -cos[c])[:3]
    (settings.corpus_dir / "baru.txt").write_text("Judul Baru\nBanjir bandang melanda Lahat, 40 rumah rusak.", "utf-8")
    build_index(settings, embedder=embedder)  # an update adds to the inverted lists in place
    store = open_reader(settings)
    assert store.manifest["vector_index"] == "ivf"
    top = store.search(embedder.embed_query("Banjir bandang melanda Lahat, 40 rumah rusak."), 1)
    assert store.chunks([top[0][0]])[top[0][0]].text.startswith("Banjir bandang")
