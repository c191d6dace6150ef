"""The real Gradio server on a free loopback port: API via gradio_client, the page in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, make_corpus

XSS_ARTICLE = (
    "Festival Perahu Bidar <script>window.__xss = 1</script>\n"
    "Palembang Pos|PALEMBANG – Festival Perahu Bidar digelar di Sungai Musi pada Sabtu (15/8/2026) "
    '<img src=x onerror="window.__xss = 2"> dan diikuti 40 tim pendayung dari 17 kabupaten/kota.'
)
BEACON = "127.0.0.1:9"  # nothing listens there; any request the page makes to it is recorded by the browser
MARKDOWN_ARTICLE = (
    "Lomba Perahu Hias Sungai Musi\n"
    "Palembang Pos|PALEMBANG – Lomba perahu hias ![logo](http://127.0.0.1:9/beacon.png) digelar di Sungai Musi pada "
    "Minggu (16/8/2026), [klik di sini](http://127.0.0.1:9/klik) untuk daftar, diikuti 25 perahu "
    "<img src=http://127.0.0.1:9/tag.png> dari **tujuh** kabupaten."
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, corpus: Path, **env_extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """`tanya-sumsel serve` on a free loopback port; returns the process and its URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "TANYA_CORPUS_DIR": str(corpus),
        "TANYA_INDEX_DIR": str(root / "index"),
        "TANYA_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TANYA_RATE_LIMIT": "1000",  # every test client is 127.0.0.1; the limit itself is tested in test_roles.py
        **env_extra,
    }
    log = open(root / f"server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "tanya_sumsel", "serve"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except urllib.error.HTTPError:
            return proc, url  # it answers (e.g. 401 behind a login)
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {(root / f'server-{port}.log').read_text()}")
            time.sleep(0.5)
    proc.kill()
    pytest.fail("server did not start in 300 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("ui")
    corpus = make_corpus(root)
    (corpus / "bidar.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    (corpus / "perahu-hias.txt").write_text(MARKDOWN_ARTICLE, encoding="utf-8")
    proc, url = start_server(root, corpus)
    yield url, corpus
    proc.terminate()
    proc.wait(timeout=30)


def test_login_required_when_auth_is_set(tmp_path, server) -> None:
    from gradio_client import Client

    _, corpus = server
    proc, url = start_server(tmp_path, corpus, TANYA_AUTH="redaksi:rahasia")
    try:
        from gradio_client.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False).predict("Siapa Sekda Sumsel?", api_name="/ask")
        with pytest.raises(ValueError, match="Could not login"):  # a wrong password is refused too
            Client(url, auth=("redaksi", "salah"), verbose=False)
        text = Client(url, auth=("redaksi", "rahasia"), verbose=False).predict("Siapa Sekda Sumsel?", api_name="/ask")
        assert "Edward Candra" in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_upload_checks_and_delete(fake, tmp_path) -> None:
    from tanya_sumsel.app.ui_corpus import delete_article, save_uploads

    fresh = fake  # what is saved and deleted does not depend on the embedder
    good = tmp_path / "baru.txt"
    good.write_text("Jalan Tol Baru\nJalan tol Kayuagung dibuka Selasa (3/3/2026).", encoding="utf-8")
    bad_type = tmp_path / "foto.png"
    bad_type.write_bytes(b"\x89PNG")
    empty = tmp_path / "kosong.jsonl"
    empty.write_text('{"id": 1}\n', encoding="utf-8")
    big = tmp_path / "besar.txt"
    big.write_text("kata " * 1_300_000, encoding="utf-8")  # 6.5 MB > the 5 MB limit
    report = save_uploads(fresh, [good, bad_type, empty, big])
    report = report.replace("\\", "")  # file names come markdown-escaped (a name must never render as markup)
    assert "✓ baru.txt: 1 artikel disimpan" in report
    assert "✗ foto.png: jenis berkas tidak didukung" in report
    assert "✗ kosong.jsonl: tidak ada artikel terbaca" in report
    assert "✗ besar.txt" in report and "melebihi batas" in report
    assert sorted(p.name for p in (fresh.corpus_dir / "uploads").iterdir()) == ["baru.txt"]

    from tanya_sumsel.indexing.build import build_index
    from tanya_sumsel.stores.choose import open_reader

    build_index(fresh)  # the settings name the FAKE embedder
    article_id = next(a.id for a in open_reader(fresh).articles().values() if a.title == "Jalan Tol Baru")
    assert "dihapus" in delete_article(fresh, article_id)
    assert not (fresh.corpus_dir / "uploads" / "baru.txt").exists()
    assert "tidak ada di indeks" in delete_article(fresh, "tidak-ada")


def test_an_upload_never_replaces_another_file_and_each_file_is_judged_alone(fake, tmp_path) -> None:
    """Issue #33 items 1 and 2: a second, different berita.jsonl used to overwrite the first (its articles then left
    the index); one bad file in a selection used to block the others."""
    from tanya_sumsel.app.ui_corpus import save_uploads
    from tanya_sumsel.indexing.build import build_index
    from tanya_sumsel.stores.choose import open_reader

    first, second = tmp_path / "a" / "berita.jsonl", tmp_path / "b" / "berita.jsonl"
    for path, title in ((first, "Pasar Baru Dibuka"), (second, "Jembatan Musi VI Diresmikan")):
        path.parent.mkdir()
        record = {"id": title.lower().replace(" ", "-"), "title": title, "text": f"{title} di Palembang pekan ini."}
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    fresh = fake  # what is saved does not depend on the embedder
    uploads = fresh.corpus_dir / "uploads"
    report = save_uploads(fresh, [first, pdf]).replace("\\", "")
    assert "✓ berita.jsonl: 1 artikel disimpan." in report and "✗ laporan.pdf: jenis berkas tidak didukung" in report
    report = save_uploads(fresh, [second]).replace("\\", "")
    assert "✓ berita.jsonl: 1 artikel disimpan sebagai berita-2.jsonl (nama berita.jsonl sudah dipakai" in report
    for again in (first, second):
        assert "sudah ada di korpus; tidak disimpan lagi" in save_uploads(fresh, [again])
    assert sorted(p.name for p in uploads.iterdir()) == ["berita-2.jsonl", "berita.jsonl"]
    assert (uploads / "berita.jsonl").read_bytes() == first.read_bytes(), "the first file is untouched"
    build_index(fresh)  # the settings name the FAKE embedder
    titles = {a.title for a in open_reader(fresh).articles().values()}
    assert {"Pasar Baru Dibuka", "Jembatan Musi VI Diresmikan"} <= titles, "both uploads' articles are in the index"


@pytest.mark.slow  # two starts of the real server with the real model
def test_a_start_picks_up_articles_added_to_the_corpus_folder(tmp_path) -> None:
    """Issue #33 item 3: files copied into corpus/ between two starts are indexed at the next start (incrementally),
    not left behind a WARNING."""
    from gradio_client import Client

    corpus = make_corpus(tmp_path)
    proc, url = start_server(tmp_path, corpus)
    proc.terminate()
    proc.wait(timeout=30)
    (corpus / "jembatan.txt").write_text(
        "Jembatan Musi VI Diresmikan\nSumsel Pos|PALEMBANG – Jembatan Musi VI sepanjang 1.140 meter diresmikan "
        "Gubernur Sumsel pada Kamis (5/3/2026).",
        encoding="utf-8",
    )
    proc, url = start_server(tmp_path, corpus)
    try:
        text = Client(url, verbose=False).predict("Berapa panjang Jembatan Musi VI?", api_name="/ask")
        assert "1.140 meter" in text and "[1]" in text, text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = sorted(tmp_path.glob("server-*.log"), key=lambda p: p.stat().st_mtime)[-1].read_text(encoding="utf-8")
    assert "berubah sejak indeks dibangun; memperbarui indeks" in log and "Ditambah 1" in log, log
    assert "WARNING" not in log, log


def test_binds_loopback_and_answers_through_the_api(server) -> None:
    from gradio_client import Client

    url, _ = server
    assert url.startswith("http://127.0.0.1:")
    client = Client(url, verbose=False)
    text = client.predict("Siapa Sekda Sumsel?", api_name="/ask")
    assert "[1]" in text and "Sumber:" in text and "Edward Candra" in text and "HALOPOS.ID" in text
    text = client.predict("Siapa juara Piala Dunia 2022?", api_name="/ask")
    assert text.startswith("Maaf") and "[1]" not in text
    assert "Pertanyaan kosong" in client.predict("   ", api_name="/ask")


def _browser():  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium; .ci/run does it)")
    playwright = pytest.importorskip("playwright.sync_api")
    return playwright.sync_playwright()


def _launch(p):  # type: ignore[no-untyped-def]
    return p.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )


