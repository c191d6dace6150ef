"""The stem memo a build leaves for serving processes, and the per-text caches of the answer path: same results
with or without them; a damaged file is ignored with a warning, never trusted."""

from __future__ import annotations

import json
import logging

import pytest

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.lang import normalize as textnorm
from tanya_sumsel.lang.stem_cache import load_stems, save_stems, stem_file
from tanya_sumsel.settings import Settings

from .fakes import HashEmbedder

WORDS = ["pembangunan", "mengikuti", "diresmikan", "kebakaran", "penjabat"]


@pytest.fixture
def fresh_memo(monkeypatch):
    """An empty word → stem memo, as in a process that has just started."""
    memo: dict[str, str] = {}
    monkeypatch.setattr(textnorm, "_STEMS", memo)
    return memo


def sastrawi(word: str) -> str:
    return textnorm._stemmer().stem(word)


def test_saved_stems_load_into_a_fresh_process_memo(tmp_path, fresh_memo) -> None:
    settings = Settings.from_env(cache_dir=tmp_path)
    for w in WORDS:
        textnorm.stem(w)
    save_stems(settings)
    assert json.loads(stem_file(settings).read_text(encoding="utf-8")) == {w: sastrawi(w) for w in WORDS}
    fresh_memo.clear()
    assert load_stems(settings) == len(WORDS)
    assert textnorm.known_stems() == {w: sastrawi(w) for w in WORDS}
    assert [textnorm.stem(w) for w in WORDS] == ["bangun", "ikut", "resmi", "bakar", "jabat"]
    assert not list(stem_file(settings).parent.glob(".stems-*")), "no temporary file left behind"


@pytest.mark.parametrize("content", ["{not json", '["bangun"]', '{"pembangunan": 3}'])
def test_a_damaged_stem_file_is_ignored_with_a_warning(tmp_path, fresh_memo, caplog, content) -> None:
    settings = Settings.from_env(cache_dir=tmp_path)
    stem_file(settings).parent.mkdir(parents=True)
    stem_file(settings).write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_stems(settings) == 0
    assert str(stem_file(settings)) in caplog.text and "tanya-sumsel index" in caplog.text
    assert fresh_memo == {} and textnorm.stem("pembangunan") == "bangun"
    save_stems(settings)  # the next build replaces it
    assert load_stems(settings) == 1


def test_a_build_leaves_the_corpus_words_stems(tmp_path, fresh_memo) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Pembangunan Jembatan Musi\n\nGubernur meresmikan pembangunan jembatan di Palembang.", encoding="utf-8"
    )
    settings = Settings.from_env(
        corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embed_model="fake-hash"
    )
    build_index(settings, embedder=HashEmbedder())
    saved = json.loads(stem_file(settings).read_text(encoding="utf-8"))
    assert saved["pembangunan"] == "bangun" and saved["meresmikan"] == "resmi" and saved["jembatan"] == "jembatan"


def test_cached_texts_hand_out_fresh_lists() -> None:
    text = "Rapat koordinasi Pemprov Sumsel digelar di Palembang."
    first = textnorm.terms(text)
    first.append("dirusak")
    assert textnorm.terms(text) == ["rapat", "koordinasi", "pemprov", "sumsel", "gelar", "palembang", "rakor"]
    toks = textnorm.tokens(text)
    toks.clear()
    assert textnorm.tokens(text)[:2] == ["rapat", "koordinasi"]
    sentences = split_sentences("Satu kalimat. Dua kalimat.")
    sentences.pop()
    assert [s.text for s in split_sentences("Satu kalimat. Dua kalimat.")] == ["Satu kalimat.", "Dua kalimat."]
