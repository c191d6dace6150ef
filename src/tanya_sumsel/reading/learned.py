"""Reading: the learned reader decides the answer. It reads windows around the best sentences of the retrieved
passages, best first; the first window whose span beats "no answer" by the threshold chosen on validation data gives
the short answer, and the sentences that hold the span are cited and quoted. Otherwise the answer is declined, unless
the reader came close and the rules, read independently, quote the very same span."""

from __future__ import annotations

import re
from collections.abc import Callable

from tanya_sumsel.corpus.chunk_scan import ChunkScan
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.question.forms import reader_question, reader_words
from tanya_sumsel.reading.reader import Reader, Reading, Window, load_reader
from tanya_sumsel.reading.rules import Composed, abstention, attribution, compose
from tanya_sumsel.reading.sentences import Candidate, rank_sentences
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.types import Citation, Passage

READ_WINDOWS = 3  # windows read per question (each around one of the best sentences not yet read)
WINDOW_WORDS = 90  # ~130 e5 tokens of Indonesian: the window and the question fit the reader's 160
SHORT_WORDS = 12  # a longer span is quoted, not shown as a short answer
# A reading below the threshold but above this margin stands when the rules, read independently, quote the same span.
# Chosen on the valid splits (margin: FacQA answer_contains / abstain, IDK-MRC answer_contains / unanswerable declined):
# none 0.868/0.064, 0.785/0.825; -4 0.878/0.048, 0.796/0.764; -6 0.878/0.045, 0.798/0.715; any 0.881/0.035, 0.801/0.653
AGREE_MARGIN = -4.0


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
    question: str | Wording,
    passages: list[Passage],
    reader: Reader,
    context: str = "",
    scans: Callable[[Passage], ChunkScan | None] | None = None,
    first_sure: bool = True,
    lang: str = "id",
) -> tuple[list[Candidate], Reading | None]:
    """The ranked sentences, and the reading that decides (None: no span): the first window above the threshold,
    else (or with `first_sure=False`, as calibration needs, independent of any threshold) the largest margin."""
    w = wording(question)
    ranked = rank_sentences(w, passages, context=context, scans=scans)
    windows = windows_for(ranked)
    asked = reader_question(w.text, [win.passage.text[win.start : win.end] for win in windows], lang)
    readings = [r for r in reader.read(asked, windows) if r.start is not None]
    # Windows come best sentence first (retrieval and sentence rank): the first one the reader is sure of wins, so a
    # surer span in a passage about something else does not (FacQA valid answer_contains 0.862 -> 0.868, the dated
    # set's time accuracy 0.80 -> 0.85, IDK-MRC valid unchanged, against the largest margin of all windows)
    sure = next((r for r in readings if r.margin >= reader.threshold), None) if first_sure else None
    return ranked, sure or max(readings, key=lambda r: r.margin, default=None)


def with_unit(question: str, text: str, start: int, end: int, lang: str = "id") -> int:
    """The span's end, moved past the counted noun a 'berapa <noun>' question names when the text puts it right
    after the number ('Berapa rumah …?' over '412 rumah warga' gives '412 rumah'; the reader often stops at 412).
    An English question names the noun in the glossary's word ('How many houses …?' counts 'rumah')."""
    asked = re.match(r"\s*(?:berapa|brp)\s+(\w+)", reader_words(question, lang), re.I)  # 'Brp' is not written out
    if not asked or not re.fullmatch(r"[\d.,]+(?:\s+(?:ribu|juta|miliar|triliun))?", text[start:end]):
        return end
    after = re.match(r"\s+(\w+)", text[end:])
    if after and after.group(1).lower() == asked.group(1).lower():
        return end + after.end()
    return end


def read_compose(
    question: Wording,
    passages: list[Passage],
    lang: str,
    reader: Reader,
    context: str = "",
    scans: Callable[[Passage], ChunkScan | None] | None = None,
) -> tuple[Composed, Reading | None, list[Candidate]]:
    """The reader's answer (a short answer and its quoted sentence [1], or the explained abstention), the reading it
    rests on (the best one even where it fell below the threshold) and the ranked sentences it was read from."""
    ranked, best = best_reading(question, passages, reader, context, scans, lang=lang)
    if not ranked:
        return Composed(abstention(lang, None), (), True, 0.0), None, ranked
    if best is None or best.margin < reader.threshold:
        closest = abstention(lang, ranked[0].passage)
        return Composed(closest, (), True, best.probability if best else 0.0), best, ranked
    return composed(question, best, ranked, lang), best, ranked


def composed(question: Wording, best: Reading, ranked: list[Candidate], lang: str) -> Composed:
    """The answer a reading gives: its span as the short answer, the sentences that hold it quoted as [1]."""
    p = best.window.passage
    assert best.start is not None and best.end is not None
    held = [c for c in _by_passage(ranked)[(p.article_id, p.start)] if c.end > p.start + best.start]
    first = held[0]
    last = next((c for c in held if c.end >= p.start + best.end), held[-1])
    quote = p.text[first.start - p.start : last.end - p.start]
    stop = with_unit(question.text, p.text, best.start, best.end, lang)
    span = (p.start + best.start, p.start + stop)
    words = p.text[best.start : stop].split()
    # An account ('Apa isi laporan …?') is quoted, not cut to a span: the rules show no short answer there either
    account = question.descriptive
    short = " ".join(words) if len(words) <= SHORT_WORDS and not account else None
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
        None if account else span,
        p.also_reported,
    )
    parts = [f"{attribution(p, lang)}: “{quote}” [1]"]
    if short:
        parts.insert(0, ("Short answer" if lang == "en" else "Jawaban singkat") + f": {short} [1]")
    return Composed("\n\n".join(parts), (citation,), False, best.probability, short, None, None, None, p)


def agrees(rules: Composed, best: Reading) -> bool:
    """Whether the rules' answer quotes the very span the reader read best, in the same article."""
    if rules.abstained or not rules.citations:
        return False
    lead = rules.citations[0]
    p = best.window.passage
    return lead.article_id == p.article_id and best.text.lower() in lead.quote.lower()


def compose_for(
    question: str | Wording,
    passages: list[Passage],
    lang: str,
    retriever: Retriever,
    context: str = "",
    reader: Reader | None = None,
) -> Composed:
    """The extractive answer for the retriever's settings: the learned reader's (`reader=learned`, the default) or
    the rules' (`reader=rules`). Where the reader falls short of its threshold, the rules are a second opinion: an
    answer they quote that holds the reader's own best span stands. `reader`: another `Reader` than the settings'."""
    w = wording(question)
    reader = reader if reader is not None else load_reader(retriever.settings)
    if reader is None:
        return compose(w, passages, lang, context, retriever.store.idf, retriever.article, retriever.scan_of)
    read, best, ranked = read_compose(w, passages, lang, reader, context, retriever.scan_of)
    if not read.abstained:
        return read
    # The reader saw English only code-mixed in training; where it declines a real English question, the rules'
    # English-Indonesian glossary may still find the sentence (FacQA valid's 39 English variants: 0.615 with this,
    # 0.590 with the agreement below instead)
    english = lang == "en"
    if not english and (best is None or best.margin < AGREE_MARGIN):
        return read
    rules = compose(w, passages, lang, context, retriever.store.idf, retriever.article, retriever.scan_of)
    if english:
        return rules
    return composed(w, best, ranked, lang) if best is not None and agrees(rules, best) else read
