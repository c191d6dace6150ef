"""Chunk scan: the question-independent part of the reranker's features of a chunk, made once when the index is
built and stored beside the chunk, so answering a question only does the work that depends on the question.

A scan holds the chunk's sentences with their BM25 terms, its lower-cased tokens and the date/amount/name/place
matches of each sentence's own text (the short answer reads sentences) and of every window the reranker can score
spans in (a sentence with its neighbours).
`rerank.text_rows` gives the same rows with or without a scan (tested); a chunk stored without one (an index built
before scans existed) is scanned on the spot. Stored as JSON text: nothing executable is ever loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.lang.entities import pattern_spans, span_tokens
from tanya_sumsel.lang.normalize import terms, tokens

SCAN_VERSION = 2  # bump whenever what a scan holds or how it is computed changes: older scans are then ignored
Bounds = tuple[int, int]
Patterns = dict[str, list[Bounds]]  # pattern kind → [first, last) token spans of a window (entities.pattern_spans)


@dataclass(frozen=True)
class ChunkScan:
    """What a chunk's reranker features need before the question is known."""

    sentences: tuple[Bounds, ...]  # [start, end) of each sentence (the whole text when none is found)
    sentence_terms: tuple[tuple[str, ...], ...]  # textnorm.terms of each sentence
    words: frozenset[str]  # textnorm.tokens of the whole text
    windows: tuple[dict[str, list[int]], ...] = ()  # per centre sentence: its window's patterns, flattened; () unknown
    own: tuple[dict[str, list[int]], ...] = ()  # per sentence: its own patterns, flattened; () unknown

    def patterns(self, best: int) -> Patterns | None:
        """The pattern spans of the window centred on sentence `best`, None when the scan lacks them."""
        return _unflatten(self.windows[best]) if best < len(self.windows) else None

    def sentence_patterns(self, n: int) -> Patterns | None:
        """The pattern spans of sentence `n` alone, None when the scan lacks them."""
        return _unflatten(self.own[n]) if n < len(self.own) else None


def _pairs(flat: list[int]) -> list[Bounds]:
    """[a, b, c, d] → [(a, b), (c, d)]: bounds are stored flat."""
    return list(zip(flat[::2], flat[1::2], strict=True))


def _unflatten(flat: dict[str, list[int]]) -> Patterns:
    return {kind: _pairs(v) for kind, v in flat.items()}


def _found(piece: str) -> dict[str, list[int]]:
    return {k: [x for b in v for x in b] for k, v in pattern_spans(piece, span_tokens(piece)).items()}


def window(scan: ChunkScan, best: int) -> Bounds:
    """The characters the reranker scores spans in: sentence `best` with the one before and the one after."""
    last = len(scan.sentences) - 1
    return scan.sentences[max(best - 1, 0)][0], scan.sentences[min(best + 1, last)][1]


def scan(text: str, *, windows: bool = True) -> ChunkScan:
    """Scan a chunk's text: what a build stores; without `windows`, what a question needs of a chunk stored without
    a scan (its best window's patterns are then found on the spot)."""
    sentences = tuple((s.start, s.end) for s in split_sentences(text)) or ((0, len(text)),)
    partial = ChunkScan(sentences, tuple(tuple(terms(text[a:b])) for a, b in sentences), frozenset(tokens(text)))
    if not windows:
        return partial
    found: dict[Bounds, dict[str, list[int]]] = {}
    for bounds in [*sentences, *(window(partial, best) for best in range(len(sentences)))]:
        if bounds not in found:  # a short chunk's windows are often the same characters (or one sentence)
            found[bounds] = _found(text[bounds[0] : bounds[1]])
    windows = tuple(found[window(partial, b)] for b in range(len(sentences)))
    return replace(partial, windows=windows, own=tuple(found[b] for b in sentences))


def encode(s: ChunkScan) -> str:
    """The scan as stored (JSON text)."""
    stored = {
        "v": SCAN_VERSION,
        "s": [x for b in s.sentences for x in b],
        "t": [list(ts) for ts in s.sentence_terms],  # lists: the stemmer can leave a space inside a term
        "w": " ".join(sorted(s.words)),  # textnorm tokens never hold a space
        "p": list(s.windows),
        "o": list(s.own),
    }
    return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))


def decode(stored: str) -> ChunkScan | None:
    """A stored scan, or None when there is none or it was made by another version (the chunk is then scanned)."""
    if not stored:
        return None
    try:
        d = json.loads(stored)
        if d.get("v") != SCAN_VERSION:
            return None
        return ChunkScan(
            tuple(_pairs(d["s"])),
            tuple(map(tuple, d["t"])),
            frozenset(d["w"].split(" ")) if d["w"] else frozenset(),
            tuple(d["p"]),
            tuple(d["o"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged scan only costs time
