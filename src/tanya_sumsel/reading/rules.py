"""Answer: the `answer()` entry point and the offline extractive answerer with numbered citations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tanya_sumsel.corpus.chunk_scan import ChunkScan
from tanya_sumsel.corpus.ingest import is_whole_article
from tanya_sumsel.lang.dates import format_date
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.question.kind import detect_language as detect_language  # its old home; moved to question/
from tanya_sumsel.reading.judge import QUANTITY_FEATURE, answer_features, answerable, show_features, sure
from tanya_sumsel.reading.sentences import answer_contexts, rank_sentences, select_sentences
from tanya_sumsel.reading.short_answer import Span, extract
from tanya_sumsel.reading.subject import (
    QUANTITIES,
    Subject,
    article_gaps,
    evidence_words,
    question_subject,
    rarest,
)
from tanya_sumsel.types import Article, Citation, Passage

# Below this sentence score nothing retrieved is about the question at all; above it the abstention model
# (judge.py) decides whether the evidence answers it.
MIN_CONFIDENCE = 0.2
ABSTAIN_TEXT = {
    "id": "Maaf, artikel yang tersedia tidak memuat jawaban atas pertanyaan ini.",
    "en": "Sorry, the available articles do not contain an answer to this question.",
}


@dataclass(frozen=True)
class Composed:
    """What the extractive answerer produced for one question, and what it judged on the way (for calibration)."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float  # the judged probability that the cited passage answers the question
    short_answer: str | None = None
    span: Span | None = None  # the best short-answer candidate, shown or not
    features: np.ndarray | None = None  # the abstention model's input
    show_features: np.ndarray | None = None  # the display model's input for `span`
    evidence: Passage | None = None  # the passage judged (the one the answer leads with)


def near_subject(
    subject: Subject, span: Span | None, sentence: str, idf: Callable[[str], float] | None, whole: bool
) -> bool:
    """Whether a short answer sits beside what the question asks about: a quantity of the asked kind and, in a whole
    article, in a sentence holding the question's rarest term ('Rp 11,2 triliun' of the total budget is no answer
    about 'kesehatan'; a paragraph cut from its article is its own context)."""
    if span is None or (subject.quantity and not QUANTITIES[subject.quantity][1].search(span.text)):
        return False
    words = evidence_words([sentence])
    return not whole or all(t in words for t in rarest(subject, idf, 1))


def abstention(lang: str, nearest: Passage | None) -> str:
    """The polite 'not in the articles' message, naming the closest article when there is one."""
    if nearest is None:
        return ABSTAIN_TEXT[lang]
    when = format_date(nearest.date, lang)
    where = ", ".join(x for x in (nearest.source, when) if x)
    title = f"“{nearest.title}”" + (f" ({where})" if where else "")
    return ABSTAIN_TEXT[lang] + (
        f" The closest article is about {title}." if lang == "en" else f" Artikel terdekat membahas {title}."
    )


def citation_meta(c: Citation, lang: str) -> list[str]:
    """A citation's outlet, date and the other outlets that carried the story, as the renderers show them."""
    also = ("also reported by " if lang == "en" else "juga diberitakan oleh ") + ", ".join(c.also_reported)
    return [x for x in (c.source or "", format_date(c.date, lang), also if c.also_reported else "") if x]


def attribution(p: Passage, lang: str) -> str:
    """'Menurut HALOPOS.ID (21 Januari 2026; juga diberitakan oleh Kompas.com)': who said it, when, who else."""
    notes = [format_date(p.date, lang)] if p.date else []
    if p.also_reported:
        notes.append(("also reported by " if lang == "en" else "juga diberitakan oleh ") + ", ".join(p.also_reported))
    lead_in = ("According to" if lang == "en" else "Menurut") + f" {p.source or p.title}"
    return lead_in + (f" ({'; '.join(notes)})" if notes else "")


