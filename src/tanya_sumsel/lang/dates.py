"""Dates in articles: the publication date (metadata, URL, dateline) and the event dates a text mentions, in the
forms Indonesian news writes them ('Rabu (21/1/2026)', 'Selasa (17/09/2019)', '21 Januari 2026', '(9/9)' with the
year of publication, '/read/2019/09/10/' in a URL)."""

from __future__ import annotations

import datetime as dt
import re

from tanya_sumsel.lang.vocab import MONTH_NAMES, MONTHS

_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
_NAMED = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+((?:19|20)\d{2})\b", re.I
)
_ISO = re.compile(r"^((?:19|20)\d{2})-(\d{2})-(\d{2})")
# '(9/9)' or 'Senin (9/9/2019)': day and month in brackets, the year (when absent) taken from the publication date
_SHORT = re.compile(r"\((\d{1,2})/(\d{1,2})\)")
# '/read/2019/09/10/…', '/regional/2019/09/10/…', '/2019-09-10/…'
_URL = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=[/-]|$)")


def iso(year: int, month: int, day: int) -> str | None:
    """'yyyy-mm-dd' for a real calendar day, else None ('31/2/2026' is no date)."""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def format_date(value: str | None, lang: str = "id") -> str:
    """'2026-01-21' → '21 Januari 2026' ('21 January 2026' in English)."""
    if not value:
        return ""
    y, m, d = (int(x) for x in value.split("-"))
    return f"{d} {MONTH_NAMES['en' if lang == 'en' else 'id'][m - 1]} {y}"


def format_month(value: str, lang: str = "id") -> str:
    """'2019-09-17' → 'September 2019'."""
    y, m = int(value[:4]), int(value[5:7])
    return f"{MONTH_NAMES['en' if lang == 'en' else 'id'][m - 1]} {y}"


def _full_dates(text: str) -> list[tuple[int, str]]:
    found = [(m.start(), iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))) for m in _NUMERIC.finditer(text)]
    found += [
        (m.start(), iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))) for m in _NAMED.finditer(text)
    ]
    return sorted((pos, d) for pos, d in found if d)


def parse_date(text: str) -> str | None:
    """First real date in `text` as ISO (accepts 21/1/2026, 21 Januari 2026, 2026-01-21)."""
    m = _ISO.match(text.strip())
    if m:
        return iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    found = _full_dates(text)
    return found[0][1] if found else None


def url_date(url: str | None) -> str | None:
    """The publication date many news URLs carry ('/read/2019/09/10/21485171/…'), or None."""
    m = _URL.search(url or "")
    return iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def event_dates(text: str, published: str | None) -> tuple[str, ...]:
    """The distinct days `text` mentions, in order. A bare '(9/9)' takes the publication year (the year before
    when that would put it after publication); without a publication date it is left out, not guessed."""
    found = _full_dates(text)
    if published:
        pub = dt.date.fromisoformat(published)
        for m in _SHORT.finditer(text):
            day, month = int(m.group(1)), int(m.group(2))
            when = iso(pub.year, month, day)
            if when and when > published:
                when = iso(pub.year - 1, month, day)
            if when:
                found.append((m.start(), when))
    out: list[str] = []
    for _, d in sorted(found):
        if d not in out:
            out.append(d)
    return tuple(out)


_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def years_mentioned(text: str) -> tuple[str, ...]:
    """The distinct years a text names ('2019', also inside '21/1/2019'), in ascending order."""
    return tuple(sorted(set(_YEARS.findall(text))))
