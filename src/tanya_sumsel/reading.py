"""Reading: the learned reader decides the answer. It reads windows around the best sentences of the retrieved
passages; the window whose best span beats "no answer" by the most gives the short answer, and the sentence that
holds the span is cited and quoted. Below the threshold chosen on validation data, the answer is declined."""

from __future__ import annotations

from collections.abc import Callable

from .answer import Composed, abstention, attribution, compose
from .chunk_scan import ChunkScan
from .question_forms import reader_question
from .reader import LearnedReader, Reading, Window, load_reader
from .results import Citation, Passage
from .retrieve import Retriever
from .sentences import Candidate, rank_sentences

READ_WINDOWS = 3  # windows read per question (each around one of the best sentences not yet read)
WINDOW_WORDS = 90  # ~130 e5 tokens of Indonesian: the window and the question fit the reader's 160
SHORT_WORDS = 12  # a longer span is quoted, not shown as a short answer


def _by_passage(ranked: list[Candidate]) -> dict[tuple[str, int], list[Candidate]]:
    """Each passage's ranked sentences in text order."""
    groups: dict[tuple[str, int], list[Candidate]] = {}
    for c in ranked:
        groups.setdefault((c.passage.article_id, c.passage.start), []).append(c)
    return {k: sorted(v, key=lambda c: c.start) for k, v in groups.items()}


def windows_for(ranked: list[Candidate], limit: int = READ_WINDOWS, words: int = WINDOW_WORDS) -> list[Window]:
    """Windows around the best sentences: each grows from its sentence to its neighbours up to `words` words."""
    groups, out = _by_passage(ranked), []
    read: set[tuple[str, int, int]] = set()
    for c in ranked:
        if len(out) >= limit:
            break
        p = c.passage
        if (p.article_id, p.start, c.start) in read:
            continue
        sentences = groups[(p.article_id, p.start)]
        i = j = next(n for n, s in enumerate(sentences) if s.start == c.start)
        size = len(c.text.split())
        while True:
            grow = [n for n in (j + 1, i - 1) if 0 <= n < len(sentences)]
            grow = [n for n in grow if size + len(sentences[n].text.split()) <= words]
            if not grow:
                break
            n = grow[0]
            size += len(sentences[n].text.split())
            i, j = min(i, n), max(j, n)
        read |= {(p.article_id, p.start, s.start) for s in sentences[i : j + 1]}
        out.append(Window(p, sentences[i].start - p.start, sentences[j].end - p.start))
    return out


def best_reading(
    question: str,
    passages: list[Passage],
    reader: LearnedReader,
    context: str = "",
    scans: Callable[[Passage], ChunkScan | None] | None = None,
) -> tuple[list[Candidate], Reading | None]:
    """The ranked sentences, and the reading of the window whose span beats "no answer" by the most (None: no span)."""
    ranked = rank_sentences(question, passages, context=context, scans=scans)
    windows = windows_for(ranked)
    asked = reader_question(question, [w.passage.text[w.start : w.end] for w in windows])
    readings = [r for r in reader.read(asked, windows) if r.start is not None]
    return ranked, max(readings, key=lambda r: r.margin, default=None)


def read_compose(
    question: str,
    passages: list[Passage],
    lang: str,
    reader: LearnedReader,
    context: str = "",
    scans: Callable[[Passage], ChunkScan | None] | None = None,
) -> Composed:
    """The reader's answer: a short answer and its quoted sentence [1], or the explained abstention."""
    ranked, best = best_reading(question, passages, reader, context, scans)
    if not ranked:
        return Composed(abstention(lang, None), (), True, 0.0)
    if best is None or best.margin < reader.threshold:
        return Composed(abstention(lang, ranked[0].passage), (), True, best.probability if best else 0.0)
    p = best.window.passage
    assert best.start is not None and best.end is not None
    held = [c for c in _by_passage(ranked)[(p.article_id, p.start)] if c.end > p.start + best.start]
    first = held[0]
    last = next((c for c in held if c.end >= p.start + best.end), held[-1])
    quote = p.text[first.start - p.start : last.end - p.start]
    span = (p.start + best.start, p.start + best.end)
    words = best.text.split()
    short = " ".join(words) if len(words) <= SHORT_WORDS else None
    citation = Citation(
        1,
        p.article_id,
        p.title,
        p.source,
        p.date,
        p.url,
        quote,
        first.start,
        last.end,
        first.score,
        span,
        p.also_reported,
    )
    parts = [f"{attribution(p, lang)}: “{quote}” [1]"]
    if short:
        parts.insert(0, ("Short answer" if lang == "en" else "Jawaban singkat") + f": {short} [1]")
    return Composed("\n\n".join(parts), (citation,), False, best.probability, short, None, None, None, p)


def compose_for(question: str, passages: list[Passage], lang: str, retriever: Retriever, context: str = "") -> Composed:
    """The extractive answer for the retriever's settings: the rules' (`reader=rules`, the default), or the learned
    reader's (`reader=learned`); an English question the reader declines gets the rules' reading too."""
    reader = load_reader(retriever.settings)
    if reader is not None:
        read = read_compose(question, passages, lang, reader, context, retriever.scan_of)
        # The reader saw English only code-mixed in training; where it declines a real English question, the rules'
        # English-Indonesian glossary may still find the sentence (FacQA valid's 39 English variants: reader alone
        # answer_contains 0.51, with this 0.54, rules alone 0.31)
        if not (read.abstained and lang == "en"):
            return read
    return compose(question, passages, lang, context, retriever.store.idf, retriever.article, retriever.scan_of)
