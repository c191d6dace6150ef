"""Feeds and URLs in: `add(urls)` fetches article pages and RSS/Atom feeds (subscribing to feeds), writes each
article to the corpus as a record with its raw page, then updates the index incrementally; `update_feeds()`
re-checks every subscribed feed with a conditional GET and fetches only items it has not stored."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin

from tanya_sumsel.corpus.web import Catalogue, load_feeds, normalize_url, save_feeds
from tanya_sumsel.corpus.webpage import WebArticle, extract_article
from tanya_sumsel.embedding.embedder import Embedder
from tanya_sumsel.errors import FetchError, InputError, TanyaError
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.indexing.report import BuildReport
from tanya_sumsel.settings import Settings

if TYPE_CHECKING:  # the HTTP client loads only when something is fetched (not on every `ask`)
    from tanya_sumsel.corpus.fetch import Fetched, Fetcher

Progress = Callable[[int, int], None]
Status = Literal["added", "updated", "skipped", "failed"]
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
_MAGIC = {
    b"%PDF": "application/pdf",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"PK\x03\x04": "application/zip",
}


@dataclass(frozen=True)
class Outcome:
    """What happened to one URL: added, updated, skipped (already present) or failed, and why."""

    url: str
    status: Status
    detail: str = ""
    title: str = ""


@dataclass(frozen=True)
class AddReport:
    """Everything one `add` or `update_feeds` run did, for the CLI and the UI."""

    outcomes: tuple[Outcome, ...]
    feeds: tuple[tuple[str, str], ...] = ()  # (feed URL, what its check found)
    build: BuildReport | None = None
    build_error: str = ""
    fetch_seconds: float = 0.0
    requests: int = 0

    def of(self, status: Status) -> list[Outcome]:
        """The outcomes with this status."""
        return [o for o in self.outcomes if o.status == status]

    def summary(self) -> str:
        """Indonesian lines: counts, then each added, updated, skipped and failed URL with its reason."""
        counts = {s: len(self.of(s)) for s in ("added", "updated", "skipped", "failed")}
        lines = [
            f"Ditambah {counts['added']}, diperbarui {counts['updated']}, dilewati {counts['skipped']}, gagal "
            f"{counts['failed']} ({self.requests} permintaan HTTP, {self.fetch_seconds:.1f} dtk)."
        ]
        lines += [f"Feed {url}: {note}" for url, note in self.feeds]
        marks = {"added": "+ ditambah", "updated": "~ diperbarui", "skipped": "= dilewati", "failed": "✗ gagal"}
        for o in self.outcomes:
            what = f"{o.title} — " if o.title else ""
            lines.append(f"{marks[o.status]}: {what}{o.url}" + (f" ({o.detail})" if o.detail else ""))
        if self.build is not None:
            lines.append("Indeks: " + self.build.summary().splitlines()[0])
        if self.build_error:
            lines.append(f"Indeks belum diperbarui: {self.build_error}")
        return "\n".join(lines)


@dataclass
class _Run:
    settings: Settings
    fetcher: Fetcher
    catalogue: Catalogue
    feeds: dict[str, dict[str, Any]]
    outcomes: list[Outcome] = field(default_factory=list)
    checked: list[tuple[str, str]] = field(default_factory=list)

    def page(self, fetched: Fetched, requested: str, feed: str | None = None, entry: Any = None) -> None:
        """Store the article on a fetched page (or say why not)."""
        try:
            article = _article(fetched, entry)
        except FetchError as exc:
            self.outcomes.append(Outcome(requested, "failed", exc.reason))
            return
        known = self.catalogue.by_url(article.url, fetched.url, requested)
        same = self.catalogue.by_text(article.text)
        updated = _entry_updated(entry)
        if known is not None and same is not None and same.path == known.path:
            if updated != known.feed_updated:  # remember the item's new stamp so it is not fetched again
                self.catalogue.save(
                    article, fetched.body, fetched_from=requested, feed=feed, feed_updated=updated, replace=known
                )
            self.outcomes.append(
                Outcome(article.url or requested, "skipped", "sudah ada, tidak berubah", article.title)
            )
            return
        if known is None and same is not None:
            self.outcomes.append(Outcome(requested, "skipped", f"teks sama dengan {same.url}", article.title))
            return
        self.catalogue.save(
            article, fetched.body, fetched_from=requested, feed=feed, feed_updated=updated, replace=known
        )
        status: Status = "updated" if known else "added"
        self.outcomes.append(Outcome(article.url or requested, status, "", article.title))

    def feed(self, url: str, fetched: Fetched, progress: Progress | None) -> None:
        """Store the new items of a fetched feed and remember its validators for the next conditional GET."""
        import feedparser

        state = self.feeds.setdefault(url, {"added": _now()})
        state["checked"] = _now()
        if fetched.status == 304:
            state["status"] = "tidak berubah (304)"
            self.checked.append((url, "tidak ada yang baru (304 Not Modified)"))
            return
        parsed = feedparser.parse(
            fetched.body, response_headers={"content-type": fetched.headers.get("content-type", "")}
        )
        if parsed.bozo:
            problem = f"{type(parsed.bozo_exception).__name__}: {str(parsed.bozo_exception)[:80]}"
            kept = f"; {len(parsed.entries)} item yang terbaca tetap diproses" if parsed.entries else ""
            state["status"] = f"feed rusak ({problem})"
            self.outcomes.append(Outcome(url, "failed", f"feed rusak ({problem}){kept}"))
            if not parsed.entries:
                return
        state.update(
            title=parsed.feed.get("title", ""),
            etag=fetched.headers.get("etag"),
            last_modified=fetched.headers.get("last-modified"),
            status=state["status"] if parsed.bozo else "ok",
        )
        todo, seen = [], set()
        for entry in parsed.entries:
            link = urljoin(url, entry.get("link") or "")
            if not entry.get("link"):
                self.outcomes.append(Outcome(url, "failed", f"item '{entry.get('title', '?')}' tanpa tautan"))
            elif normalize_url(link) in seen:
                self.outcomes.append(Outcome(link, "skipped", "item ganda dalam feed"))
            else:
                seen.add(normalize_url(link))
                known = self.catalogue.by_url(link)
                if known is not None and (known.feed_updated == _entry_updated(entry) or not _entry_updated(entry)):
                    self.outcomes.append(Outcome(link, "skipped", "sudah ada", entry.get("title", "")))
                else:
                    todo.append((link, entry))
        note = f"{len(parsed.entries)} item, {len(todo)} baru atau berubah"
        self.checked.append((url, note))
        for n, (link, entry) in enumerate(todo, start=1):
            try:
                self.page(self.fetcher.get(link), link, feed=url, entry=entry)
            except FetchError as exc:
                self.outcomes.append(Outcome(link, "failed", exc.reason, entry.get("title", "")))
            if progress:
                progress(n, len(todo))
        state["items"] = len(parsed.entries)


def add(
    urls: Iterable[str],
    settings: Settings | None = None,
    *,
    progress: Progress | None = None,
    build_progress: Progress | None = None,
    embedder: Embedder | None = None,
    fetcher: Fetcher | None = None,
) -> AddReport:
    """Fetch article pages and feeds into the corpus (subscribing to feeds), then update the index."""
    settings = settings or Settings.from_env()
    urls = [u.strip() for u in urls if u and u.strip()]
    if not urls:
        raise InputError("Tidak ada URL. Tulis alamat artikel atau feed, mis. tanya-sumsel add https://…/rss")
    return _run(settings, urls, None, progress, build_progress, embedder, fetcher)


def update_feeds(
    settings: Settings | None = None,
    *,
    progress: Progress | None = None,
    build_progress: Progress | None = None,
    embedder: Embedder | None = None,
    fetcher: Fetcher | None = None,
) -> AddReport:
    """Re-check every subscribed feed (conditional GET), store new or changed items and update the index."""
    settings = settings or Settings.from_env()
    feeds = load_feeds(settings.corpus_dir)
    if not feeds:
        raise InputError("Belum ada feed yang diikuti. Tambahkan dulu: tanya-sumsel add https://…/rss")
    return _run(settings, [], feeds, progress, build_progress, embedder, fetcher)


def list_feeds(settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    """Subscribed feeds and their last check (URL → title, added, checked, status, items)."""
    settings = settings or Settings.from_env()
    return load_feeds(settings.corpus_dir)


def _run(
    settings: Settings,
    urls: list[str],
    recheck: dict[str, dict[str, Any]] | None,
    progress: Progress | None,
    build_progress: Progress | None,
    embedder: Embedder | None,
    fetcher: Fetcher | None,
) -> AddReport:
    started = time.perf_counter()
    from tanya_sumsel.corpus.fetch import Fetcher

    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    run = _Run(settings, fetcher, Catalogue(settings.corpus_dir), load_feeds(settings.corpus_dir))
    try:
        for url, state in (recheck or {}).items():
            try:
                run.feed(
                    url, fetcher.get(url, etag=state.get("etag"), last_modified=state.get("last_modified")), progress
                )
            except FetchError as exc:
                run.feeds.setdefault(url, {})["status"] = exc.reason
                run.outcomes.append(Outcome(url, "failed", exc.reason))
        for n, url in enumerate(urls, start=1):
            try:
                fetched = fetcher.get(url)
                if _is_feed(fetched):
                    run.feed(url, fetched, progress)
                else:
                    run.page(fetched, url)
            except FetchError as exc:
                run.outcomes.append(Outcome(url, "failed", exc.reason))
            if progress and len(urls) > 1:
                progress(n, len(urls))
    finally:
        save_feeds(settings.corpus_dir, run.feeds)
        requests = fetcher.requests
        if own:
            fetcher.close()
    fetch_seconds = time.perf_counter() - started
    build, error = None, ""
    if any(o.status in ("added", "updated") for o in run.outcomes):
        try:
            build = build_index(settings, progress=build_progress, embedder=embedder)
        except TanyaError as exc:  # the records are safe in the corpus; the next index run picks them up
            error = str(exc)
    return AddReport(tuple(run.outcomes), tuple(run.checked), build, error, fetch_seconds, requests)


def _is_feed(fetched: Fetched) -> bool:
    head = fetched.body[:512].lstrip().lower()
    if fetched.content_type in HTML_TYPES:
        return False
    return fetched.content_type in FEED_TYPES or head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _article(fetched: Fetched, entry: Any) -> WebArticle:
    """The article on a fetched page, with the feed item's title and date where the page lacks them."""
    kind = next((v for k, v in _MAGIC.items() if fetched.body.startswith(k)), None)
    ctype = fetched.content_type
    if kind or (ctype and ctype not in HTML_TYPES and not ctype.startswith("text/")):
        raise FetchError(fetched.url, f"bukan halaman artikel ({kind or ctype}); hanya halaman HTML yang diambil")
    try:
        article = extract_article(fetched.body, url=fetched.url, declared_charset=fetched.charset)
    except ValueError as exc:
        raise FetchError(fetched.url, str(exc)) from None
    if entry is not None:
        from dataclasses import replace

        from tanya_sumsel.lang.dates import parse_date

        published = entry.get("published_parsed") or entry.get("updated_parsed")
        feed_date = dt.date(*published[:3]).isoformat() if published else None
        article = replace(
            article,
            title=article.title or entry.get("title", ""),
            date=article.date or feed_date or parse_date(entry.get("published", "")),
        )
    return article


def _entry_updated(entry: Any) -> str | None:
    return (entry.get("updated") or entry.get("published")) if entry is not None else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
