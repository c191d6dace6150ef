"""Short answers: the span of the best-ranked sentences that answers the question, scored by a small learned model.

Every word span (up to `MAX_WORDS` words) of the top sentences is a candidate; its named features (span_features.py)
go through one-hidden-layer networks (averaged) trained on FacQA's train split (`training/train_short_answer.py`).
The weights are plain JSON shipped with the package, with the feature names they were trained on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from tanya_sumsel.corpus.chunk_scan import Patterns
from tanya_sumsel.lang.entities import (
    AMOUNT,
    DATE,
    DEGREES_AFTER,
    PLACES,
    SCALE,
    TITLES,
)
from tanya_sumsel.lang.normalize import STOPWORDS
from tanya_sumsel.lang.span_features import Context, Question, span_rows
from tanya_sumsel.lang.span_model import score
from tanya_sumsel.lang.vocab import OFFICES, PRONOUNS
from tanya_sumsel.question.analysis import Wording, wording

MIN_SCORE = 1.25  # a best span scored lower is no answer at all: 2.4% of facqa-dev's, mean F1 0.26


@dataclass(frozen=True)
class Span:
    """A short answer, its [start, end) offsets in the sentence, and the model's view of it: its score and its
    lead over the best candidate that names something else (a close rival means the model is unsure)."""

    text: str
    start: int
    end: int
    score: float = 0.0
    margin: float = 0.0


def extract(
    question: str | Wording, contexts: Sequence[Context], patterns: Sequence[Patterns | None] = ()
) -> tuple[int, Span] | None:
    """The best answer span over `contexts` as (index of its sentence, span), or None for descriptive questions;
    `patterns`: per context, its entity pattern spans when already known (a chunk scan)."""
    w = wording(question)
    if not contexts or w.descriptive:
        return None
    q = w.parsed
    which, starts, ends, rows = span_rows(q, contexts, repeats=True, patterns=patterns)
    scores = score(rows)
    where = list(zip(which.tolist(), starts.tolist(), ends.tolist(), strict=True))
    best: tuple[int, Span] | None = None
    rival = MIN_SCORE - 3.0  # no admissible rival: the lead is measured from just below the floor
    for k in np.argsort(-scores, kind="stable"):  # best first; ties go to the earlier sentence
        if best is None and not scores[k] >= MIN_SCORE:
            return None
        n, s, e = where[k]
        if best is None:
            span = _finish(Span(contexts[n].text[s:e], s, e, float(scores[k])), q, contexts[n].text)
            if _admissible(span.text, q) and not _cuts(contexts[n].text, span.start, span.end, q):
                best = (n, span)
        elif _other(contexts[n].text[s:e], best[1].text) and _admissible(contexts[n].text[s:e], q):
            rival = float(scores[k])
            break
        if best is not None and scores[k] < best[1].score - 3.0:
            break
    if best is None:
        return None
    return best[0], replace(best[1], margin=best[1].score - rival)


def _finish(span: Span, q: Question, sentence: str) -> Span:
    """The span as it would be shown: a quantity keeps its unit ('320' → '320 rumah', as the amount pattern reads
    it), then words the question already says, a relative clause and trailing stopwords are trimmed."""
    if q.qtype == "amount":
        for m in AMOUNT.finditer(sentence):
            if m.start() == span.start and m.end() > span.end:
                span = replace(span, text=sentence[span.start : m.end()], end=m.end())
    span = _trim_known(span, q, sentence)
    if q.qtype == "who" and (m := DEGREES_AFTER.match(sentence, span.end)):  # a name keeps its degrees (', MH')
        span = replace(span, text=sentence[span.start : m.end()], end=m.end())
    return span


def _other(text: str, chosen: str) -> bool:
    """Whether a candidate names something other than the chosen span (shares none of its words)."""
    return not set(re.findall(r"\w+", text.lower())) & set(re.findall(r"\w+", chosen.lower()))


def _admissible(text: str, q: Question) -> bool:
    """Whether a span may be the answer: it names something new ('(Sumsel,) Dr. Drs' holds only titles and
    question words; 'Ia' is a pronoun; 'Wakil Gubernur' answers no 'who'), leaves no parenthesis cut ('Rakor)
    strategis', '21/1/2026)': the balanced spans beside them remain candidates), and fits the question type."""
    new = [w for w in re.findall(r"\w+", text.lower()) if not q.knows(w)]
    if all(w in TITLES or w in PRONOUNS for w in new):
        return False
    if q.qtype == "who" and all(w in TITLES or w in OFFICES or w in STOPWORDS or w in PLACES for w in new):
        return False  # no person: an office, or a place ('Sumatera Selatan' of 'Gubernur Sumatera Selatan')
    if q.qtype == "who" and re.match(r"(?:di|ke|dari)\b", text, re.I):
        return False  # a place: 'di Jakarta'
    return _balanced(text) and _fits(text, q.qtype)


