"""Web pages: decode a saved or fetched HTML page and extract its article (main text, title, publication date,
outlet, canonical URL) with trafilatura, leaving menus, "Baca juga" blocks, related links, ads and comments out."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from tanya_sumsel.lang.dates import parse_date, url_date
from tanya_sumsel.lang.vocab import BOILERPLATE_LEADS

MIN_WORDS = 30  # less than this is an index page, a gallery or an error page, not an article
# WHATWG: pages labelled latin-1 or ascii are decoded as windows-1252 (they use its “ ” – characters)
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_FEED_LINK = re.compile(rb"""<link[^>]+type=["']application/(?:rss|atom)\+xml["'][^>]*>""", re.I)
_HREF = re.compile(rb"""href=["']([^"']+)["']""", re.I)
# A dateline opening the body: "PALEMBANG, SUMSELPOST –", "Palembang (ANTARA) -", "MUARA ENIM -", "Kayuagung, X --"
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z'.]+(?: [A-Z][A-Za-z'.]+){0,3})"
    r"(?:\s*,\s*(?P<outlet>[^\n–—-]{2,40}?))?\s*(?:\((?P<agency>[A-Za-z. ]{2,20})\))?\s*(?:–|—|--|-)\s+"
)
_BOILER = re.compile(
    r"^\s*(?:" + "|".join(re.escape(x) + ("" if x.endswith(":") else r"\b") for x in BOILERPLATE_LEADS) + ")", re.I
)
_EDITOR_INITIALS = re.compile(r"^\(?\s*[a-z]{2,4}\s*/\s*[a-z]{2,4}\s*\)?$")  # "(rap/rap)" sign-offs
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ")


@dataclass(frozen=True)
class WebArticle:
    """What a page says about its article; `text` is the body with boilerplate and dateline removed."""

    title: str
    text: str
    date: str | None
    source: str | None
    place: str | None
    url: str | None
    charset: str


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, else the HTTP-declared charset, else <meta charset>, else UTF-8, else a detected
    charset. A declared charset that does not fit the bytes is ignored. Returns (text, charset used)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    meta = _META_CHARSET.search(data[:8192])
    for name in (declared, meta.group(1).decode("ascii", "ignore") if meta else None):
        codec = _codec(name)
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue  # mislabelled page: detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    codec = _codec(best.encoding) if best else None
    codec = codec or "cp1252"
    return data.decode(codec, "replace"), codec


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def feed_links(data: bytes, base_url: str | None = None) -> list[str]:
    """The RSS/Atom feeds a page advertises (<link rel=alternate type=application/rss+xml>)."""
    from urllib.parse import urljoin

    links = []
    for tag in _FEED_LINK.findall(data[:200_000]):
        m = _HREF.search(tag)
        if m:
            href = m.group(1).decode("utf-8", "ignore")
            links.append(urljoin(base_url, href) if base_url else href)
    return links


def extract_article(data: bytes | str, *, url: str | None = None, declared_charset: str | None = None) -> WebArticle:
    """The article on a page; `ValueError` (in Indonesian, saying why) when the page holds no article text."""
    import trafilatura

    text, charset = (data, "utf-8") if isinstance(data, str) else decode_html(data, declared_charset)
    tree = _parse(text)
    raw = data if isinstance(data, bytes) else data.encode()
    if tree is None:
        raise ValueError(_no_article(raw, url))
    page_title = re.sub(r"\s+", " ", tree.findtext(".//title") or "").strip()
    page_date = _page_date(tree)
    _unwrap_layout_tables(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
        # no extensive search: it takes any date on the page (a header showing today's, a related article's)
        date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"},
    )
    if doc is None or not (doc.text or "").strip():
        raise ValueError(_no_article(raw, url))
    site = doc.sitename if doc.sitename and not _looks_like_host(doc.sitename) else _site_from_title(page_title)
    title = doc.title or ""
    if not title or (site and title.strip().lower() == site.strip().lower()):
        title = page_title  # trafilatura took the site name for the headline
    title = _clean_title(title, site)
    body, place = _clean_body(doc.text, title)
    if len(body.split()) < MIN_WORDS:
        raise ValueError(_no_article(raw, url))
    canonical = doc.url if doc.url and doc.url.startswith(("http://", "https://")) else url
    date = doc.date or url_date(canonical) or url_date(url) or page_date or parse_date(body)
    return WebArticle(title, body, date, (site or doc.sitename or "").strip() or None, place, canonical, charset)


def _parse(text: str):  # type: ignore[no-untyped-def]
    from lxml import etree
    from lxml import html as lxml_html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str that declares its encoding
    try:
        return lxml_html.fromstring(text)
    except (ValueError, etree.ParserError):
        return None


def _unwrap_layout_tables(tree) -> None:  # type: ignore[no-untyped-def]
    """Old sites lay pages out in tables; turn a table that holds paragraphs into divs so the extractor reads its
    text as prose (data tables, which hold no <p>, stay out of the article)."""
    for table in tree.iter("table"):
        if table.find(".//p") is not None:
            for el in [table, *table.iter("tbody", "thead", "tr", "td", "th")]:
                el.tag = "div"


def _looks_like_host(name: str) -> bool:
    return " " not in name.strip() and "." in name


def _no_article(data: bytes, url: str | None) -> str:
    feeds = feed_links(data, url)
    hint = f"; halaman ini menawarkan feed {feeds[0]}, tambahkan itu" if feeds else ""
    return f"tidak ada teks artikel di halaman ini (halaman indeks atau kosong?){hint}"


def _clean_title(title: str, site: str | None) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = re.sub(r"\s+Halaman all$", "", title)
    for sep in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(sep)
        if head and site and tail.strip().lower() == site.strip().lower():
            return head.strip()
        start, _, rest = title.partition(sep)
        if rest and site and start.strip().lower() == site.strip().lower():
            return rest.strip()
    return title


def _site_from_title(title: str) -> str | None:
    """'Judul - Nama Media' or 'Nama Media :: Judul': the shorter side when the title names its site."""
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            a, b = title.split(sep, 1) if sep == " :: " else title.rsplit(sep, 1)
            return min(a.strip(), b.strip(), key=len)
    return None


def _clean_body(text: str, title: str) -> tuple[str, str | None]:
    lines = [re.sub(r"\s+", " ", x).strip() for x in text.split("\n")]
    lines = [x for x in lines if x]
    if lines and title and lines[0].strip().lower() == title.strip().lower():
        lines = lines[1:]
    kept = [x for x in lines if not _BOILER.match(x) and not _EDITOR_INITIALS.match(x)]
    place = None
    if kept:
        m = _DATELINE.match(kept[0])
        if m and len(m.group("place")) <= 30 and (m.group("outlet") or m.group("agency") or m.group("place").isupper()):
            place = m.group("place").title()
            kept[0] = kept[0][m.end() :]
    return "\n\n".join(kept), place


_DATE_HOLDERS = (
    "//time | //*[contains(translate(@class,'DATE','date'),'date') or contains(@class,'time') or contains(@class,'tgl')"
    " or contains(@class,'tanggal') or contains(@class,'waktu') or contains(@itemprop,'date')]"
)


def _page_date(tree) -> str | None:  # type: ignore[no-untyped-def]
    """The first Indonesian date in an element that holds the article's date (class 'date', 'tgl', <time>…)."""
    for el in tree.xpath(_DATE_HOLDERS)[:20]:
        cls = (el.get("class") or "") + (el.get("id") or "")
        if "today" in cls or "header" in cls:
            continue
        found = parse_date(el.text_content() or "")
        if found:
            return found
    return None
