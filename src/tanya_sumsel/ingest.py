"""Ingest: read every article file under the corpus folder into `Article` records, reporting bad ones."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .dates import parse_date, url_date
from .errors import CorpusError

SUPPORTED = (".txt", ".md", ".json", ".jsonl", ".html", ".htm")
HTML = (".html", ".htm")
# "HALOPOS.ID|PALEMBANG – body" (the founding article's shape)
_PIPE_DATELINE = re.compile(r"^\s*([^|\n]{2,60}?)\s*\|\s*([^\n–—-]{2,60}?)\s*[–—-]+\s*")
# "PALEMBANG, KOMPAS.com - body" (common Indonesian dateline)
_COMMA_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40}),\s*([A-Za-z0-9.]+\.(?:com|id|co|net|co\.id))\s*[–—-]+\s*")


@dataclass(frozen=True)
class Article:
    """One news article with its metadata; `text` is the body that spans refer to."""

    id: str
    title: str
    text: str
    source: str | None = None
    place: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    url: str | None = None
    path: str = ""

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects chunks and their embeddings."""
        payload = json.dumps([self.title, self.text, self.source, self.place, self.date, self.url])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, str | None]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    """A file or record that could not be ingested, with where and why."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """The articles that ingested cleanly plus the problems found on the way."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


