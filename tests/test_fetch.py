"""The polite fetcher against a loopback HTTP server (tests/websites.py): every bad case is a `FetchError` that
names the URL and the reason; robots.txt, per-host pauses, retries, conditional GET and the User-Agent hold."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tanya_sumsel.corpus.fetch import Fetcher
from tanya_sumsel.errors import FetchError
from tanya_sumsel.settings import Settings

from .websites import Site


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


def _settings(tmp_path: Path, **kw: object) -> Settings:
    base = {"fetch_delay": 0.0, "fetch_backoff": 0.01, "fetch_timeout": 1.0, "fetch_retries": 2}
    return Settings.from_env(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", **{**base, **kw})


def _fails(fetcher: Fetcher, url: str, match: str) -> FetchError:
    with pytest.raises(FetchError, match=match) as info:
        fetcher.get(url)
    assert str(info.value).startswith(url), "the message names the URL"
    return info.value


def test_status_errors_and_retries(site: Site, tmp_path: Path) -> None:
    site.add("/gagal", status=500, body=b"error")
    flaky = site.add("/sibuk", body=b"<html>ok</html>", fail_first=2)
    with Fetcher(_settings(tmp_path)) as f:
        _fails(f, site.url("/tidak-ada"), r"HTTP 404 \(halaman tidak ditemukan\)")
        assert site.requests("/tidak-ada") == ["/tidak-ada"], "a 404 is not retried"
        _fails(f, site.url("/gagal"), r"HTTP 500 .*setelah 3 percobaan")
        assert len(site.requests("/gagal")) == 3, "500 is retried fetch_retries times"
        assert f.get(flaky).body == b"<html>ok</html>", "two 503s, then the page"


def test_timeouts_redirect_loops_and_huge_pages(site: Site, tmp_path: Path) -> None:
    site.add("/lambat", body=b"<html>late</html>", delay=1.5)
    site.add("/a", status=302, headers={"Location": "/b"})
    site.add("/b", status=301, headers={"Location": "/a"})
    site.add("/pindah", status=301, headers={"Location": "/tujuan"})
    site.add("/tujuan", body=b"<html>here</html>")
    site.add("/besar", size=50_000_000)  # 50 MB with Content-Length
    site.add("/besar-stream", size=50_000_000, no_length=True)  # 50 MB streamed without it
    with Fetcher(_settings(tmp_path, fetch_retries=0, fetch_max_mb=2)) as f:
        _fails(f, site.url("/lambat"), r"waktu habis \(batas 1 dtk\)")
        _fails(f, site.url("/a"), r"pengalihan berulang")
        moved = f.get(site.url("/pindah"))
        assert moved.url == site.url("/tujuan") and moved.body == b"<html>here</html>"
        _fails(f, site.url("/besar"), r"terlalu besar \(50\.0 MB, batas 2 MB")
        _fails(f, site.url("/besar-stream"), r"terlalu besar \(batas 2 MB")
        _fails(f, "ftp://example.test/x", r"http:// atau https://")


def test_robots_txt_is_respected_with_its_crawl_delay(site: Site, tmp_path: Path) -> None:
    site.add(
        "/robots.txt", body=b"User-agent: TanyaSumsel\nDisallow: /rahasia\nCrawl-delay: 1\n", content_type="text/plain"
    )
    site.add("/rahasia/x", body=b"<html>no</html>")
    for n in range(3):
        site.add(f"/boleh/{n}", body=b"<html>yes</html>")
    with Fetcher(_settings(tmp_path)) as f:
        _fails(f, site.url("/rahasia/x"), "dilarang oleh robots.txt")
        for n in range(3):
            f.get(site.url(f"/boleh/{n}"))
    assert "/rahasia/x" not in site.requests()
    times = [t for t, path, _ in site.log if path.startswith("/boleh/")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.95, f"Crawl-delay 1 s between requests to one host, got {gaps}"


def test_unreachable_robots_txt_means_nothing_is_fetched(site: Site, tmp_path: Path) -> None:
    site.add("/robots.txt", status=503, body=b"down", content_type="text/plain")
    site.add("/berita", body=b"<html>x</html>")
    with Fetcher(_settings(tmp_path)) as f:
        _fails(f, site.url("/berita"), r"robots\.txt tidak bisa dibaca")
    assert "/berita" not in site.requests()


def test_user_agent_and_conditional_get(site: Site, tmp_path: Path) -> None:
    url = site.add("/rss", body=b"<rss/>", content_type="application/rss+xml", etag='"v7"')
    with Fetcher(_settings(tmp_path)) as f:
        first = f.get(url)
        again = f.get(url, etag=first.headers["etag"])
    assert (first.status, first.body, again.status, again.body) == (200, b"<rss/>", 304, b"")
    headers = [h for _, path, h in site.log if path == "/rss"]
    assert headers[0]["User-Agent"].startswith("TanyaSumsel/") and headers[1]["If-None-Match"] == '"v7"'


def test_per_host_pause(site: Site, tmp_path: Path) -> None:
    for n in range(3):
        site.add(f"/p/{n}", body=b"<html>p</html>")
    with Fetcher(_settings(tmp_path, fetch_delay=0.25)) as f:
        for n in range(3):
            f.get(site.url(f"/p/{n}"))
    times = [t for t, path, _ in site.log if path.startswith("/p/")]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.23


def _refused(fetcher: Fetcher, url: str, address: str) -> None:
    error = _fails(fetcher, url, "jaringan lokal/privat")
    assert address in str(error) and f"TANYA_FETCH_ALLOW={address}" in str(error), str(error)


def test_addresses_inside_are_refused_unless_allowed(site: Site, tmp_path: Path) -> None:
    page = site.add("/dalam", body=b"<html>internal</html>")
    with Fetcher(_settings(tmp_path, fetch_allow="")) as f:
        _refused(f, page, "127.0.0.1")
        _refused(f, f"http://localhost:{site.port}/dalam", "127.0.0.1")  # a name that resolves to loopback
        _refused(f, f"http://[::1]:{site.port}/dalam", "::1")
        _refused(f, f"http://[::ffff:127.0.0.1]:{site.port}/dalam", "127.0.0.1")  # IPv4 inside IPv6
        for inside in ("10.1.2.3", "192.168.0.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "0.0.0.0"):
            _refused(f, f"http://{inside}/", inside)
        _refused(f, "http://[fd00::1]/", "fd00::1")
        _refused(f, "http://[fe80::1]/", "fe80::1")
    assert site.requests("/dalam") == [] and site.requests("/robots.txt") == [], "nothing reached the server"
    with Fetcher(_settings(tmp_path, fetch_allow="127.0.0.1")) as f:
        assert f.get(page).body == b"<html>internal</html>"
    with Fetcher(_settings(tmp_path, fetch_allow="10.0.0.0/8, localhost")) as f:
        assert f.get(f"http://localhost:{site.port}/dalam").body == b"<html>internal</html>", "allowed by name"
        _refused(f, page, "127.0.0.1")  # the address itself is not in 10/8


def test_a_redirect_inside_is_refused(site: Site, tmp_path: Path) -> None:
    site.add("/metadata", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    site.add("/ke-v6", status=301, headers={"Location": f"http://[::1]:{site.port}/x"})
    with Fetcher(_settings(tmp_path, fetch_allow="127.0.0.1")) as f:
        _refused(f, site.url("/metadata"), "169.254.169.254")
        _refused(f, site.url("/ke-v6"), "::1")


def test_a_name_that_resolves_inside_the_second_time_is_refused_at_connect(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from tanya_sumsel import netguard

    site.add("/berita", body=b"<html>news</html>")
    answers = iter([("93.184.216.34", site.port), ("127.0.0.1", site.port)])  # public when checked, then loopback

    def rebinding(host: str, port: int, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        address = next(answers, ("127.0.0.1", port))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address)]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", rebinding)
    with Fetcher(_settings(tmp_path, fetch_allow="")) as f:
        _refused(f, f"http://berita-publik.test:{site.port}/berita", "127.0.0.1")
    assert site.requests("/berita") == [] and site.requests("/robots.txt") == []


def test_a_bad_allow_list_is_one_clear_error(tmp_path: Path) -> None:
    from tanya_sumsel.errors import InputError

    with pytest.raises(InputError, match="TANYA_FETCH_ALLOW: 'http://x/'"):
        _settings(tmp_path, fetch_allow="127.0.0.1, http://x/")
    assert _settings(tmp_path, fetch_allow=" 127.0.0.0/8 , ::1, intranet.local ").fetch_allow


def test_an_unknown_host_is_named_as_such_not_blamed_on_robots_txt(tmp_path: Path) -> None:
    with Fetcher(_settings(tmp_path)) as f:
        error = _fails(f, "https://tidak-ada.invalid/berita", "nama host tidak-ada.invalid tidak dikenal")
    assert "robots" not in str(error) and "periksa ejaan" in str(error)
