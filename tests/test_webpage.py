"""Extraction from saved web pages: 24 written pages in twelve layouts (tests/websites.py) must give the right
title, date, outlet, place and canonical URL, the main text with >= 0.95 token recall, and no boilerplate."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tanya_sumsel.corpus.folder import load_corpus
from tanya_sumsel.corpus.ingest import parse_file
from tanya_sumsel.corpus.web import article_id
from tanya_sumsel.corpus.webpage import decode_html, extract_article

from .websites import LAYOUTS, STORIES, all_pages, page_for


def _recall(gold: str, got: str) -> float:
    g, h = Counter(re.findall(r"\w+", gold.lower())), Counter(re.findall(r"\w+", got.lower()))
    return sum(min(c, h[w]) for w, c in g.items()) / sum(g.values())


def test_extraction_targets_on_24_pages_in_12_layouts() -> None:
    pages = all_pages()
    assert len(pages) >= 20 and len({p.path.split("/")[1] for p in pages}) == len(LAYOUTS)
    wrong, recalls = [], []
    for page in pages:
        art = extract_article(page.html, url=page.url, declared_charset=page.charset or None)
        got = (art.title, art.date, art.source, art.place, art.url)
        want = (page.story.title, page.story.date, page.outlet, page.story.place, page.url)
        if got != want:
            wrong.append((page.path, got, want))
        recalls.append(_recall(" ".join(page.story.paragraphs), art.text))
        leaked = [b for b in page.boilerplate if b.lower() in art.text.lower()]
        assert not leaked, (page.path, leaked)
        # every extracted paragraph is one of the article's own (nothing else crept in)
        for para in art.text.split("\n\n"):
            assert any(para[:50] in p for p in page.story.paragraphs), (page.path, para)
    assert not wrong, wrong
    assert min(recalls) >= 0.95, recalls
    print(f"\n{len(pages)} pages: title/date/outlet/place/url right on all; token recall min {min(recalls):.3f}")


def test_encodings_declared_mislabelled_and_undeclared() -> None:
    text = "Gubernur “meninjau” jembatan – café"
    for declared in ("windows-1252", "iso-8859-1", None, "utf-8"):  # utf-8 here is a lie: detected instead
        decoded, _ = decode_html(f"<html><body><p>{text}</p></body></html>".encode("cp1252"), declared)
        assert text in decoded, declared
    meta = '<html><head><meta charset="windows-1252"></head><body><p>' + text + "</p></body></html>"
    assert text in decode_html(meta.encode("cp1252"))[0]
    bom = b"\xef\xbb\xbf<html><body><p>" + text.encode() + b"</p></body></html>"
    assert text in decode_html(bom, "iso-8859-1")[0]


def test_index_page_without_article_text_is_refused_with_its_feed() -> None:
    links = "".join(f'<li><a href="/berita/{s.slug}">{s.title}</a></li>' for s in STORIES)
    page = (
        '<html><head><title>Indeks Berita - Sumsel Post</title><link rel="alternate" type="application/rss+xml" '
        f'href="/rss"></head><body><h1>Indeks Berita</h1><ul>{links}</ul></body></html>'
    )
    with pytest.raises(ValueError, match=r"tidak ada teks artikel.*https://sumselpost\.test/rss"):
        extract_article(page.encode(), url="https://sumselpost.test/indeks")


def test_saved_pages_in_the_corpus_ingest_with_their_metadata(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "simpan").mkdir(parents=True)
    pages = [page_for(i, s) for i, s in enumerate(STORIES)]
    for i, page in enumerate(pages):
        (corpus / "simpan" / f"halaman-{i}.{'htm' if i % 2 else 'html'}").write_bytes(page.html)
    (corpus / "simpan" / "kosong.html").write_text("<html><body><nav>Beranda</nav></body></html>", encoding="utf-8")
    (corpus / "simpan" / "salinan.html").write_bytes(pages[0].html)  # the same page saved twice
    result = load_corpus(corpus)
    by_title = {a.title: a for a in result.articles}
    assert len(result.articles) == len(pages)
    for page in pages:
        art = by_title[page.story.title]
        assert (art.date, art.source, art.place) == (page.story.date, page.outlet, page.story.place)
        assert art.text.startswith(page.story.paragraphs[0][:40])
        if page.url.encode() in page.html:  # the page names its canonical URL: that is its id
            assert art.url == page.url and art.id == article_id(page.url)
        else:  # no URL on the page: a content id, as for a text file
            assert art.url is None and not art.id.startswith("web-")
    problems = {p.path: p.reason for p in result.problems}
    assert "tidak ada teks artikel" in problems["simpan/kosong.html"]
    assert "id ganda" in problems["simpan/salinan.html"] or "id ganda" in problems["simpan/halaman-0.html"]


def test_a_fetched_records_raw_page_is_not_ingested_twice(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = page_for(0, STORIES[0])
    (corpus / "a.html").write_bytes(page.html)
    (corpus / "a.json").write_text('{"id": "x", "title": "T", "text": "Isi rekaman yang diambil."}', encoding="utf-8")
    result = load_corpus(corpus)
    assert [a.id for a in result.articles] == ["x"] and not result.problems
    assert [a.url for a in parse_file(corpus / "a.html", "a.html")] == [page.url]  # alone it is a saved page
