import json
import sqlite3
from pathlib import Path

import pytest

from tanya_sumsel.embedding.embedder import E5_INT8_ID
from tanya_sumsel.errors import IndexMismatchError
from tanya_sumsel.indexing.build import build_index, check_compatible
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.stores.choose import open_reader
from tanya_sumsel.stores.local.files import current_generation, read_manifest

from .conftest import CountingEmbedder
from .fakes import HashEmbedder


def test_manifest_describes_the_index(built) -> None:
    manifest = read_manifest(built.index_dir)
    assert manifest["embedder"] == {"id": E5_INT8_ID, "dim": 384, "backend": "onnx-int8"}  # the default build
    assert manifest["counts"]["articles"] == 3 and manifest["counts"]["chunks"] >= 7
    assert manifest["date_range"] == {"min": "2025-08-12", "max": "2026-02-03"}
    assert manifest["chunking"]["max_words"] == built.chunk_max_words
    assert len(manifest["corpus_fingerprint"]) == 20
    gen = current_generation(built.index_dir)
    assert sorted(p.name for p in gen.iterdir()) == [
        "bm25.npz",
        "bm25_vocab.json",
        "manifest.json",
        "store.sqlite",
        "vectors.faiss",
    ]
    store = open_reader(built)
    assert store.vectors.ntotal == manifest["counts"]["chunks"]
    # every chunk span points into its article
    for cid, chunk in store.chunks(list(range(1, store.vectors.ntotal + 1))).items():
        art = store.articles([chunk.article_id])[chunk.article_id]
        assert art.text[chunk.start : chunk.end] == chunk.text, cid


def test_incremental_add_update_remove(fake) -> None:
    fresh = fake
    counting = CountingEmbedder(HashEmbedder())
    first = build_index(fresh, embedder=counting)
    assert first.added == 3 and first.full_rebuild
    full = counting.documents

    counting.documents = 0
    again = build_index(fresh, embedder=counting)
    assert counting.documents == 0 and not again.changed and again.unchanged == 3

    new = fresh.corpus_dir / "baru.txt"
    new.write_text(
        "Jembatan Baru Diresmikan\nWali Kota Palembang meresmikan jembatan di Kertapati, Jumat (6/2/2026).",
        encoding="utf-8",
    )
    report = build_index(fresh, embedder=counting)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 3)
    assert counting.documents == report.chunks_embedded == 1 < full

    counting.documents = 0
    new.write_text("Jembatan Baru Diresmikan\nWali Kota Palembang meresmikan jembatan Kertapati.", encoding="utf-8")
    (fresh.corpus_dir / "banjir.txt").unlink()
    report = build_index(fresh, embedder=counting)
    # a .txt id is its content hash: an edited text is a new article and the old one is removed
    assert (report.added, report.removed) == (1, 2)
    assert counting.documents == 1
    store = open_reader(fresh)
    titles = {a.title for a in store.articles().values()}
    assert "Banjir Rendam Ratusan Rumah di Muara Enim" not in titles
    assert store.vectors.ntotal == sum(1 for _ in store.query("SELECT id FROM chunks"))


def test_interrupted_build_leaves_previous_index_usable(fake) -> None:
    fresh, embedder = fake, HashEmbedder()
    build_index(fresh, embedder=embedder)
    before = current_generation(fresh.index_dir)
    for i in range(30):
        (fresh.corpus_dir / f"extra{i}.txt").write_text(f"Berita tambahan nomor {i} dari Lahat.", encoding="utf-8")
    failing = CountingEmbedder(embedder)
    failing.fail_after = 5
    with pytest.raises(RuntimeError, match="injected"):
        build_index(fresh, embedder=failing)
    assert current_generation(fresh.index_dir) == before
    assert [p.name for p in fresh.index_dir.glob("gen-*")] == [before.name]
    retriever = Retriever(open_reader(fresh), embedder, fresh)
    assert retriever.search("Siapa Sekda Sumsel?", 3)