def clean_text(text: str) -> str:
    """Normalize newlines and spacing, keep paragraphs, drop trailing blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def derive_title(text: str, max_chars: int = 90) -> str:
    """A readable title from the first sentence of the body."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= max_chars:
        return first.rstrip(".")
    cut = first[:max_chars].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _content_id(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()[:16]


def make_article(
    text: str,
    *,
    path: str,
    id: str | None = None,
    title: str | None = None,
    source: str | None = None,
    place: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> Article:
    """Build an `Article`, extracting dateline, date and title from the text where not given."""
    body = clean_text(text)
    m = _PIPE_DATELINE.match(body) or _COMMA_DATELINE.match(body)
    if m:
        source = source or m.group(1 if m.re is _PIPE_DATELINE else 2).strip()
        place = place or m.group(2 if m.re is _PIPE_DATELINE else 1).strip().title()
        body = body[m.end() :]
    if not body.strip():
        raise ValueError("artikel tidak berisi teks")
    # Publication date: the record's own, else the URL's, else the first date in the text (often the dateline's).
    iso = parse_date(str(date)) if date else None
    iso = iso or url_date(url) or parse_date(body)
    title = clean_text(title) if title else derive_title(body)
    return Article(
        id=str(id).strip() if id not in (None, "") else _content_id(body),
        title=title,
        text=body,
        source=source or None,
        place=place or None,
        date=iso,
        url=url or None,
        path=path,
    )


def _from_record(record: object, path: str) -> Article:
    if not isinstance(record, dict):
        raise ValueError("rekaman harus berupa objek JSON dengan kolom id, title, date, source, url, text")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        kind = {int: "angka", float: "angka", bool: "true/false", list: "daftar", dict: "objek"}.get(
            type(text), "bukan teks"
        )
        raise ValueError(f"kolom 'text' harus berupa teks dalam tanda kutip, bukan {kind} ({json.dumps(text)[:40]})")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("kolom 'text' kosong atau tidak ada")
    return make_article(
        text,
        path=path,
        id=record.get("id"),
        title=record.get("title"),
        source=record.get("source"),
        place=record.get("place"),
        date=record.get("date"),
        url=record.get("url"),
    )


def _split_title(raw: str, suffix: str) -> tuple[str | None, str]:
    """Return (title, body) when the first line looks like a headline."""
    lines = clean_text(raw).split("\n")
    first = lines[0].strip()
    if suffix == ".md" and first.startswith("#"):
        return first.lstrip("#").strip(), "\n".join(lines[1:])
    rest = "\n".join(lines[1:]).strip()
    looks_like_title = (
        rest
        and len(first) <= 150
        and not first.endswith((".", "!", "?", ":", ";", ",", '"', "”"))
        and "|" not in first
        and not _COMMA_DATELINE.match(first)
    )
    return (first, rest) if looks_like_title else (None, clean_text(raw))


def _from_html(path: Path, rel: str) -> Article | Problem:
    """A saved web page: its article extracted with trafilatura (webpage.py); the id comes from its canonical URL,
    so the same page saved twice, or saved and fetched, is one article."""
    from .webcorpus import article_id
    from .webpage import extract_article

    try:
        page = extract_article(path.read_bytes())
        return make_article(
            page.text,
            path=rel,
            id=article_id(page.url) if page.url else None,
            title=page.title,
            source=page.source,
            place=page.place,
            date=page.date,
            url=page.url,
        )
    except (OSError, ValueError) as exc:
        return Problem(rel, str(exc))


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("berkas biner, bukan teks; hapus atau ganti dengan berkas teks UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"bukan UTF-8 (byte {exc.start}, baris {line}); simpan ulang sebagai UTF-8") from None


def parse_file(path: Path, rel: str) -> Iterator[Article | Problem]:
    """Yield the articles of one file, or a `Problem` for each part that cannot be read."""
    suffix = path.suffix.lower()
    if suffix in HTML:  # pages bring their own encoding (declared in the page, or detected)
        yield _from_html(path, rel)
        return
    try:
        raw = _read_text(path)
    except (OSError, ValueError) as exc:
        yield Problem(rel, str(exc))
        return
    if suffix == ".jsonl":
        for n, line in enumerate(raw.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                yield _from_record(json.loads(line), rel)
            except json.JSONDecodeError as exc:
                yield Problem(rel, f"JSON tidak valid ({exc.msg}, kolom {exc.colno})", n)
            except ValueError as exc:
                yield Problem(rel, str(exc), n)
        return
    if suffix == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Problem(rel, f"JSON tidak valid ({exc.msg}, kolom {exc.colno})", exc.lineno)
            return
        for i, record in enumerate(data if isinstance(data, list) else [data], start=1):
            try:
                yield _from_record(record, rel)
            except ValueError as exc:
                yield Problem(rel, f"rekaman ke-{i}: {exc}")
        return
    title, body = _split_title(raw, suffix)
    try:
        yield make_article(body, path=rel, title=title)
    except ValueError as exc:
        yield Problem(rel, str(exc))


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """Every regular, non-hidden file under `corpus_dir`, sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def load_corpus(corpus_dir: Path, max_file_mb: float = 0.0) -> Corpus:
    """Read every article under `corpus_dir`, skipping files above `max_file_mb` (0: no limit) with a warning;
    raise `CorpusError` when nothing usable is there."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Folder korpus {corpus_dir} tidak ada. Buat folder itu dan isi dengan artikel "
            f"(.txt, .md, .json, .jsonl, .html) atau tambahkan dari web (tanya-sumsel add URL), atau tunjuk folder lain dengan --corpus / TANYA_CORPUS_DIR."
        )
    articles: dict[str, Article] = {}
    problems: list[Problem] = []
    for path in iter_corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        if path.suffix.lower() in HTML and path.with_suffix(".json").is_file():
            continue  # the raw copy of a fetched article: the record beside it is what gets indexed
        if path.suffix.lower() not in SUPPORTED:
            problems.append(Problem(rel, f"jenis berkas tidak didukung (gunakan {', '.join(SUPPORTED)})"))
            continue
        size_mb = path.stat().st_size / 1e6
        if max_file_mb and size_mb > max_file_mb:
            problems.append(
                Problem(
                    rel,
                    f"berkas {size_mb:.1f} MB melebihi batas {max_file_mb:g} MB; dilewati (naikkan batas dengan "
                    "TANYA_MAX_FILE_MB bila memang perlu)",
                )
            )
            continue
        for item in parse_file(path, rel):
            if isinstance(item, Problem):
                problems.append(item)
            elif item.id in articles:
                problems.append(
                    Problem(rel, f"id ganda {item.id!r} (sudah dipakai {articles[item.id].path}); dilewati")
                )
            else:
                articles[item.id] = item
    if not articles:
        detail = "; ".join(str(p) for p in problems[:5])
        raise CorpusError(
            f"Korpus {corpus_dir} tidak berisi artikel yang bisa dibaca{': ' + detail if detail else ''}. "
            "Tambahkan berkas .txt, .md, .json, .jsonl atau .html lalu jalankan: tanya-sumsel index"
        )
    return Corpus(tuple(articles.values()), tuple(problems))


def files_fingerprint(corpus_dir: Path) -> str:
    """Cheap fingerprint of the corpus folder (names, sizes, mtimes) to spot a stale index."""
    h = hashlib.sha256()
    if corpus_dir.is_dir():
        for p in iter_corpus_files(corpus_dir):
            st = p.stat()
            h.update(f"{p.relative_to(corpus_dir).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]
