"""Done-when of issue 15 with the real pieces: `tanya-sumsel add <feed>` then `tanya-sumsel ask …` answers with a
citation linking the article's URL, and the same through the chat UI (real Gradio server, headless Chromium). The
feed and its pages come from a loopback server (tests/websites.py); the index uses the real e5 embedder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import make_corpus
from .test_ui import ARTIFACTS, _browser, _launch, ask_in_page, start_server
from .websites import STORIES, Site, page_for, rss

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Site, str, list]]:  # type: ignore[type-arg]
    with Site() as s:
        pages = [page_for(i % 12, story, s.port) for i, story in enumerate(STORIES)]
        for page in pages:
            s.add_page(page)
        items = [(p.url, p.story.title, p.story.date) for p in pages] + [(s.url("/hilang"), "Hilang", "2026-01-02")]
        feed = s.add("/rss", body=rss(items), content_type="application/rss+xml", etag='"e1"')
        yield s, feed, pages


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TANYA_CORPUS_DIR": str(root / "corpus"),
        "TANYA_INDEX_DIR": str(root / "index"),
        "TANYA_FETCH_DELAY": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", *args], env=env, capture_output=True, text=True, timeout=900
    )


def test_cli_add_feed_then_ask_cites_the_articles_url(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, feed, pages = site
    make_corpus(tmp_path)
    added = _cli(tmp_path, "add", feed)
    assert added.returncode == 0, added.stderr
    assert "Ditambah 12" in added.stdout and f"{server.url('/hilang')} (HTTP 404" in added.stdout
    assert "Mengambil" in added.stderr and "Embedding" in added.stderr  # progress bars
    lrt = next(p for p in pages if p.story.slug == "lrt-penumpang")
    ans = _cli(tmp_path, "ask", "Berapa rata-rata penumpang LRT Sumsel per hari?")
    assert ans.returncode == 0, ans.stderr
    assert "12.400" in ans.stdout
    cited = [line for line in ans.stdout.splitlines() if line.startswith("[") and lrt.url in line]
    assert cited and lrt.outlet in cited[0], ans.stdout
    listed = _cli(tmp_path, "feeds")
    assert feed in listed.stdout and "13 item" in listed.stdout
    again = _cli(tmp_path, "update")
    assert again.returncode == 0 and "304" in again.stdout and "Ditambah 0" in again.stdout, again.stdout


def test_ui_adds_a_feed_and_cites_its_article_with_a_link(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, feed, pages = site
    corpus = make_corpus(tmp_path)
    proc, url = start_server(tmp_path, corpus, TANYA_FETCH_DELAY="0")
    beras = next(p for p in pages if p.story.slug == "harga-beras")
    try:
        with _browser() as p:
            browser = _launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url)
            page.get_by_role("tab", name="Korpus").click()
            page.locator("#tanya-web-urls textarea").fill(feed)
            page.locator("#tanya-web-add").click()
            status = "document.querySelector('#tanya-web-status textarea')?.value || ''"
            page.wait_for_function(f"({status}).includes('Indeks:')", timeout=300000)
            text = page.evaluate(status)
            assert "Ditambah 12" in text and "✗ gagal" in text and server.url("/hilang") in text, text
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "corpus-web.png"), full_page=True)
            page.get_by_role("tab", name="Tanya").click()
            ask_in_page(page, "Berapa harga beras medium di pasar Palembang?")
            link = page.locator(f'#tanya-sources a[href="{beras.url}"]')
            link.first.wait_for(timeout=120000)
            assert "14.500" in page.locator("#tanya-chat").inner_text()
            assert beras.outlet in page.locator("#tanya-sources").inner_text()
            page.screenshot(path=str(ARTIFACTS / "answer-web-citation.png"), full_page=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