def test_mismatched_embedder_is_an_error_naming_the_fix(fake) -> None:
    embedder = HashEmbedder()
    build_index(fake, embedder=embedder)
    other = fake.replace(embed_model="some/other-model")
    with pytest.raises(IndexMismatchError, match="tanya-sumsel index --rebuild"):
        Retriever(open_reader(fake), embedder, other)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        Retriever(open_reader(fake), embedder, fake.replace(chunk_max_words=50))


def test_an_earlier_int8_export_still_answers_but_adding_to_it_rebuilds(built) -> None:
    manifest = read_manifest(built.index_dir)
    manifest["embedder"]["id"] = "multilingual-e5-small-q4-int8v2"  # the same weights, an earlier export
    check_compatible(manifest, built)  # its vectors agree with today's questions: it keeps answering
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        check_compatible(manifest, built, building=True)
    manifest["embedder"]["id"] = "some/other-model"
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        check_compatible(manifest, built)


def test_changed_settings_force_full_rebuild(fake) -> None:
    build_index(fake, embedder=HashEmbedder())
    report = build_index(fake.replace(chunk_max_words=40), embedder=HashEmbedder())
    assert report.full_rebuild and "pemotongan" in report.reason


def test_store_holds_no_pickle(built) -> None:
    gen = current_generation(built.index_dir)
    with sqlite3.connect(gen / "store.sqlite") as db:
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {"articles", "chunks"}
    json.loads((gen / "manifest.json").read_text())
    for path in Path(gen).iterdir():
        assert not path.read_bytes().startswith(b"\x80"), path  # pickle protocol 2+ magic


def test_an_interrupted_build_resumes_where_it_stopped(fake) -> None:
    fresh, embedder = fake, HashEmbedder()
    build_index(fresh, embedder=embedder)
    for i in range(30):
        (fresh.corpus_dir / f"extra{i}.txt").write_text(
            f"Berita tambahan nomor {i}\nPemkab Lahat membuka {i} kelas baru pada Senin (2/3/2026).", encoding="utf-8"
        )
    failing = CountingEmbedder(embedder)
    failing.fail_after = 20
    settings = fresh.replace(embed_batch_size=4)  # batches of 8: two of them are done when the failure hits
    with pytest.raises(RuntimeError, match="injected"):
        build_index(settings, embedder=failing)
    counting = CountingEmbedder(embedder)
    report = build_index(settings, embedder=counting)
    assert report.chunks_reused == 16 and counting.documents == 30 - 16 == report.chunks_embedded
    assert "Dilanjutkan dari build yang terputus: 16 potongan" in report.summary()
    assert not list(fresh.index_dir.glob(".embed-cache-*"))  # a finished build leaves no cache behind


def test_oversized_files_and_articles_are_skipped_with_a_warning(fake) -> None:
    fresh, embedder = fake, HashEmbedder()
    (fresh.corpus_dir / "besar.txt").write_text("Laporan Panjang\n" + "Kalimat panjang laporan. " * 1200, "utf-8")
    (fresh.corpus_dir / "berat.txt").write_text("Arsip\n" + "x " * 600_000, "utf-8")  # 1.2 MB
    report = build_index(fresh.replace(max_file_mb=1.0, max_article_chunks=20), embedder=embedder)
    said = "\n".join(str(p) for p in report.problems)
    assert "berat.txt" in said and "melebihi batas 1 MB" in said and "TANYA_MAX_FILE_MB" in said
    assert "besar.txt" in said and "melebihi batas 20" in said and "TANYA_MAX_ARTICLE_CHUNKS" in said
    assert report.added == 3 and report.chunks_total < 20  # the founding article and the two others only
    allowed = build_index(fresh.replace(max_file_mb=1.0, max_article_chunks=0), embedder=embedder)  # 0: no limit
    assert allowed.added == 1 and allowed.chunks_total > 25
