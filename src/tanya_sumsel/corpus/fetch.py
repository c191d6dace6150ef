"""Fetch: a polite HTTP client for article pages and feeds. A clear User-Agent, robots.txt respected (with its
Crawl-delay), one request at a time per host with a pause between them, timeouts, a size limit read while
streaming, retries with backoff on 429/5xx and network errors, redirects followed by hand (each hop checked, loops
refused) and conditional GET (ETag / Last-Modified). Every failure is a `FetchError` naming the URL and why."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from tanya_sumsel.errors import FetchError
from tanya_sumsel.netguard import Allow, Refused, UnknownHost, guarded_transport, resolve
from tanya_sumsel.settings import Settings

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 60.0  # a server asking for a longer wait is reported as failing instead
_REASONS = {
    400: "permintaan ditolak",
    401: "perlu login",
    403: "akses ditolak oleh situs",
    404: "halaman tidak ditemukan",
    410: "halaman sudah dihapus",
    429: "terlalu banyak permintaan",
    500: "galat server",
    502: "gateway bermasalah",
    503: "server sedang tidak tersedia",
    504: "gateway kehabisan waktu",
}


@dataclass(frozen=True)
class Fetched:
    """A response: `status` 200, or 304 when a conditional GET found nothing new (then `body` is empty)."""

    url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('' when the server sent none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class Fetcher:
    """One polite client for a run of fetches (robots.txt and per-host pauses are remembered across calls)."""

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.max_bytes = int(settings.fetch_max_mb * 1_000_000)
        self._sleep = sleep
        self.allow = Allow.parse(settings.fetch_allow)
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # no proxy settings picked up from the environment
            transport=transport or guarded_transport(self.allow),
        )
        self._robots: dict[str, RobotFileParser | str] = {}  # origin → parser, or why robots.txt is unreadable
        self._last: dict[str, float] = {}  # host → monotonic time of its last request
        self._lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url` politely; `etag`/`last_modified` make it conditional (status 304: nothing new)."""
        seen = {url}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _check_scheme(current)
            self._outside(url, current)  # before robots.txt, so the refusal names the address, not robots.txt
            self._allowed(current)
            response = self._get_once(current, etag, last_modified)
            if response.status in (301, 302, 303, 307, 308):
                target = response.headers.get("location")
                if not target:
                    raise FetchError(url, f"pengalihan HTTP {response.status} tanpa tujuan")
                current = urljoin(current, target)
                if current in seen:
                    raise FetchError(url, "pengalihan berulang (redirect loop); periksa alamatnya di peramban")
                seen.add(current)
                continue
            return response
        raise FetchError(url, f"lebih dari {MAX_REDIRECTS} pengalihan; periksa alamatnya di peramban")

    def _get_once(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        retries = self.settings.fetch_retries
        for attempt in range(retries + 1):
            wait = self.settings.fetch_backoff * 2**attempt
            try:
                response = self._request(url, headers)
            except httpx.TimeoutException:
                problem = f"waktu habis (batas {self.settings.fetch_timeout:g} dtk)"
            except httpx.TransportError as exc:
                problem = f"tidak bisa terhubung ({type(exc).__name__})"
            else:
                if response.status not in RETRY_STATUS:
                    if response.status >= 400:
                        raise FetchError(url, _status_reason(response.status))
                    return response
                problem = _status_reason(response.status)
                after = _retry_after(response.headers.get("retry-after"))
                if after is not None:
                    if after > MAX_RETRY_AFTER:
                        raise FetchError(url, f"{problem}; server minta menunggu {after:.0f} dtk, coba lagi nanti")
                    wait = max(wait, after)
            if attempt < retries:
                self._sleep(wait)
        tries = f" setelah {retries + 1} percobaan" if retries else ""
        raise FetchError(url, problem + tries)

    def _request(self, url: str, headers: dict[str, str]) -> Fetched:
        self._pause(url)
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                return self._read(url, r)
        except Refused as exc:  # the name resolved inside this time (DNS rebinding), or a redirect led inside
            raise FetchError(url, exc.reason) from None

    def _read(self, url: str, r: httpx.Response) -> Fetched:
        """The response's body, streamed under the size and time limits."""
        deadline = time.monotonic() + 2 * self.settings.fetch_timeout  # a page trickling in byte by byte ends too
        length = r.headers.get("content-length")
        if r.status_code == 200 and length and length.isdigit() and int(length) > self.max_bytes:
            raise FetchError(url, _too_big(int(length), self.max_bytes))
        body = bytearray()
        if r.status_code == 200:
            for piece in r.iter_bytes():
                body += piece
                if len(body) > self.max_bytes:
                    raise FetchError(url, _too_big(None, self.max_bytes))
                if time.monotonic() > deadline:
                    raise FetchError(
                        url, f"halaman terlalu lambat dikirim (lebih dari {2 * self.settings.fetch_timeout:g} dtk)"
                    )
        return Fetched(str(r.url), r.status_code, bytes(body), {k.lower(): v for k, v in r.headers.items()})

    def _outside(self, url: str, current: str) -> None:
        """Refuse `current` (`url` or where it redirected) when its host lies inside the machine's networks (the
        connection itself is checked again)."""
        parts = urlsplit(current)
        via = f"dialihkan ke {current}; " if current != url else ""
        try:
            resolve(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80), self.allow)
        except Refused as exc:
            raise FetchError(url, via + exc.reason) from None
        except UnknownHost as exc:
            raise FetchError(url, via + str(exc)) from None

    def _pause(self, url: str) -> None:
        """Wait until this host's pause since its last request has passed."""
        host = urlsplit(url).netloc
        delay = self.settings.fetch_delay
        robots = self._robots.get(_origin(url))
        if isinstance(robots, RobotFileParser):
            crawl = robots.crawl_delay(_agent(self.settings))
            delay = max(delay, float(crawl or 0))
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            if last is not None and now - last < delay:
                self._sleep(delay - (now - last))
            self._last[host] = time.monotonic()

    def _allowed(self, url: str) -> None:
        """Refuse a URL that robots.txt disallows for this agent (RFC 9309: an unreachable robots.txt means
        nothing may be fetched; a missing one, anything)."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        robots = self._robots[origin]
        if isinstance(robots, str):
            raise FetchError(url, robots)
        if not robots.can_fetch(_agent(self.settings), url):
            raise FetchError(url, "dilarang oleh robots.txt situs itu; tidak diambil")

    def _load_robots(self, origin: str) -> RobotFileParser | str:
        parser = RobotFileParser()
        try:
            response = self._get_robots(origin + "/robots.txt")
        except FetchError as exc:
            return f"robots.txt tidak bisa dibaca ({exc.reason}); dicoba lagi nanti"
        if response.status >= 500:
            return f"robots.txt tidak bisa dibaca (HTTP {response.status}); dicoba lagi nanti"
        parser.parse(response.body.decode("utf-8", "replace").splitlines() if response.status == 200 else [])
        return parser

    def _get_robots(self, url: str) -> Fetched:
        for _ in range(MAX_REDIRECTS):
            try:
                response = self._request(url, {})
            except httpx.HTTPError as exc:
                raise FetchError(url, type(exc).__name__) from None
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            return response
        return Fetched(url, 404, b"")


def _agent(settings: Settings) -> str:
    return settings.user_agent.split("/")[0].strip() or "*"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(
            url,
            "alamat harus berawalan http:// atau https://; untuk berkas di komputer ini: salin ke folder corpus/, "
            "lalu jalankan: tanya-sumsel index",
        )


def _status_reason(status: int) -> str:
    return f"HTTP {status} ({_REASONS.get(status, 'jawaban tidak diharapkan')})"


def _too_big(length: int | None, limit: int) -> str:
    size = f"{length / 1e6:.1f} MB, " if length else ""
    return f"halaman terlalu besar ({size}batas {limit / 1e6:g} MB; naikkan TANYA_FETCH_MAX_MB bila perlu)"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
