"""Answer: the `answer()` entry point and the offline extractive answerer with numbered citations."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from .chunk import split_sentences
from .errors import InputError
from .question import TYPE_CUES, question_type
from .retrieve import Passage, Retriever, load_retriever, pin_query_threads
from .settings import Settings
from .short_answer import Context, extract
from .textnorm import terms

# Below this sentence confidence the articles are judged not to contain the answer. Calibrated on
# ../shared/eval/facqa-dev with benchmarks/calibrate_abstain.py (after the reranker): abstains on 2% of answerable
# questions and on 24% of questions whose gold passage was removed (a noisy proxy: many answers recur elsewhere).
ABSTAIN_THRESHOLD = 0.49
MAX_SENTENCES = 2
SHORT_ANSWER_SENTENCES = 5  # the short answer is sought in this many best sentences
ABSTAIN_TEXT = {
    "id": "Maaf, artikel yang tersedia tidak memuat jawaban atas pertanyaan ini.",
    "en": "Sorry, the available articles do not contain an answer to this question.",
}
_MONTH_NAMES = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_EN_WORDS = frozenset("what who whom when where which why how is are was were did does do the of in".split())
_ID_WORDS = frozenset("apa siapa kapan mana berapa mengapa kenapa bagaimana yang di ke dari dan itu ini".split())


@dataclass(frozen=True)
class Citation:
    """A numbered source: the article it comes from and the exact quoted passage with its span."""

    number: int
    article_id: str
    title: str
    source: str | None
    date: str | None
    url: str | None
    quote: str
    start: int
    end: int
    score: float
    highlight: tuple[int, int] | None = None  # the short answer's span in the article text


@dataclass(frozen=True)
class Answer:
    """An answer whose every [n] marker points at `citations[n-1]`."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...] = ()
    abstained: bool = False
    language: str = "id"
    short_answer: str | None = None
    mode: str = "extractive"
    notices: tuple[str, ...] = field(default=())
    dropped: tuple[str, ...] = field(default=())  # generated sentences/markers removed by citation checks


def detect_language(question: str) -> str:
    """'en' when the question reads as English, else 'id'."""
    words = re.findall(r"[a-z]+", question.lower())
    en = sum(w in _EN_WORDS for w in words)
    return "en" if en > sum(w in _ID_WORDS for w in words) else "id"


def validate_question(question: object, settings: Settings) -> str:
    """The stripped question, or an `InputError` with a polite Indonesian message."""
    if not isinstance(question, str) or not question.strip():
        raise InputError(
            "Pertanyaan kosong. Tulis pertanyaan tentang berita Sumatera Selatan, misalnya: "
            "'Kapan rakor Pemprov Sumsel digelar?'"
        )
    question = question.strip()
    if len(question) > settings.max_question_chars:
        raise InputError(
            f"Pertanyaan terlalu panjang ({len(question)} karakter; maksimal "
            f"{settings.max_question_chars}). Persingkat pertanyaan Anda."
        )
    return question


def format_date(iso: str | None, lang: str = "id") -> str:
    """'2026-01-21' → '21 Januari 2026' ('21 January 2026' in English)."""
    if not iso:
        return ""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d} {(_EN_MONTHS if lang == 'en' else _MONTH_NAMES)[m - 1]} {y}"


@dataclass(frozen=True)
class _Candidate:
    score: float
    passage: Passage
    start: int  # in the article text
    end: int
    text: str
    covered: frozenset[str]


def rank_sentences(
    question: str, passages: list[Passage], top_passages: int = 5, context: str = ""
) -> list[_Candidate]:
    """Score every sentence of the best passages by IDF-weighted question-term coverage (IDF over the
    candidate sentences, so a term every sentence shares counts little), retrieval rank and type cues."""
    own = set(terms(question, translate=True))
    q_terms = own | set(terms(context, translate=True))  # context: the previous turn, for follow-ups
    cue = TYPE_CUES.get(question_type(question))
    best = max((p.score for p in passages), default=0.0) or 1.0
    # A sentence gets its article's best retrieval score: the reranker's probabilities are peaked, and a second chunk
    # of the best article (where the answer may sit) must not count as a weak source.
    article_score: dict[str, float] = {}
    for p in passages:
        article_score[p.article_id] = max(article_score.get(p.article_id, 0.0), p.score)
    seen: set[tuple[str, int]] = set()
    sentences = []
    for p in passages[:top_passages]:
        for s in split_sentences(p.text):
            key = (p.article_id, p.start + s.start)
            if key not in seen:  # overlapping chunks repeat sentences
                seen.add(key)
                sentences.append((p, s, set(terms(s.text)) & q_terms))
    n = len(sentences) or 1
    df = {t: sum(t in covered for _, _, covered in sentences) for t in q_terms}
    weight = {
        t: math.log(1 + n / (1 + df[t])) * (1.5 if t[0].isdigit() else 1.0) * (1.0 if t in own else 0.5)
        for t in q_terms
    }
    total = sum(weight.values()) or 1.0
    out = []
    for p, s, covered in sentences:
        retrieval = max(0.0, article_score[p.article_id] / best)  # relative to the best passage
        coverage = sum(weight[t] for t in covered) / total
        bonus = 0.1 if cue is not None and cue.search(s.text) and covered else 0.0
        score = 0.7 * coverage + 0.3 * retrieval + bonus
        out.append(_Candidate(score, p, p.start + s.start, p.start + s.end, s.text, frozenset(covered)))
    return sorted(out, key=lambda c: -c.score)


