"""Near-miss unanswerable questions for the reader (issue #31): a FacQA training question with one detail changed
so that its own passage no longer answers it. These are the questions people ask of South Sumatra news that a
reader answers wrongly: a year the article does not cover, a bridge's number one off, the deputy where only the
office holder is named. The changed question is read against the same passage, labelled "no answer".
"""

from __future__ import annotations

import random
import re

YEARS = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
ROMAN = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ROMAN_AFTER_NAME = re.compile(r"\b[A-Z][a-z]+ (" + "|".join(sorted(ROMAN, key=len, reverse=True)) + r")\b")
OFFICES = ("bupati", "gubernur", "wali kota", "walikota", "presiden", "ketua", "kepala", "direktur", "menteri")


def _absent(token: str, context: str) -> bool:
    return re.search(rf"\b{re.escape(token)}\b", context) is None


def _other_year(question: str, context: str, rng: random.Random) -> str | None:
    """A year the question and its passage share, moved by one to three years the passage never names."""
    shared = [m for m in YEARS.finditer(question) if not _absent(m.group(1), context)]
    if not shared:
        return None
    m = rng.choice(shared)
    for delta in rng.sample([-3, -2, -1, 1, 2, 3], 6):
        year = str(int(m.group(1)) + delta)
        if _absent(year, context):
            return question[: m.start()] + year + question[m.end() :]
    return None


def _other_numeral(question: str, context: str, rng: random.Random) -> str | None:
    """'Jembatan Musi VI' asked as a neighbouring numeral ('Musi V') the passage never uses."""
    m = ROMAN_AFTER_NAME.search(question)
    if not m or _absent(m.group(1), context):
        return None
    i = ROMAN.index(m.group(1))
    for j in rng.sample([i - 1, i + 1], 2):
        if 0 <= j < len(ROMAN) and _absent(ROMAN[j], context):
            return question[: m.start(1)] + ROMAN[j] + question[m.end(1) :]
    return None


def _deputy(question: str, context: str) -> str | None:
    """An office asked of ('Siapa Bupati …?') asked of its deputy where the passage names no deputy at all."""
    if "wakil" in context.lower() or "wakil" in question.lower():
        return None
    for office in OFFICES:  # only the office asked for ('Siapa (nama) Bupati …'), not one the question mentions
        m = re.match(rf"\s*siapa(?:kah)?(?:\s+nama)?\s+({office})\b", question, re.I)
        if m:
            word = "Wakil" if m.group(1)[0].isupper() else "wakil"
            return question[: m.start(1)] + f"{word} " + question[m.start(1) :]
    return None


def near_miss(question: str, context: str, rng: random.Random) -> str | None:
    """The question with one detail changed so that `context` does not answer it (None: no detail to change)."""
    for change in rng.sample([_other_year, _other_numeral], 2):
        changed = change(question, context, rng)
        if changed:
            return changed
    return _deputy(question, context)