def _cuts(sentence: str, start: int, end: int, q: Question) -> bool:
    """Whether the span [start, end) ends inside a name or a number ('Benteng Kuto' of 'Benteng Kuto Besak',
    'Gubernur H' of 'Gubernur H. Herman Deru', '1,9' of '1,9 triliun') or starts inside a name ('Kuto Besak')."""
    last = re.search(r"(\w+)\W*$", sentence[start:end])
    after = re.match(r"(\.?)\s(\w+)", sentence[end:])
    if last and last.group(1).lower() in TITLES and sentence[end : end + 1] in (".", " "):
        return True  # a title or initial ends the span: the name follows
    if last and after and not after.group(1):
        word, following = last.group(1), after.group(2)
        if word[0].isupper() and following[0].isupper() and not q.knows(following.lower()):
            return True
        if word[0].isdigit() and re.fullmatch(SCALE, following, re.I):
            return True
    if last and (
        last.group(1).lower() == "per" or (last.group(1)[0].isdigit() and re.match(r"[–-]\d", sentence[end:]))
    ):
        return True  # 'Rp 14.800 per' (of 'per kilogram'), '1' of '1–16 September'
    before = re.search(r"(\S+)\s$", sentence[:start])
    first = sentence[start : start + 1]
    if before and first.isupper() and before.start() > 0:  # a sentence's first word may be any capitalized word
        word = before.group(1)
        title = word.lower() in TITLES or word.lower() in OFFICES  # 'Gubernur H. Herman Deru': the name starts after
        return word[0].isupper() and word.isalpha() and not title and not q.knows(word.lower())
    return False


def _fits(text: str, qtype: str) -> bool:
    """Whether a span can answer this type: a quantity has a number, and only a 'when' answer holds a date
    ('Griya Agung, Rabu' is no place, and the year in 'tahun anggaran 2026' no amount)."""
    if qtype == "amount" and not AMOUNT.search(text):
        return False
    return qtype not in ("who", "where", "amount") or not DATE.search(text)


def _balanced(text: str) -> bool:
    """Whether every parenthesis in `text` is closed after it opens."""
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def _trim_known(span: Span, q: Question, sentence: str) -> Span:
    """Drop leading words the question already says ('Sumsel, H. Cik Ujang' → 'H. Cik Ujang'), a relative clause
    after an entity ('Cik Ujang yang senantiasa mendampingi' → 'Cik Ujang') and trailing stopwords."""
    start, end = span.start, span.end
    while m := re.match(r"(\w+)[\s,]+", sentence[start:end]):
        word = m.group(1).lower()
        if word == q.head or not q.knows(word):
            break
        start += m.end()
    if q.qtype != "what" and (m := re.search(r"[\s,]+yang\b", sentence[start:end], re.I)):
        end = start + m.start()  # a name, place, date or amount ends where a relative clause begins
    while (m := re.search(r"[\s,]+(\w+)$", sentence[start:end])) and m.group(1).lower() in STOPWORDS:
        end = start + m.start()
    return replace(span, text=sentence[start:end], start=start, end=end)
