"""Rerank: fuse the dense and BM25 candidate lists, then reorder them with a small learned model over answer-aware
features.

Dense and keyword scores say a passage is on topic; neighbouring paragraphs of one story are all on topic. What
singles out the passage a question was asked about is that it *answers* it: the question's words sit close
together in one sentence, next to a span of the expected type. The features measure that (term coverage of the
passage, its best sentence and its densest window; question bigrams and capitalized words found; a cue for the
answer type; the short-answer model's best span score), beside the retrieval scores. The weights are
`rerank_model.json`, trained by `training/train_rerank.py` on FacQA's train split.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from tanya_sumsel import mlp
from tanya_sumsel.corpus import chunk_scan
from tanya_sumsel.corpus.chunk_scan import ChunkScan, scan
from tanya_sumsel.lang.span_features import Context, Question, span_rows
from tanya_sumsel.lang.span_model import score
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.question.kind import TYPE_CUES

WINDOW = 12  # terms in the proximity window
SPAN_WORDS = 5  # longest span scored: 94% of FacQA answers are this short, and it halves the work
N_FEATURES = 12
_NO_SPAN = -10.0  # span score of a sentence without any candidate span


@dataclass(frozen=True)
class Candidate:
    """A fused candidate: its text and its scores from fusion, the dense side and BM25 (0 when not retrieved)."""

    chunk_id: int
    text: str
    fused: float
    dense: float
    keyword: float
    scan: ChunkScan | None = None  # stored with the chunk (chunk_scan); None: scanned when needed


@dataclass(frozen=True)
class QuestionTerms:
    """The question as every candidate's features need it, analysed once."""

    parsed: Question
    terms: frozenset[str]
    weight: dict[str, float]
    total: float
    bigrams: frozenset[tuple[str, str]]
    caps: frozenset[str]
    cue: re.Pattern[str] | None


def analyse(question: str | Wording, idf: Callable[[str], float]) -> QuestionTerms:
    """The question's weighted terms, bigrams, capitalized words and answer-type cue, over its `Wording`."""
    w = wording(question)
    q_terms = w.terms
    weight = {t: idf(t) for t in set(q_terms)}
    caps = {x.lower() for x in re.findall(r"\b[A-Z][\w-]*", w.text)[1:]}  # the first word is capitalized anyway
    return QuestionTerms(
        w.parsed,
        frozenset(q_terms),
        weight,
        sum(weight.values()) or 1.0,
        frozenset(pairwise(q_terms)),
        frozenset(caps),
        TYPE_CUES.get(w.kind),
    )


def text_rows(q: QuestionTerms, texts: Sequence[str], scans: Sequence[ChunkScan | None] = ()) -> np.ndarray:
    """The features that depend on the question and a candidate's text alone (columns 3-11; 0-2 are left 0 for
    the retrieval scores), one row per text: computed while the question is still being embedded. `scans`: per
    text, its stored `chunk_scan` (None, or none given: scanned here; the rows are the same)."""
    rows = np.zeros((len(texts), N_FEATURES), dtype=np.float32)
    if not texts:
        return rows
    q_set, weight, total = q.terms, q.weight, q.total
    windows, best_spans, patterns = [], [], []  # per text: its best sentence ±1 (start, text), the best sentence
    for n, text in enumerate(texts):
        sc = (scans[n] if scans else None) or scan(text, windows=False)
        sentences, sentence_terms = sc.sentences, sc.sentence_terms
        seq = [t for ts in sentence_terms for t in ts]
        coverage = [sum(weight[t] for t in q_set.intersection(ts)) / total for ts in sentence_terms]
        best = int(np.argmax(coverage))
        hits = [i for i, t in enumerate(seq) if t in q_set]
        window = max((sum(weight[t] for t in {seq[j] for j in hits if i <= j < i + WINDOW}) for i in hits), default=0.0)
        rows[n, 3:9] = (
            sum(weight[t] for t in q_set.intersection(seq)) / total,
            len(q.bigrams & set(pairwise(seq))) / max(1, len(q.bigrams)),
            window / total,
            len(q.caps & sc.words) / len(q.caps) if q.caps else 1.0,
            bool(q.cue and q.cue.search(text)),
            coverage[best],
        )
        rows[n, 11] = math.log1p(len(seq))
        # Spans of the best sentence and its neighbours only: a long chunk's far sentences rarely hold the answer
        start, end = chunk_scan.window(sc, best)
        windows.append((start, Context(text[start:end], 1.0, 0, 0, 1.0)))
        best_spans.append(sentences[best])
        patterns.append(sc.patterns(best))
    rows[:, 9:11] = _NO_SPAN
    owner, a, b, f = span_rows(q.parsed, [ctx for _, ctx in windows], max_words=SPAN_WORDS, patterns=patterns)
    if len(owner):
        spans = score(f).astype(np.float32)
        start, (lo, hi) = np.array([s for s, _ in windows])[owner], np.array(best_spans).T[:, owner]
        in_best = (lo <= start + a) & (start + b <= hi)
        np.maximum.at(rows[:, 9], owner, spans)  # the best span of the passage …
        np.maximum.at(rows[:, 10], owner[in_best], spans[in_best])  # … and of its best sentence
    return rows


