"""Facts that change over time: when articles of different dates answer a question differently (two names for
one office, two figures for one budget), the answer leads with the newer one, says 'per <tanggal>', and mentions
the other with its date ('Pada September 2019 jabatan itu dipegang …')."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from tanya_sumsel.lang.dates import format_date, format_month
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.question.time import TimeQuery
from tanya_sumsel.reading.learned import compose_for
from tanya_sumsel.reading.reader import Reader
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.types import Answer, Passage

# Reports this far apart can disagree because the fact changed; closer ones disagreeing is a different question.
MIN_GAP_DAYS = 180
_OFFICE = re.compile(
    r"\b(?:gubernur|wagub|bupati|wabup|wali ?kota|wawako|sekda|sekretaris daerah|ketua|kepala|kapolda|kapolres|"
    r"penjabat|pj|menteri|presiden|direktur|camat|rektor|kadis|governor|mayor|regent|head|chair(?:man)?|minister)\b",
    re.I,
)
_WHO = re.compile(r"^\s*(?:siapa|siapakah|who)\b", re.I)
_HOW_MUCH = re.compile(r"^\s*(?:berapa|berapakah|how (?:many|much))\b", re.I)
_TITLES = re.compile(r"\b(?:h|hj|ir|dr|drs|prof|st|se|sh|mh|mm|msi|mt|m\.si)\b\.?", re.I)


def _norm(short: str) -> str:
    return " ".join(re.findall(r"\w+", _TITLES.sub(" ", short.lower())))


def same_fact(a: str, b: str) -> bool:
    """Whether two short answers say the same ('Dr. H. Herman Deru' and 'Herman Deru' do)."""
    x, y = _norm(a), _norm(b)
    return bool(x and y) and (x in y or y in x)


_DEPUTY = re.compile(r"\b(?:wakil|wagub|wabup|wawako|deputy|vice)\b", re.I)


def fits_office(question: str, quote: str, short: str) -> bool:
    """Whether the quote names `short` in the asked office: for 'Siapa Gubernur …?' a 'Wakil Gubernur Sumsel,
    Mawardi Yahya' is the deputy, not the governor (and the other way round)."""
    at = quote.lower().find(short.lower())
    if at < 0 or not (_WHO.search(question) and _OFFICE.search(question)):
        return at >= 0
    before = quote[max(0, at - 60) : at]
    return bool(_DEPUTY.search(question)) == bool(_DEPUTY.search(before))


def _days(a: str, b: str) -> int:
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


def _then(question: str, month: str, short: str, lang: str) -> str:
    """'Pada September 2019 jabatan itu dipegang Mawardi Yahya' (or the figure, or what the news said)."""
    if _WHO.search(question) and _OFFICE.search(question):
        return (
            f"In {month} the office was held by {short}"
            if lang == "en"
            else f"Pada {month} jabatan itu dipegang {short}"
        )
    if _HOW_MUCH.search(question):
        return f"In {month} the figure was {short}" if lang == "en" else f"Pada {month} angkanya {short}"
    return f"In {month} the news said {short}" if lang == "en" else f"Pada {month} berita menyebut {short}"


def as_of_label(text: str, date: str | None, lang: str) -> str:
    """The short-answer line stating the date it holds for: 'Jawaban singkat (per 21 Januari 2026): …'."""
    if not date:
        return text
    if lang == "en":
        return text.replace("Short answer:", f"Short answer (as of {format_date(date, lang)}):", 1)
    return text.replace("Jawaban singkat:", f"Jawaban singkat (per {format_date(date, lang)}):", 1)


def over_time(
    asked: str | Wording,
    ans: Answer,
    searched: list[Passage],
    when: TimeQuery | None,
    retriever: Retriever,
    whole: Callable[[Passage], bool],
    context: str = "",
    reader: Reader | None = None,
) -> Answer:
    """`ans` led by the newest of the differing answers that articles of other dates give, the other mentioned
    with its month; unchanged when they agree, when there is no other date or the question asks for a period."""
    w = wording(asked)
    question = w.text
    lead = ans.citations[0] if ans.citations else None
    if ans.abstained or lead is None or not lead.date:
        return ans
    if when is not None and when.start is not None:
        return ans  # the period was asked for: the answer keeps to it
    used = {c.article_id for c in ans.citations}
    others = [
        p
        for p in searched
        if p.date and p.article_id not in used and _days(p.date, lead.date) >= MIN_GAP_DAYS and whole(p)
    ]
    # 'saat ini' answers say the date they hold for; an answer to a question without time already dates its quote
    dated = replace(ans, text=as_of_label(ans.text, lead.date, ans.language)) if when is not None else ans
    if not others:
        return dated
    alt = compose_for(w, others, ans.language, retriever, context, reader)
    if alt.abstained or not alt.short_answer or not alt.citations:
        return dated
    said = ans.short_answer or " ".join(c.quote for c in ans.citations)  # no short answer: what the quotes say
    if same_fact(alt.short_answer, said) or not fits_office(question, alt.citations[0].quote, alt.short_answer):
        return dated
    alt_lead = alt.citations[0]
    newer = (alt_lead.date or "") > lead.date
    if newer and not (ans.short_answer and fits_office(question, lead.quote, ans.short_answer)):
        return dated  # nothing to say of the older answer in a line; its quotes stand dated
    mine = (ans.text, ans.citations, ans.short_answer, list(ans.passages))
    theirs = (alt.text, alt.citations, alt.short_answer, others)
    if newer:  # the newer report leads
        mine, theirs = theirs, mine
    text, citations, short, passages = mine
    _, old_citations, old_short, old_passages = theirs
    old = replace(old_citations[0], number=len(citations) + 1, highlight=None)
    then = _then(question, format_month(old.date or "", ans.language), old_short or "", ans.language)
    text = as_of_label(text, citations[0].date, ans.language) + f"\n\n{then}: “{old.quote}” [{old.number}]"
    extra = [p for p in old_passages if p.article_id == old.article_id and p not in passages]
    return replace(
        ans, text=text, citations=(*citations, old), short_answer=short, passages=tuple(passages + extra[:1])
    )