def select_sentences(ranked: list[_Candidate], max_sentences: int = MAX_SENTENCES) -> list[_Candidate]:
    """The best sentence, plus others that are nearly as good (≥70% of its score; 80% quoted a second sentence in
    24% of facqa-dev answers, 70% in 30%, and raised answer_contains 0.848 → 0.855) and cover terms it misses."""
    if not ranked:
        return []
    chosen = [ranked[0]]
    covered = set(ranked[0].covered)
    for c in ranked[1:]:
        if len(chosen) >= max_sentences or c.score < 0.7 * ranked[0].score:
            break
        if c.covered - covered and all(c.text != x.text for x in chosen):
            chosen.append(c)
            covered |= c.covered
    return chosen


@dataclass(frozen=True)
class Composed:
    """What the extractive answerer produced for one question."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float
    short_answer: str | None = None


def answer_contexts(ranked: list[_Candidate]) -> list[Context]:
    """The best sentences as the short-answer model sees them (scores relative to the best, ranks from 0)."""
    best = ranked[0].score if ranked else 1.0
    return [
        Context(c.text, c.score / best if best else 0.0, n, c.passage.rank - 1, c.passage.score)
        for n, c in enumerate(ranked[:SHORT_ANSWER_SENTENCES])
    ]


def compose(question: str, passages: list[Passage], lang: str, context: str = "") -> Composed:
    """Extractive answer: the best sentences quoted with [n] markers, a short answer when the type allows.

    The sentence holding the short answer is quoted first, so the answer is always marked in citation [1]."""
    ranked = rank_sentences(question, passages, context=context)
    confidence = ranked[0].score if ranked else 0.0
    if confidence < ABSTAIN_THRESHOLD:
        return Composed(ABSTAIN_TEXT[lang], (), True, confidence)
    found = extract(question, question_type(question), answer_contexts(ranked))
    short = found[1] if found else None
    if found and found[0]:  # the answer sits in a lower-ranked sentence: quote it first, the best one second
        lead = ranked.pop(found[0])
        chosen = [lead] if ranked[0].text == lead.text else [lead, ranked[0]]
    else:
        chosen = select_sentences(ranked)
    citations: list[Citation] = []
    parts = []
    for n, c in enumerate(chosen, start=1):
        p = c.passage
        mark = (c.start + short.start, c.start + short.end) if short and n == 1 else None
        citations.append(
            Citation(n, p.article_id, p.title, p.source, p.date, p.url, c.text, c.start, c.end, c.score, mark)
        )
        who = p.source or p.title
        when = format_date(p.date, lang)
        lead = ("According to" if lang == "en" else "Menurut") + f" {who}" + (f" ({when})" if when else "")
        parts.append(f"{lead}: “{c.text}” [{n}]")
    if short:
        parts.insert(0, ("Short answer" if lang == "en" else "Jawaban singkat") + f": {short.text} [1]")
    return Composed("\n\n".join(parts), tuple(citations), False, confidence, short.text if short else None)


def answer(
    question: str,
    *,
    k: int | None = None,
    settings: Settings | None = None,
    retriever: Retriever | None = None,
    history: Sequence[tuple[str, str]] = (),
    chat_model: BaseChatModel | None = None,
) -> Answer:
    """Answer `question` from the indexed articles, with [n] markers pointing at numbered citations.

    `history` holds earlier (question, answer text) pairs for follow-ups. With an LLM configured
    (`TANYA_LLM…` settings, or `chat_model`) the answer is generated and its citations verified;
    otherwise, or when the model fails, it is extractive.
    """
    from .generate import final_answer, stream_answer
    from .llm import load_chat_model

    settings = settings or Settings.from_env()
    question = validate_question(question, settings)
    pin_query_threads()
    retriever = retriever or load_retriever(settings)
    model = chat_model if chat_model is not None else load_chat_model(settings)
    return final_answer(
        stream_answer(
            question,
            retriever=retriever,
            k=max(k or settings.k, 1),
            lang=detect_language(question),
            model=model,
            history=history,
        )
    )
