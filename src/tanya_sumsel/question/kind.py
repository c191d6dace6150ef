"""Question analysis shared by reranking and answering: the question's language and type, and a cue for each answer
type."""

from __future__ import annotations

import re

from tanya_sumsel.lang.entities import DESCRIPTIVE
from tanya_sumsel.lang.vocab import DAYS, MONTHS, NUMBER_WORDS, SCALE_WORDS

_EN_WORDS = frozenset("what who whom when where which why how is are was were did does do the of in".split())
_ID_WORDS = frozenset("apa siapa kapan mana berapa mengapa kenapa bagaimana yang di ke dari dan itu ini".split())


def detect_language(question: str) -> str:
    """'en' when the question reads as English, else 'id'."""
    words = re.findall(r"[a-z]+", question.lower())
    en = sum(w in _EN_WORDS for w in words)
    return "en" if en > sum(w in _ID_WORDS for w in words) else "id"


def question_type(question: str) -> str:
    """Coarse question type: who, when, amount, where, why, how, what."""
    q = re.sub(r'"[^"]*"|“[^”]*”', " ", question.lower())  # a quoted title ("Mengapa …") is not the question word
    table = [
        ("who", r"\bsiapa|\bwho\b|\bwhom\b"),
        ("when", r"\bkapan|\bwhen\b|\btanggal berapa|\bhari apa|\btahun berapa|\bpukul berapa|\bwhat (date|year|day)"),
        ("amount", r"\bberapa|\bhow (many|much|long|old)"),
        ("where", r"\bdi ?mana|\bke ?mana|\bdari ?mana|\bwhere\b"),
        ("why", r"\bmengapa|\bkenapa|\bwhy\b"),
        ("how", r"\bbagaimana|\bhow\b"),
    ]
    return next((name for name, pattern in table if re.search(pattern, q)), "what")


def descriptive(question: str, kind: str | None = None) -> bool:
    """Whether the question asks for an account, not a fact ('Mengapa …', 'Apa isi laporan …'): no short answer.
    `kind`: its `question_type`, when known."""
    return (kind or question_type(question)) in ("why", "how") or DESCRIPTIVE.search(question) is not None


_DATE_CUE = re.compile(
    r"\b(\d{1,2}/\d{1,2}/\d{2,4}|(" + "|".join(d for d in DAYS if d not in ("Jum'at", "Ahad")) + r")\b|(19|20)\d{2}\b|"
    r"(" + "|".join(MONTHS) + r")\b|pukul|tahun)",
    re.I,
)
_NUMBER_CUE = re.compile(
    r"\d|\b(" + "|".join(NUMBER_WORDS[:10] + [w for w in SCALE_WORDS if w != "milyar"]) + r")\b", re.I
)
_NAME_CUE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z.]+)+")
_PLACE_CUE = re.compile(r"\b(di|ke|dari)\s+[A-Z]")
TYPE_CUES = {"when": _DATE_CUE, "amount": _NUMBER_CUE, "who": _NAME_CUE, "where": _PLACE_CUE}
