"""The learned reader: reads the question against windows of the best passages and returns, per window, the best
answer span and how far it beats "no answer" (SQuAD 2.0's null score), with a probability calibrated on validation
data. Trained by `training/train_reader.py`; assembled and quantized at first use by `reading/export.py`; run here
with onnxruntime on one thread (no torch)."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from tanya_sumsel.embedding.onnx_query import _Rows
from tanya_sumsel.embedding.tokenizer import EOS, load_tokenizer
from tanya_sumsel.settings import Settings
from tanya_sumsel.types import Passage

MAX_SPAN_TOKENS = 30
QUESTION_TOKENS = 40
REMEMBERED = 256  # readings kept per reader: a question's later pass (over time) rereads some of its windows
EDGE = " \t\n.,;:!?)(\"'“”‘’[]-–—/"  # stripped from a span's ends: the answer is the words, not the punctuation


@dataclass(frozen=True)
class Window:
    """A stretch of a passage the reader reads: `start`/`end` index `passage.text`."""

    passage: Passage
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one window: its best span (offsets in `passage.text`, None when empty) and margin."""

    window: Window
    margin: float  # best span score minus the no-answer score
    probability: float  # calibrated P(the span answers the question)
    start: int | None
    end: int | None

    @property
    def text(self) -> str:
        """The span's characters ('' when there is none)."""
        if self.start is None or self.end is None:
            return ""
        return self.window.passage.text[self.start : self.end]


Span = tuple[float, int | None, int | None]  # a window's best span: margin over "no answer", offsets (None: empty)


def _key(question: str, w: Window) -> tuple[str, str, int, int, str]:
    """What a reading depends on: the question and the window's text where it lies."""
    return question, w.passage.article_id, w.passage.start, w.start, w.passage.text[w.start : w.end]


class Reader(Protocol):
    """What decides an answer: per window, its best span and how far it beats "no answer" (`LearnedReader`; a
    scripted fake in tests/fakes.py). A reading at or above `threshold` answers."""

    threshold: float

    def read(self, question: str, windows: list[Window]) -> list[Reading]:
        """One reading per window, in the windows' order."""
        ...


class LearnedReader:
    """The int8 reader graph with the question encoder's word table and tokenizer (one onnxruntime thread)."""

    def __init__(self, folder: Path, words: Path, record: dict, threads: int = 1) -> None:
        import onnxruntime as ort

        self.record = record  # the shipped record: its threshold and calibration can change without a new export
        self.max_len = int(self.record["max_len"])
        self.threshold = float(self.record["threshold"])
        self.a, self.b = (float(x) for x in self.record.get("calibration", (1.0, 0.0)))
        self.tokenizer = load_tokenizer(words, self.max_len)
        self.words = _Rows(words / "words.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "reader.onnx"), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()
        self._seen: OrderedDict[tuple[str, str, int, int, str], Span] = OrderedDict()

    def probability(self, margin: float) -> float:
        """P(answer is right) for a margin (logistic calibration fitted on validation data)."""
        return 1.0 / (1.0 + math.exp(-(self.a * margin + self.b)))

    def read(self, question: str, windows: list[Window]) -> list[Reading]:
        """One reading per window, in the windows' order; a window this question already read is not read again (a
        dated answer's second pass over the other articles rereads about 45% of its windows)."""
        keys = [_key(question, w) for w in windows]
        with self._lock:
            known = {k: self._seen[k] for k in keys if k in self._seen}
        new = {k: w for k, w in zip(keys, windows, strict=True) if k not in known}
        known.update(zip(new, self._spans(question, list(new.values())), strict=True))
        with self._lock:
            for k in new:
                self._seen[k] = known[k]
            while len(self._seen) > REMEMBERED:
                self._seen.popitem(last=False)
        return [
            Reading(w, m, self.probability(m), a, b)
            for w, (m, a, b) in zip(windows, map(known.__getitem__, keys), strict=True)
        ]

    def rows(self, question: str, windows: list[Window]) -> tuple[list[list[int]], list[list[tuple[int, int]]], int]:
        """What the graph reads per window: token ids (question, EOS, passage pieces, EOS), each passage piece's
        character offsets in `passage.text`, and the index of the passage's first token."""
        q = self.tokenizer.encode(question)[:QUESTION_TOKENS]
        q = [*q[:-1], EOS] if q[-1] != EOS else q
        rows, spans = [], []
        for w in windows:
            pieces = self.tokenizer.pieces_with_offsets(w.passage.text[w.start : w.end])
            pieces = pieces[: self.max_len - len(q) - 2]
            rows.append([*q, EOS, *(i for i, _, _ in pieces), EOS])
            spans.append([(w.start + a, w.start + b) for _, a, b in pieces])
        return rows, spans, len(q) + 1

    def _spans(self, question: str, windows: list[Window]) -> list[Span]:
        """Per window, read together in one batch: the best span's margin over "no answer" and its offsets."""
        if not windows:
            return []
        rows, spans, first = self.rows(question, windows)
        width = max(map(len, rows))
        ids = np.full((len(rows), width), 1, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            ids[r, : len(row)], mask[r, : len(row)] = row, 1
        feeds = {"words": self.words[ids].astype(np.float32), "mask": mask}
        with self._lock:
            starts, ends = self.session.run(None, feeds)
        return [self._decode(w, starts[r], ends[r], first, spans[r]) for r, w in enumerate(windows)]

    def _decode(self, w: Window, s: np.ndarray, e: np.ndarray, first: int, offsets: list[tuple[int, int]]) -> Span:
        """The best span of at most MAX_SPAN_TOKENS passage tokens (`first` is the passage's first) against the
        no-answer score, its ends stripped of punctuation."""
        n = len(offsets)
        null = float(s[0] + e[0])
        if n == 0:
            return -1e9, None, None
        ps, pe = s[first : first + n], e[first : first + n]
        best, at = -1e18, (0, 0)
        for length in range(min(MAX_SPAN_TOKENS, n)):  # spans of `length + 1` tokens, all at once
            total = ps[: n - length] + pe[length:]
            i = int(total.argmax())
            if total[i] > best:
                best, at = float(total[i]), (i, i + length)
        margin = best - null
        text = w.passage.text
        a, b = offsets[at[0]][0], offsets[at[1]][1]
        while a < b and text[a] in EDGE:
            a += 1
        while b > a and text[b - 1] in EDGE:
            b -= 1
        return (margin, None, None) if a >= b else (margin, a, b)


def load_reader(settings: Settings) -> LearnedReader | None:
    """The learned reader for these settings (None when `reader` is 'rules' or the embedder is not e5)."""
    if settings.reader != "learned" or settings.embed_model != "e5":
        return None
    return _reader_in(str(settings.cache_dir))


@lru_cache(maxsize=2)
def _reader_in(cache_dir: str) -> LearnedReader:
    """The reader of one model cache, resolved once per process: the folder checks and the shipped weights' hash
    (42 MB read) are start-up work, not work for every question."""
    from tanya_sumsel.embedding.e5_convert import converted_folder
    from tanya_sumsel.embedding.onnx_build import ensure_int8
    from tanya_sumsel.reading.export import ensure_reader, shipped

    model_dir = converted_folder(Path(cache_dir) / "models")  # its exports only: the folder itself need not exist
    return LearnedReader(ensure_reader(model_dir), ensure_int8(model_dir), shipped()[1])
