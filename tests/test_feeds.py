"""Feeds and URLs into the corpus and the index, against a loopback server: new items only, conditional GET, one
copy of an article, updates replace, every bad item reported with its URL and reason, nothing already there lost.
The index here uses the FAKE hashing embedder (tests/fakes.py); the real e5 path is in test_web_e2e.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tanya_sumsel.corpus.folder import load_corpus
from tanya_sumsel.errors import InputError
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.indexing.feeds import add, list_feeds, update_feeds
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.choose import open_reader

from .conftest import SEED
from .fakes import HashEmbedder
from .websites import STORIES, Site, atom, page_for, replace_story, rss


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())  # an article already there must never be lost
    return Settings.from_env(
        corpus_dir=corpus,
        index_dir=tmp_path / "index",
        fetch_delay=0.0,
        fetch_backoff=0.01,
        embed_model="fake-hash",
        fetch_timeout=1.0,
        fetch_retries=1,
        fetch_max_mb=2,
    )


def _serve(site: Site, stories: tuple = STORIES[:6]) -> list:  # type: ignore[type-arg]
    pages = [page_for(i % 12, s, site.port) for i, s in enumerate(stories)]
    for page in pages:
        site.add_page(page)
    return pages


def _records(settings: Settings) -> list[Path]:
    return sorted((settings.corpus_dir / "web").rglob("*.json"))


def _no_partial_files(settings: Settings) -> None:
    for rec in _records(settings):
        assert rec.with_suffix(".html").is_file(), f"{rec} has its raw page beside it"
        json.loads(rec.read_text(encoding="utf-8"))
    assert not [p for p in settings.corpus_dir.rglob("*") if p.name.endswith(".tmp")]


def test_feed_then_update_fetches_nothing_new(site: Site, settings: Settings) -> None:
    pages, feed = site.serve(STORIES[:6], etag='"1"')
    emb = HashEmbedder()
    build_index(settings, embedder=emb)  # the corpus already indexed: the feed's articles are added to it
    report = add([feed], settings, embedder=emb)
    assert len(report.of("added")) == 6 and not report.of("failed"), report.summary()
    assert report.build is not None and (report.build.added, report.build.unchanged) == (6, 1)
    _no_partial_files(settings)
    store = open_reader(settings)
    arts = store.articles()
    assert {a.url for a in arts.values()} >= {p.url for p in pages} and len(arts) == 7  # 6 + the seed article
    assert {a.source for a in arts.values()} >= {p.outlet for p in pages}
    store.close()
    assert list(list_feeds(settings)) == [feed]

    before = len(site.log)
    again = update_feeds(settings, embedder=emb)
    assert [p for _, p, _ in site.log[before:]] == ["/robots.txt", "/rss"], "only the feed, answered 304"
    assert site.log[-1][2]["If-None-Match"] == '"1"'
    assert not again.outcomes and again.build is None and "304" in again.summary()

    site.routes["/rss"].etag = ""  # a server without validators: known items are still not fetched
    before = len(site.log)
    third = update_feeds(settings, embedder=emb)
    assert [p for _, p, _ in site.log[before:]] == ["/robots.txt", "/rss"]
    assert [o.detail for o in third.outcomes] == ["sudah ada"] * 6


def test_atom_feed_and_a_single_article_url(site: Site, settings: Settings) -> None:
    pages = _serve(site, STORIES[6:9])
    feed = site.add(
        "/atom",
        body=atom([(p.url, p.story.title, p.story.date) for p in pages[:2]]),
        content_type="application/atom+xml",
    )
    report = add([feed, pages[2].url], settings, embedder=HashEmbedder())
    assert sorted(o.url for o in report.of("added")) == sorted(p.url for p in pages)
    assert [f for f, _ in report.feeds] == [feed] and list(list_feeds(settings)) == [feed]


def test_same_article_twice_is_stored_once_and_an_update_replaces_it(site: Site, settings: Settings) -> None:
    story = STORIES[2]
    page = page_for(1, story, site.port)  # declares its canonical URL
    site.add_page(page)
    copy = site.add("/salinan/lrt?utm_source=wa", body=page.html.replace(page.url.encode(), b"http://other.test/lrt"))
    emb = HashEmbedder()
    first = add([page.url, page.url + "?utm_source=fb", copy], settings, embedder=emb)
    assert [o.status for o in first.outcomes] == ["added", "skipped", "skipped"], first.summary()
    assert "tidak berubah" in first.outcomes[1].detail and "teks sama dengan" in first.outcomes[2].detail
    assert len(_records(settings)) == 1

    changed = replace_story(story, paragraphs=(*story.paragraphs[:2], "Jumlah penumpang kini 13.100 orang per hari."))
    site.add_page(page_for(1, changed, site.port))
    second = add([page.url], settings, embedder=emb)
    assert [o.status for o in second.outcomes] == ["updated"] and len(_records(settings)) == 1
    arts = [a for a in load_corpus(settings.corpus_dir).articles if a.url == page.url]
    assert len(arts) == 1 and "13.100" in arts[0].text
    assert second.build is not None and second.build.updated == 1


def test_every_bad_item_is_reported_and_nothing_is_lost(site: Site, settings: Settings) -> None:
    good = _serve(site, STORIES[:2])
    site.add("/rusak/500", status=500, body=b"error")
    site.add("/rusak/lambat", body=good[0].html, delay=1.5)
    site.add("/rusak/loop", status=302, headers={"Location": "/rusak/loop2"})
    site.add("/rusak/loop2", status=302, headers={"Location": "/rusak/loop"})
    site.add("/rusak/besar", size=50_000_000)
    site.add("/rusak/laporan.pdf", body=b"%PDF-1.7 ...", content_type="application/pdf")
    site.add("/rusak/foto", body=b"\xff\xd8\xff\xe0 jpeg", content_type="text/html")  # an image behind a page link
    site.add("/rusak/indeks", body=b"<html><body><ul><li><a href='/a'>Berita satu</a></li></ul></body></html>")
    bad = [
        "/rusak/404",
        "/rusak/500",
        "/rusak/lambat",
        "/rusak/loop",
        "/rusak/besar",
        "/rusak/laporan.pdf",
        "/rusak/foto",
        "/rusak/indeks",
    ]
    items = [(p.url, p.story.title, p.story.date) for p in good] + [(site.url(b), b, "2026-01-01") for b in bad]
    items.append(items[0])  # the same item twice
    inward = ["http://169.254.169.254/latest/meta-data/", f"http://[::1]:{site.port}/rahasia"]  # issue #35
    items += [(u, "ke dalam", "2026-01-01") for u in inward]
    feed = site.add("/rss", body=rss(items), content_type="application/rss+xml")
    broken = site.add("/rss-rusak", body=b"<rss><channel><item><title>tanpa penutup", content_type="text/xml")
    report = add([feed, broken], settings, embedder=HashEmbedder())
    failed: dict[str, str] = {}
    for o in report.of("failed"):
        failed[o.url] = failed.get(o.url, "") + " | " + o.detail
    assert len(report.of("added")) == 2
    reasons = {
        "/rusak/404": "HTTP 404",
        "/rusak/500": "HTTP 500",
        "/rusak/lambat": "waktu habis",
        "/rusak/loop": "pengalihan berulang",
        "/rusak/besar": "terlalu besar",
        "/rusak/laporan.pdf": "application/pdf",
        "/rusak/foto": "image/jpeg",
        "/rusak/indeks": "tidak ada teks artikel",
    }
    for path, reason in reasons.items():
        assert reason in failed[site.url(path)], (path, failed.get(site.url(path)))
    for url in inward:  # the feed itself is allowed (TANYA_FETCH_ALLOW=127.0.0.1); its entries pointing inside not
        assert "jaringan lokal/privat" in failed[url] and "TANYA_FETCH_ALLOW" in failed[url], failed.get(url)
    assert "feed rusak" in failed[broken]
    assert [o.detail for o in report.of("skipped")] == ["item ganda dalam feed"]
    _no_partial_files(settings)
    corpus = load_corpus(settings.corpus_dir)
    assert len(corpus.articles) == 3 and not corpus.problems  # the seed article and the two good ones
    assert "✗ gagal" in report.summary() and site.url("/rusak/404") in report.summary()


def test_no_url_and_no_feed_are_refused(settings: Settings) -> None:
    with pytest.raises(InputError, match="Tidak ada URL"):
        add(["  "], settings)
    with pytest.raises(InputError, match="Belum ada feed"):
        update_feeds(settings)


def test_a_feed_item_with_a_newer_date_is_fetched_again_and_replaces_its_article(
    site: Site, settings: Settings
) -> None:
    stories = list(STORIES[3:5])
    pages, feed = site.serve(stories, etag='"a"')
    emb = HashEmbedder()
    assert len(add([feed], settings, embedder=emb).of("added")) == 2
    changed = replace_story(
        stories[0], date="2025-08-13", paragraphs=(*stories[0].paragraphs[:2], "Ralat: angka stunting 18,4 persen.")
    )
    site.add_page(page_for(0, changed, site.port))
    site.add(
        "/rss",
        body=rss([(pages[0].url, changed.title, changed.date), (pages[1].url, stories[1].title, stories[1].date)]),
        content_type="application/rss+xml",
        etag='"b"',
    )
    before = len(site.log)
    report = update_feeds(settings, embedder=emb)
    fetched = [p for _, p, _ in site.log[before:]]
    assert fetched == ["/robots.txt", "/rss", pages[0].path], "only the item whose date changed"
    assert [(o.status, o.url) for o in report.of("updated")] == [("updated", pages[0].url)]
    assert [o.detail for o in report.of("skipped")] == ["sudah ada"]
    text = next(a.text for a in load_corpus(settings.corpus_dir).articles if a.url == pages[0].url)
    assert "18,4 persen" in text and len(_records(settings)) == 2
    assert build_index(settings, rebuild=True, embedder=emb).added == 3  # offline: rebuilt from the records alone