def compose(
    question: str | Wording,
    passages: list[Passage],
    lang: str,
    context: str = "",
    idf: Callable[[str], float] | None = None,
    article: Callable[[str], Article] | None = None,
    scans: Callable[[Passage], ChunkScan | None] | None = None,
) -> Composed:
    """Extractive answer: the best sentences quoted with [n] markers, a short answer when the model is sure of it.

    It abstains when the judged probability that the evidence answers the question (the question's subject in the
    cited passage, the sentence's coverage, the retrieval scores) is below the calibrated threshold. The sentence
    holding a shown short answer is quoted first, so the answer is always marked in citation [1]. `scans` gives a
    passage's stored chunk scan (Retriever.scan_of), read instead of splitting and scanning its text again."""
    w = wording(question)
    ranked = rank_sentences(w, passages, context=context, scans=scans)
    if not ranked or ranked[0].score < MIN_CONFIDENCE:
        return Composed(ABSTAIN_TEXT[lang], (), True, 0.0)
    asked = (
        Wording(f"{w.text} {context}".strip(), w.lang) if context else w
    )  # a follow-up is about its previous subject too
    subject = question_subject(asked)
    kind = QUANTITIES[subject.quantity][1] if subject.quantity else None
    if kind is not None:  # 'Berapa dana …?': the best sentence holding money (and the rarest term) leads
        rare = rarest(subject, idf, 1)
        close = [n for n, c in enumerate(ranked[:5]) if kind.search(c.text) and c.score >= 0.5 * ranked[0].score]
        named = [n for n in close if all(t in evidence_words([ranked[n].text]) for t in rare)]
        first = (named or close or [0])[0]
        ranked.insert(0, ranked.pop(first))
    contexts = answer_contexts(ranked)
    found = extract(w, contexts, [c.patterns for c in ranked[: len(contexts)]])
    span = found[1] if found else None

    lead_rank = found[0] if found else 0  # the sentence holding the best span is the evidence judged
    lead = ranked[lead_rank]
    quoted = [lead.text] + [c.text for c in ranked[:3] if c.score >= 0.7 * ranked[0].score]
    features = answer_features(
        asked, subject, (lead.text, lead.passage), quoted, ranked[0].score, lead_rank, passages, span, idf
    )
    evidence = lead.passage
    p, ok = answerable(features)
    whole = article(evidence.article_id) if article is not None else None
    if whole is not None and not is_whole_article(whole.text):
        whole = None  # a paragraph cut from its article: the model's judgement stands alone
    beside = near_subject(subject, span, lead.text, idf, whole is not None)  # a span elsewhere is never shown
    shown = show_features(span, w, features) if span and beside else None
    sure_ = ok and shown is not None and sure(shown)[1]
    if ok and whole is not None:  # a whole article must cover the whole subject, and quote the asked quantity
        ok = bool(features[QUANTITY_FEATURE]) and not article_gaps(subject, whole.text, whole.title, whole.date, idf)
    if not ok:
        return Composed(abstention(lang, ranked[0].passage), (), True, p, None, span, features, shown, evidence)
    same = re.search(rf"(?<!\w){re.escape(span.text)}(?!\w)", ranked[0].text) if found and found[0] and span else None
    if same and span:  # the best sentence names the same answer: it leads, holding the mark
        span = replace(span, start=same.start(), end=same.end())
        found = (0, span)
    if found and found[0] and beside:  # the best span's sentence sits lower: it is quoted first, the best second
        lead = ranked.pop(found[0])
        chosen = [lead] if ranked[0].text == lead.text else [lead, ranked[0]]
    else:
        chosen = select_sentences(ranked)
    short = span if sure_ else None
    citations: list[Citation] = []
    parts = []
    for n, c in enumerate(chosen, start=1):
        p_ = c.passage
        mark = (c.start + short.start, c.start + short.end) if short and n == 1 else None
        citations.append(
            Citation(
                n,
                p_.article_id,
                p_.title,
                p_.source,
                p_.date,
                p_.url,
                c.text,
                c.start,
                c.end,
                c.score,
                mark,
                p_.also_reported,
            )
        )
        parts.append(f"{attribution(p_, lang)}: “{c.text}” [{n}]")
    if short:
        parts.insert(0, ("Short answer" if lang == "en" else "Jawaban singkat") + f": {short.text} [1]")
    return Composed(
        "\n\n".join(parts),
        tuple(citations),
        False,
        p,
        short.text if short else None,
        span,
        features,
        shown,
        evidence,
    )