def rerank_features(
    question: str | Wording | QuestionTerms,
    candidates: Sequence[Candidate],
    idf: Callable[[str], float],
    known: Mapping[int, np.ndarray] | None = None,
) -> np.ndarray:
    """One feature row per candidate, shape (len(candidates), N_FEATURES); `known` holds `text_rows` already
    computed for some chunk ids (the same question)."""
    q = question if isinstance(question, QuestionTerms) else analyse(question, idf)
    known = known or {}
    todo = [c for c in candidates if c.chunk_id not in known]
    fresh = dict(
        zip((c.chunk_id for c in todo), text_rows(q, [c.text for c in todo], [c.scan for c in todo]), strict=True)
    )
    rows = np.zeros((len(candidates), N_FEATURES), dtype=np.float32)
    for n, c in enumerate(candidates):
        rows[n] = known[c.chunk_id] if c.chunk_id in known else fresh[c.chunk_id]
        rows[n, :3] = (c.fused, c.dense, c.keyword)
    if candidates:
        rows[:, 1] -= rows[:, 1].max()  # dense: distance to the best candidate
        rows[:, 2] /= rows[:, 2].max() or 1.0  # BM25: share of the best candidate's
    return rows


def fuse(
    dense: list[tuple[int, float]], keyword: list[tuple[int, float]], method: str = "score", dense_weight: float = 0.5
) -> list[tuple[int, float]]:
    """Merge two ranked lists into one, best first; either list may be empty."""
    if not keyword or not dense:
        return dense or keyword
    fused: dict[int, float] = {}
    for hits, weight in ((dense, dense_weight), (keyword, 1 - dense_weight)):
        if method == "rrf":
            for rank, (cid, _) in enumerate(hits):
                fused[cid] = fused.get(cid, 0.0) + weight / (60 + rank + 1)
        else:
            top, low = hits[0][1], hits[-1][1]
            span = (top - low) or 1.0
            for cid, score in hits:
                fused[cid] = fused.get(cid, 0.0) + weight * (score - low) / span
    return sorted(fused.items(), key=lambda kv: -kv[1])


def probabilities(ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """`rerank`'s order, each chunk scored by its softmax probability over the candidates."""
    logits = np.array([s for _, s in ranked])
    probs = np.exp(logits - logits.max())
    return [(cid, float(p)) for (cid, _), p in zip(ranked, probs / probs.sum(), strict=True)]


def rerank(
    question: str | Wording | QuestionTerms,
    candidates: Sequence[Candidate],
    idf: Callable[[str], float],
    model: dict[str, np.ndarray] | None = None,
    known: Mapping[int, np.ndarray] | None = None,
) -> list[tuple[int, float]]:
    """(chunk id, reranker score) for every candidate, best first."""
    if len(candidates) < 2:
        return [(c.chunk_id, c.fused) for c in candidates]
    rows = rerank_features(question, candidates, idf, known)
    scores = mlp.forward(rows, model or mlp.load("rerank_model.json"))
    order = np.argsort(-scores, kind="stable")
    return [(candidates[i].chunk_id, float(scores[i])) for i in order]
