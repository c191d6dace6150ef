"""The retrieval side of a time in the question: the view of the index it asks for, and the retrieved passages
ordered (and thinned) for it (the newest evidence for 'saat ini', the period's own passages for a period)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from tanya_sumsel.question.time import MONTH_ALTERNATIVES, MONTH_WORDS, YEAR_GROUP, TimeQuery
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.types import Passage


def slack(when: TimeQuery) -> dt.timedelta:
    """How long after the asked period an article may still report on it (a year's figures come out next year)."""
    if when.start is None or when.end is None:
        return dt.timedelta(0)
    days = (when.end - when.start).days
    return dt.timedelta(days=365 if days >= 360 else 62 if days >= 27 else 7)


def newest_first(passages: list[Passage], whole: Callable[[Passage], bool], window_days: int = 365) -> list[Passage]:
    """For 'saat ini / terbaru': the passages from the newest dated article among them and those up to a year
    older; older whole articles are left out, so the answer is the current one (undated records and paragraph
    fragments, whose own date need not be the story's, stay)."""
    dated = [p for p in passages if p.date and whole(p)]
    if not dated:
        return passages
    cutoff = (max(dt.date.fromisoformat(p.date) for p in dated) - dt.timedelta(days=window_days)).isoformat()
    kept = [p for p in passages if p not in dated or (p.date or "") >= cutoff]
    return [replace(p, rank=n) for n, p in enumerate(kept, start=1)]


def prefer_period(passages: list[Passage], when: TimeQuery, whole: Callable[[Passage], bool]) -> list[Passage]:
    """Within a period view, order passages by how surely they are about the period (stable, best first): a day
    in it that the passage mentions; then the period named ('Oktober 2023', '2024') or the article published in it
    without naming another; fragments and undated records keep this middle place (their own date need not be the
    story's); whole articles about another time are left out while anything fits. A fiscal year ('tahun anggaran
    2025') is about what the text names ('anggaran 2025'), not the day the news was made."""
    if when.start is None or when.end is None:
        return passages
    first, last = when.start.isoformat(), when.end.isoformat()
    years = {str(y) for y in range(when.start.year, when.end.year + 1)}
    one_month = (when.start.year, when.start.month) == (when.end.year, when.end.month)
    names = {k for k, v in MONTH_WORDS.items() if len(k) > 3 and v == when.start.month} if one_month else set()
    budget = "anggaran" in when.label.lower()

    def tier(p: Passage) -> int:
        if not p.date or not whole(p):
            return 1
        text = p.text.lower()
        if budget:  # a fiscal year: the day the news was made does not say which year's budget it is about
            return 1 if any(f"anggaran {y}" in text for y in years) else 2
        if any(first <= d <= last for d in p.dates):
            return 0
        named = set(re.findall(YEAR_GROUP, text))
        if one_month:
            said = {f"{m} {y}" for m, y in re.findall(rf"\b({MONTH_ALTERNATIVES})\.?\s+{YEAR_GROUP}", text)}
            if any(f"{n} {when.start.year}" in said for n in names):
                return 1
            return 1 if first <= p.date <= last and not said else 2
        if named & years:
            return 1
        return 1 if first <= p.date <= last and not named else 2

    tiers = {p.chunk_id: tier(p) for p in passages}
    ranked = sorted(passages, key=lambda p: tiers[p.chunk_id])
    if ranked and tiers[ranked[0].chunk_id] < 2:  # about another time: left out while anything fits the period
        ranked = [p for p in ranked if tiers[p.chunk_id] < 2]
    return [replace(p, rank=n) for n, p in enumerate(ranked, start=1)] if ranked != passages else passages


def time_view(retriever: Retriever, when: TimeQuery, as_of: dt.date) -> Retriever:
    """The retriever view a time in the question asks for: an asked period (softly, see `Retriever.filtered`), or
    for 'saat ini' as of a past date, what was published by then. A view already bounded by dates stays as is."""
    if retriever.since or retriever.until:
        return retriever
    if when.start is not None and when.end is not None:
        years = [str(y) for y in range(when.start.year, when.end.year + 1)][:30]
        until = when.end + slack(when)
        return retriever.filtered(since=when.start.isoformat(), until=until.isoformat(), soft=True, mentions=years)
    newest = (retriever.store.manifest.get("date_range") or {}).get("max") or ""
    if when.latest and newest > as_of.isoformat():  # what was published after as_of was not yet news
        return retriever.filtered(until=as_of.isoformat(), soft=True)
    return retriever


def time_order(passages: list[Passage], when: TimeQuery, whole: Callable[[Passage], bool]) -> list[Passage]:
    """Retrieved passages ordered (and thinned) for the question's time: newest first for 'saat ini', the period's
    own passages first for a period."""
    return newest_first(passages, whole) if when.latest else prefer_period(passages, when, whole)
