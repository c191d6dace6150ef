"""Time expressions in questions: "September 2019", "tahun anggaran 2026", "awal 2026", "2019–2020", "bulan lalu",
"kemarin", "saat ini" (Indonesian and English), resolved against a reference date `as_of`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tanya_sumsel.lang.dates import format_date
from tanya_sumsel.lang.vocab import MONTHS

_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTH_WORDS = {**{k: v for k, v in MONTHS.items() if len(k) > 3 or k == "mei"}, **_EN_MONTHS}
MONTH_ALTERNATIVES = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
YEAR_GROUP = r"((?:19|20)\d{2})"
# The words that only say "now": they are dropped from the retrieval query and the subject.
LATEST = re.compile(r"\b(?:terbaru|terkini|saat ini|sekarang|kini|latest|current(?:ly)?|right now|now)\b", re.I)
_RELATIVE = re.compile(
    r"\b(?P<yesterday>kemarin|yesterday)\b|\b(?P<today>hari ini|today)\b"
    r"|\b(?P<lastweek>(?:pekan|minggu) lalu|last week)\b|\b(?P<lastmonth>bulan lalu|last month)\b"
    r"|\b(?P<thismonth>bulan ini|this month)\b|\b(?P<lastyear>tahun lalu|last year)\b|\b(?P<thisyear>tahun ini|this year)\b"
    r"|\b(?P<nextmonth>bulan depan|next month)\b|\b(?P<nextyear>tahun depan|next year)\b",
    re.I,
)
_RANGE = re.compile(rf"\b{YEAR_GROUP}\s*(?:–|-|—|s\.?d\.?|sampai|hingga|to|until)\s*{YEAR_GROUP}\b", re.I)
_DAY = re.compile(rf"\b(\d{{1,2}})\s+({MONTH_ALTERNATIVES})\.?\s+{YEAR_GROUP}\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({MONTH_ALTERNATIVES})\.?\s+{YEAR_GROUP}\b", re.I)
_PART = re.compile(rf"\b(awal|pertengahan|akhir|early|mid|late)\s+(?:tahun\s+)?{YEAR_GROUP}\b", re.I)
_PLAIN_YEAR = re.compile(rf"\b(?:tahun\s+(?:anggaran\s+)?)?{YEAR_GROUP}\b", re.I)
_PARTS = {"awal": (1, 4), "early": (1, 4), "pertengahan": (5, 8), "mid": (5, 8), "akhir": (9, 12), "late": (9, 12)}


@dataclass(frozen=True)
class TimeQuery:
    """What a question says about time: the asked period (inclusive dates), or that it asks for the latest."""

    start: dt.date | None
    end: dt.date | None
    latest: bool
    label: str  # the expression as written, for messages
    query: str  # the question without words that only say "now" or a relative time
    notes: tuple[str, ...] = ()  # what was assumed, for the user ('31 Februari 2026 tidak ada; …')


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_time(question: str, as_of: dt.date, lang: str = "id") -> TimeQuery | None:
    """The question's time expression resolved against `as_of`, or None when it has none; what had to be assumed
    (an impossible day, a second period, a period not yet begun) is said in `notes` (in `lang`)."""
    latest = bool(LATEST.search(question))
    query = LATEST.sub(" ", question)
    start = end = None
    label = ""
    notes: list[str] = []
    if m := _RELATIVE.search(query):
        label, kind = m.group(0), m.lastgroup
        if kind == "yesterday":
            start = end = as_of - dt.timedelta(days=1)
        elif kind == "today":
            start = end = as_of
        elif kind == "lastweek":
            monday = as_of - dt.timedelta(days=as_of.weekday() + 7)
            start, end = monday, monday + dt.timedelta(days=6)
        elif kind in ("lastmonth", "thismonth", "nextmonth"):
            first = as_of.replace(day=1)
            if kind == "lastmonth":
                first = (first - dt.timedelta(days=1)).replace(day=1)
            elif kind == "nextmonth":
                first = (first + dt.timedelta(days=32)).replace(day=1)
            start, end = first, _month_end(first.year, first.month)
        else:
            year = as_of.year - (kind == "lastyear") + (kind == "nextyear")
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        query = query[: m.start()] + " " + query[m.end() :]
    elif m := _RANGE.search(question):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        start, end, label = dt.date(a, 1, 1), dt.date(b, 12, 31), m.group(0)
    elif m := _DAY.search(question):
        day, month, year = int(m.group(1)), MONTH_WORDS[m.group(2).lower()], int(m.group(3))
        last = calendar.monthrange(year, month)[1]
        start = end = dt.date(year, month, min(day, last))  # '31 Februari' is taken as the month's last day
        label = m.group(0)
        if day > last:
            notes.append(_say(lang, "impossible", label=label, date=start))
    elif m := _MONTH_YEAR.search(question):
        month, year = MONTH_WORDS[m.group(1).lower()], int(m.group(2))
        start, end, label = dt.date(year, month, 1), _month_end(year, month), m.group(0)
    elif m := _PART.search(question):
        first, last = _PARTS[m.group(1).lower()]
        year = int(m.group(2))
        start, end, label = dt.date(year, first, 1), _month_end(year, last), m.group(0)
    elif m := _PLAIN_YEAR.search(question):
        year = int(m.group(1))
        start, end, label = dt.date(year, 1, 1), dt.date(year, 12, 31), m.group(0)
    if start is None and not latest:
        return None
    years = sorted({int(y) for y in re.findall(YEAR_GROUP, question)})
    if start is not None and end is not None and any(not start.year <= y <= end.year for y in years):
        notes.append(_say(lang, "two", label=label))
    if start is not None and start > as_of:
        notes.append(_say(lang, "future", label=label, date=as_of))
    query = re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s+", " ", query)).strip()
    return TimeQuery(start, end, latest, label or "", query, tuple(notes))


_NOTES = {
    "id": {
        "impossible": "Tanggal {label} tidak ada; dianggap {date}.",
        "two": "Pertanyaan menyebut lebih dari satu periode; yang dipakai: {label}.",
        "future": "Periode {label} belum terjadi per {date}; jawaban hanya dari berita yang menyebut periode itu.",
    },
    "en": {
        "impossible": "There is no such date as {label}; taken as {date}.",
        "two": "The question names more than one period; using {label}.",
        "future": "The period {label} has not begun as of {date}; the answer only uses news that mentions it.",
    },
}


def _say(lang: str, key: str, *, label: str, date: dt.date | None = None) -> str:
    return _NOTES["en" if lang == "en" else "id"][key].format(
        label=label, date=format_date(date.isoformat(), lang) if date else ""
    )
