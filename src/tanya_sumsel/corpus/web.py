"""Web corpus: fetched articles as records under `corpus/web/<host>/` (`<name>.json`, the raw page beside it as
`<name>.html`), found again by URL or by text so an article is stored once, and the subscribed feeds in
`corpus/.feeds.json`. Every file is written whole (a temporary file renamed into place): no partial records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tanya_sumsel.corpus.webpage import WebArticle

WEB_DIR = "web"
FEEDS_FILE = ".feeds.json"


@dataclass(frozen=True)
class WebRecord:
    """A fetched article on disk, as the catalogue knows it."""

    path: Path
    url: str
    fetched_from: str
    text_hash: str
    feed_updated: str | None


def normalize_url(url: str) -> str:
    """The URL without fragment, tracking parameters or a trailing slash, host in lower case (to compare)."""
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith(("utm_", "fbclid=")))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def text_hash(text: str) -> str:
    """Hash of the text with spacing normalized (the same text from two URLs hashes the same)."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().lower().encode("utf-8")).hexdigest()[:24]


def article_id(url: str) -> str:
    """A stable id from the canonical URL: an updated article keeps its id and replaces its old version."""
    return "web-" + hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]


class Catalogue:
    """The web records under a corpus folder, looked up by URL (canonical or as fetched) and by text."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = Path(corpus_dir)
        self._by_url: dict[str, WebRecord] = {}
        self._by_text: dict[str, WebRecord] = {}
        root = self.corpus_dir / WEB_DIR
        for path in sorted(root.rglob("*.json")) if root.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._remember(path, data)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a damaged record is reported by ingest with its path; here it is just not known

    def _remember(self, path: Path, data: dict[str, Any]) -> WebRecord:
        rec = WebRecord(
            path,
            data["url"],
            data.get("fetched_from") or data["url"],
            text_hash(data["text"]),
            data.get("feed_updated"),
        )
        for url in {rec.url, rec.fetched_from}:
            self._by_url[normalize_url(url)] = rec
        self._by_text[rec.text_hash] = rec
        return rec

    def by_url(self, *urls: str | None) -> WebRecord | None:
        """The record fetched from, or canonically at, any of `urls`."""
        for url in urls:
            if url and (rec := self._by_url.get(normalize_url(url))):
                return rec
        return None

    def by_text(self, text: str) -> WebRecord | None:
        """The record holding exactly this text, if any."""
        return self._by_text.get(text_hash(text))

    def save(
        self,
        article: WebArticle,
        raw: bytes,
        *,
        fetched_from: str,
        feed: str | None = None,
        feed_updated: str | None = None,
        replace: WebRecord | None = None,
    ) -> WebRecord:
        """Write the record and its raw page (replacing `replace`'s files when given); returns the record."""
        url = article.url or fetched_from
        path = replace.path if replace else self._new_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "id": article_id(url),
            "title": article.title,
            "date": article.date,
            "source": article.source,
            "place": article.place,
            "url": url,
            "text": article.text,
            "fetched_from": fetched_from,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "feed": feed,
            "feed_updated": feed_updated,
            "charset": article.charset,
            "raw": path.with_suffix(".html").name,
        }
        # raw page first, record last: a crash in between leaves the old record (or none) in charge
        write_atomic(path.with_suffix(".html"), raw)
        write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
        return self._remember(path, record)

    def _new_path(self, url: str) -> Path:
        parts = urlsplit(url)
        host = re.sub(r"[^a-z0-9.-]+", "_", parts.netloc.lower()) or "lokal"
        slug = re.sub(r"[^a-z0-9]+", "-", parts.path.lower().rstrip("/").rsplit("/", 1)[-1]).strip("-")[:60]
        name = f"{slug or 'artikel'}-{article_id(url)[4:12]}.json"
        return self.corpus_dir / WEB_DIR / host / name


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden temporary file renamed into place (ingest ignores hidden files)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_feeds(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """Subscribed feeds: URL → state (title, added, checked, etag, last_modified, status)."""
    path = Path(corpus_dir) / FEEDS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    feeds = data.get("feeds", {}) if isinstance(data, dict) else {}
    return {k: v for k, v in feeds.items() if isinstance(v, dict)}


def save_feeds(corpus_dir: Path, feeds: dict[str, dict[str, Any]]) -> None:
    """Write the subscribed feeds' state whole."""
    Path(corpus_dir).mkdir(parents=True, exist_ok=True)
    payload = {"version": 1, "feeds": feeds}
    write_atomic(Path(corpus_dir) / FEEDS_FILE, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