def ask_in_page(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#tanya-q textarea").fill(question)
    page.locator("#tanya-send").click()


def test_page_streams_answer_renders_sources_and_escapes_articles(server) -> None:
    url, _ = server
    with _browser() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        ask_in_page(page, "Kapan Festival Perahu Bidar digelar?")
        page.wait_for_function("document.querySelector('#tanya-sources')?.innerText.includes('[1]')", timeout=60000)
        sources = page.locator("#tanya-sources").inner_text()
        chat = page.locator("#tanya-chat").inner_text()
        assert "Festival Perahu Bidar" in sources and "15/8/2026" in sources
        assert "<script>" in sources  # shown as text, not parsed
        assert "[1]" in chat and "15/8/2026" in chat
        assert page.locator("#tanya-sources mark").count() >= 1
        assert page.evaluate("window.__xss") is None
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)

        ask_in_page(page, "Siapa Wakil Gubernur Sumsel?")
        page.wait_for_function(  # the sources panel fills with the final, fully streamed answer
            "document.querySelector('#tanya-sources')?.innerText.includes('Cik Ujang')", timeout=60000
        )
        assert "Festival Perahu Bidar" in page.locator("#tanya-chat").inner_text()  # earlier turn kept
        count = "(document.querySelector('#tanya-chat').innerText.match(/apel siaga/g) || []).length"
        before = page.evaluate(count)
        ask_in_page(page, "Apa yang dia pimpin?")  # a follow-up: "dia" is the deputy governor
        page.wait_for_function(f"{count} > {before}", timeout=60000)
        page.wait_for_function(
            "document.querySelector('#tanya-sources')?.innerText.includes('apel siaga')", timeout=60000
        )
        page.locator("#tanya-clear").click()
        page.wait_for_function("!document.querySelector('#tanya-chat')?.innerText.includes('Cik Ujang')", timeout=30000)
        assert page.evaluate("window.__xss") is None
        browser.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_sources_are_cards_with_context_and_a_toggle_and_follow_the_answer_on_a_phone(server, width: int) -> None:
    """Issue #33 item 8: one card per article with its citation numbers, the cited sentence with a sentence of
    context and the answer in bold, the whole passage behind "tampilkan artikel"; on a phone the sources come
    right after the answer, before the question box. Screenshots of the chat, the sources and the Korpus tab."""
    url, _ = server
    with _browser() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        ask_in_page(page, "Siapa Sekda Sumsel?")
        page.wait_for_function("document.querySelector('#tanya-sources')?.innerText.includes('[1]')", timeout=60000)
        cards = page.locator("#tanya-sources .tanya-source")
        titles = [cards.nth(i).locator("b").first.inner_text() for i in range(cards.count())]
        assert len(titles) == len(set(titles)), titles  # one card per article
        first = cards.first
        assert first.locator(".tanya-quote strong").first.inner_text().strip() and first.locator("mark").count() >= 1
        toggle = first.locator("details")
        assert toggle.count() >= 1 and toggle.first.locator("summary").inner_text() == "tampilkan artikel"
        assert not toggle.first.evaluate("d => d.open"), "the whole passage stays folded until asked for"
        shown = first.inner_text()
        toggle.first.locator("summary").click()
        assert len(first.inner_text()) > len(shown), "the toggle shows the passage"
        # each [n] of the answer links to its card: a click brings the card into view and marks it
        cite = page.locator("#tanya-chat a.tanya-cite").first
        assert cite.inner_text() == "[1]" and cite.get_attribute("href") == "#sumber-1"
        assert cite.get_attribute("target") in (None, "_self"), "a citation must not open a new tab"
        page.evaluate("window.scrollTo(0, 0)")
        cite.click()
        page.wait_for_function("location.hash === '#sumber-1'", timeout=5000)
        card = page.locator("#tanya-sources .tanya-source:has(#sumber-1)")
        box, view = card.bounding_box(), page.viewport_size
        assert box is not None and 0 <= box["y"] < view["height"], ("the card is not in view", box)
        assert card.evaluate("c => getComputedStyle(c).borderLeftColor") == "rgb(192, 57, 43)"
        sources_top = page.locator("#tanya-sources").bounding_box()["y"]
        question_top = page.locator("#tanya-q").bounding_box()["y"]
        chat_top = page.locator("#tanya-chat").bounding_box()["y"]
        if width < 700:
            assert chat_top < sources_top < question_top, (chat_top, sources_top, question_top)
        else:
            assert abs(sources_top - chat_top) < 120, "side by side on a wide screen"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"chat-sources-{width}.png"), full_page=True)
        page.get_by_role("tab", name="Korpus").click()
        page.wait_for_selector("#tanya-upload")
        page.screenshot(path=str(ARTIFACTS / f"corpus-{width}.png"), full_page=True)
        browser.close()


