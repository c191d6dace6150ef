"""Judge: whether the evidence answers the question (else abstain), and whether a short answer is sure enough to show.

Two small learned models, trained by `training/train_abstain.py` on FacQA's train split and thresholded on its
valid split (which no model was trained on):
- `abstain_model.json` (logistic): the probability that the passage an answer would cite holds the answer,
  from how it covers the question's subject (`subject.py`), the sentence score, and the retrieval scores;
- `show_model.json` (logistic): the probability that the best short-answer span is right, from its score, its lead
  over the best rival, its length, the question type, and every input of the first model for its sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tanya_sumsel import mlp
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.reading.short_answer import Span
from tanya_sumsel.reading.subject import Subject, evidence_words, support
from tanya_sumsel.types import Passage

QTYPES = ("who", "when", "amount", "where", "what", "why", "how")
N_ANSWER_FEATURES = 21
QUANTITY_FEATURE = 8  # the column of `answer_features` saying the asked kind of quantity is quoted
N_SHOW_FEATURES = 10 + N_ANSWER_FEATURES


def answer_features(
    question: str | Wording,
    subject: Subject,
    lead: tuple[str, Passage],
    quoted: Sequence[str],
    top_score: float,
    lead_rank: int,
    passages: Sequence[Passage],
    span: Span | None,
    idf: Callable[[str], float] | None,
) -> np.ndarray:
    """The abstention model's input for answering `question` (whose `subject` the caller has parsed) with `lead`
    (sentence, its passage), quoting `quoted`."""
    sentence, passage = lead
    evidence = support(subject, evidence_words([passage.text, passage.title]), quoted, idf)
    own = support(subject, evidence_words([sentence]), quoted, idf)
    best = max((support(subject, evidence_words([p.text, p.title]), (), idf).coverage for p in passages[:3]), default=0)
    names, numbers = len(subject.names), len(subject.numbers)
    qtype = wording(question).kind
    similarities = [p.similarity for p in passages[:5]] or [0.0]
    return np.array(
        [
            top_score,
            evidence.coverage,
            own.coverage,
            best,
            len(evidence.missing_names) / names if names else 0.0,
            float(names > 0),
            len(evidence.missing_numbers) / numbers if numbers else 0.0,
            float(numbers > 0),
            float(evidence.quantity),
            passage.similarity,
            max(similarities),
            passage.score,
            passage.relevance,
            span.score if span is not None else 0.0,
            float(span is not None),
            min(lead_rank, 3),
            *(float(qtype == t) for t in QTYPES[:5]),
        ],
        dtype=np.float32,
    )


def answerable(features: np.ndarray) -> tuple[float, bool]:
    """(probability that the cited passage holds the answer, whether that clears the calibrated threshold)."""
    model = mlp.load("abstain_model.json")
    p = float(mlp.logistic(features[None, :], model)[0])
    return p, p >= float(model["threshold"])


def show_features(span: Span, question: str | Wording, evidence: np.ndarray) -> np.ndarray:
    """The display model's input for one short-answer span; `evidence` is `answer_features` for its sentence."""
    qtype = wording(question).kind
    words = len(span.text.split())
    head = [span.score, span.margin, min(words, 6), *(float(qtype == t) for t in QTYPES)]
    return np.concatenate([np.array(head, dtype=np.float32), evidence])


def sure(features: np.ndarray) -> tuple[float, bool]:
    """(probability that the short answer is right, whether it clears the calibrated display threshold)."""
    model = mlp.load("show_model.json")
    p = float(mlp.logistic(features[None, :], model)[0])
    return p, p >= float(model["threshold"])
