"""What the span features need to know about each token by itself (a word? capitalized? a stopword? a cue for the
answer type? …), as bits, remembered per distinct token: news text repeats its words, so an answer's few thousand
span tokens cost dict lookups instead of a dozen string tests each."""

from __future__ import annotations

import numpy as np

from tanya_sumsel.lang.entities import INNER
from tanya_sumsel.lang.normalize import STOPWORDS, stem
from tanya_sumsel.lang.vocab import ORG_WORDS, PREV_CUES

WORD, CAP, DIGIT, LOWER, STOP, ORG, ENDS, OPEN, CLOSE, COMMA, INNER_PUNCT = (1 << n for n in range(11))
CUE = tuple(1 << (11 + k) for k in range(len(PREV_CUES)))  # after_cue_* : the word before a span is such a cue
_LIMIT = 200_000  # distinct tokens remembered (a few tens of MB at most); past it the table starts afresh
_TABLE: dict[str, tuple[int, str, str]] = {}


def _describe(token: str) -> tuple[int, str, str]:
    low = token.lower()
    c = token[0]
    bits = (
        WORD * c.isalnum()
        | CAP * (c.isupper() or c.isdigit())
        | DIGIT * c.isdigit()
        | LOWER * c.islower()
        | STOP * (low in STOPWORDS)
        | ORG * (low in ORG_WORDS)
        | ENDS * (token in (".", ",", "-", "("))
        | OPEN * (token == "(")
        | CLOSE * (token == ")")
        | COMMA * (token == ",")
        | INNER_PUNCT * (token in INNER)
    )
    for flag, cues in zip(CUE, PREV_CUES, strict=True):
        bits |= flag * (low in cues)
    return bits, low, stem(low)


def describe(tokens: list[str]) -> tuple[np.ndarray, list[str], list[str]]:
    """Per token: its bits, its lower-cased form and the stem of that."""
    if len(_TABLE) > _LIMIT:
        _TABLE.clear()
    get = _TABLE.get
    rows = [get(t) or _TABLE.setdefault(t, _describe(t)) for t in tokens]
    if not rows:
        return np.zeros(0, dtype=np.int64), [], []
    bits, low, stems = zip(*rows, strict=True)
    return np.array(bits, dtype=np.int64), list(low), list(stems)


def span_kind(bits: np.ndarray) -> np.ndarray:
    """Per token, what a span may do with it: 2 start or end on it (a word), 1 end on it (')'), 0 cross it (other
    inner punctuation), -1 never cross it."""
    return np.where(bits & WORD, 2, np.where(bits & CLOSE, 1, np.where(bits & INNER_PUNCT, 0, -1)))