def test_markdown_and_html_in_an_article_stay_inert_text(server) -> None:
    url, _ = server
    with _browser() as p:
        browser = _launch(p)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        ask_in_page(page, "Kapan lomba perahu hias di Sungai Musi digelar?")
        page.wait_for_function("document.querySelector('#tanya-sources')?.innerText.includes('[1]')", timeout=60000)
        page.wait_for_function("document.querySelector('#tanya-chat')?.innerText.includes('16/8/2026')", timeout=60000)
        chat = page.locator("#tanya-chat").inner_text()
        sources = page.locator("#tanya-sources").inner_text()
        for shown in (chat, sources):  # the chat and the sources panel show the same, literal text
            assert (
                "![logo](http://127.0.0.1:9/beacon.png)" in shown and "[klik di sini](http://127.0.0.1:9/klik)" in shown
            )
            assert "<img src=http://127.0.0.1:9/tag.png>" in shown and "**tujuh**" in shown
        for where in ("#tanya-chat", "#tanya-sources"):
            assert page.locator(f"{where} img[src*='127.0.0.1:9'], {where} a[href*='127.0.0.1:9']").count() == 0
            assert page.locator(f"{where} strong:text-is('tujuh'), {where} em").count() == 0
        page.wait_for_timeout(1000)
        assert not [u for u in requests if BEACON in u], requests  # no request left the page for the article
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inert-article.png"), full_page=True)
        browser.close()


def test_upload_then_rebuild_makes_the_article_answerable(server, tmp_path) -> None:
    from gradio_client import Client

    url, corpus = server
    article = tmp_path / "pasar.md"
    article.write_text(
        "# Pasar Cinde Dibuka Kembali\n\nWali Kota Palembang membuka kembali Pasar Cinde pada "
        "Senin (9/3/2026) dengan 850 kios baru.",
        encoding="utf-8",
    )
    with _browser() as p:
        browser = _launch(p)
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab", name="Korpus").click()
        page.wait_for_selector("#tanya-upload")
        words = page.inner_text("body")  # Gradio's own words in Indonesian in an English browser (#33 item 9)
        assert "Letakkan berkas di sini" in words and "Klik untuk mengunggah" in words, words[-600:]
        assert "Drop File Here" not in words and "Click to Upload" not in words and "Use via API" not in words
        pdf, big = tmp_path / "laporan.pdf", tmp_path / "besar.txt"
        pdf.write_bytes(b"%PDF-1.7 ...")
        big.write_text("kata " * 1_300_000, encoding="utf-8")  # 6.5 MB, over the 5 MB per-file limit
        # one selection with a bad type and an oversized file: the good one is saved, each other one named (#33)
        page.locator("#tanya-upload input[type=file]").set_input_files([str(article), str(pdf), str(big)])
        page.wait_for_function("document.body.innerText.includes('1 artikel disimpan')", timeout=60000)
        body = page.inner_text("body")
        assert "laporan.pdf: jenis berkas tidak didukung" in body and "melebihi batas 5 MB" in body, body[-800:]
        assert "Invalid file type" not in body and "exceed" not in body.lower()
        page.locator("#tanya-rebuild").click()
        page.wait_for_function("document.body.innerText.includes('Ditambah 1')", timeout=120000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "corpus.png"), full_page=True)
        browser.close()
    assert (corpus / "uploads" / "pasar.md").exists()
    text = Client(url, verbose=False).predict("Berapa kios baru di Pasar Cinde?", api_name="/ask")
    assert "850 kios" in text and "[1]" in text


def test_date_and_outlet_fields_restrict_the_answer_and_the_corpus_tab_charts_months(server) -> None:
    url, _ = server
    with _browser() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.get_by_text("Waktu dan media").click()
        page.locator("#tanya-until textarea, #tanya-until input").first.fill("2025-12-31")
        ask_in_page(page, "Siapa Wakil Gubernur Sumsel?")
        page.wait_for_function("document.querySelector('#tanya-sources')?.innerText.includes('[1]')", timeout=60000)
        sources = page.locator("#tanya-sources").inner_text()
        assert "12 Agustus 2025" in sources and "HALOPOS.ID" not in sources  # the 2026 article is after the range
        page.locator("#tanya-until textarea, #tanya-until input").first.fill("tanggal-salah")
        ask_in_page(page, "Siapa Wakil Gubernur Sumsel?")
        page.wait_for_function("document.querySelector('#tanya-chat')?.innerText.includes('TTTT-BB-HH')", timeout=60000)
        page.get_by_role("tab", name="Korpus").click()
        page.locator("#tanya-months").wait_for(state="visible", timeout=30000)
        page.wait_for_function(  # the plot is drawn (Vega renders an svg or a canvas with marks)
            "document.querySelector('#tanya-months canvas, #tanya-months svg .mark-rect path') !== null", timeout=30000
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "corpus-months.png"), full_page=True)
        browser.close()
