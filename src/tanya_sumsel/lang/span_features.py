"""The features of a candidate short-answer span, by name: the question type, date/amount/name/place patterns,
distance to the question's words, capitalization, the sentence's and passage's rank … (one row per span)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tanya_sumsel.lang.entities import (
    HEAD,
    Tokens,
    pattern_spans,
    span_tokens,
)
from tanya_sumsel.lang.normalize import EXPANSIONS, STOPWORDS, stem, terms, tokens
from tanya_sumsel.lang.span_columns import ANSWERS_TYPES, KINDS, N_FEATURES, F
from tanya_sumsel.lang.token_flags import (
    CAP,
    CLOSE,
    COMMA,
    CUE,
    DIGIT,
    ENDS,
    LOWER,
    OPEN,
    ORG,
    STOP,
    WORD,
    describe,
    span_kind,
)

MAX_WORDS = 10


@dataclass(frozen=True)
class Context:
    """A candidate sentence and how it was ranked: score relative to the best sentence, ranks from 0."""

    text: str
    score: float
    rank: int
    passage_rank: int
    passage_score: float


@dataclass(frozen=True)
class Question:
    """What the features need to know about the question."""

    qtype: str
    head: str | None  # 'partai' in 'Partai apakah …?'
    words: frozenset[str]
    stems: frozenset[str]

    def knows(self, word: str) -> bool:
        """Whether the question already says this lower-case word (as written or stemmed)."""
        return word in self.words or stem(word) in self.stems


def parse_question(question: str, qtype: str, stemmed: Sequence[str] | None = None) -> Question:
    """The question's type, head noun and words; `stemmed`: its `terms(question, translate=True)`, when known."""
    m = HEAD.search(question)
    head = next((g.lower() for g in (m.groups() if m else ()) if g), None)
    if head in STOPWORDS or head in {"nama", "yang"}:
        head = None
    stems = list(stemmed) if stemmed is not None else terms(question, translate=True)
    stems += [stem(w) for t in stems for w in EXPANSIONS.get(t, "").split()]  # 'Sekda' knows 'Sekretaris Daerah'
    return Question(qtype, head, frozenset(tokens(question)), frozenset(stems))


def _grid(kind: np.ndarray, ends: np.ndarray, max_words: int) -> tuple[np.ndarray, np.ndarray]:
    """[i, j) token spans, ordered by i then j: start on a word, end on a word or ')', cross only `INNER`
    punctuation, stay inside the context (`ends`: per token, where its context ends) and hold up to `max_words`."""
    n = len(kind)
    at = np.arange(n)[:, None] + np.arange(max_words)[None, :]  # row i, column d: token i + d
    k = np.where(at < ends[:, None], kind[np.minimum(at, n - 1)], -1)
    ok = np.logical_and.accumulate(k >= 0, axis=1) & (k != 0) & (kind == 2)[:, None]
    i, d = np.nonzero(ok)
    return i, i + d + 1


def _ranks(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Each code's rank among the distinct codes (0 for the smallest), and how many there are."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.cumsum(np.concatenate([[False], ordered[1:] != ordered[:-1]]))
    return rank, int(rank[order[-1]]) + 1 if len(codes) else 0


def _holders(words: list[str], which: np.ndarray, i: np.ndarray, j: np.ndarray, width: int) -> np.ndarray:
    """Per span words[i:j] (at most `width` tokens), how many contexts hold a span of the same words, case and
    punctuation aside. A sequence's id pairs its first words' id with the next word (a string per span: 3x slower)."""
    ids: dict[str, int] = {}
    word = np.array([ids.setdefault(w.lower(), len(ids) + 1) if w[0].isalnum() else 0 for w in words])
    at = i[:, None] + np.arange(width)
    rows = np.where(at < j[:, None], word[np.minimum(at, len(words) - 1)], 0)
    rows = np.take_along_axis(rows, np.argsort(rows == 0, axis=1, kind="stable"), axis=1)  # punctuation last
    key, used = np.zeros(len(i), dtype=np.int64), 1  # 0: no word at all
    for column in rows.T:
        more = column > 0
        pair, n = _ranks(key[more] * (len(ids) + 1) + column[more])
        key[more], used = pair + used, used + n  # ids of longer sequences never meet shorter ones
    pairs, n = _ranks(key * (int(which.max()) + 1) + which)
    words_of = np.zeros(n, dtype=np.int64)  # each distinct (words, context) pair's words
    words_of[pairs] = key
    return np.bincount(words_of, minlength=used)[key]


def features(
    q: Question,
    contexts: Sequence[Context],
    *,
    repeats: bool = False,
    max_words: int = MAX_WORDS,
    patterns: Sequence[dict[str, list[tuple[int, int]]] | None] = (),
) -> list[tuple[list[tuple[int, int]], np.ndarray]]:
    """Per context: the character spans of every candidate (up to `max_words` words) and their feature rows.

    `repeats`: count in how many of the contexts each span recurs. `patterns`: per context, its pattern spans
    when already known (a stored chunk scan), else None."""
    which, a, b, f = span_rows(q, contexts, repeats=repeats, max_words=max_words, patterns=patterns)
    chars = list(zip(a.tolist(), b.tolist(), strict=True))
    out, done = [], 0
    for m in np.bincount(which, minlength=len(contexts)).tolist():
        out.append((chars[done : done + m], f[done : done + m]))
        done += m
    return out


def span_rows(
    q: Question,
    contexts: Sequence[Context],
    *,
    repeats: bool = False,
    max_words: int = MAX_WORDS,
    patterns: Sequence[dict[str, list[tuple[int, int]]] | None] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`features` as flat arrays, ordered by context: each span's context, its character start and end in that
    context, and its feature row.

    One vectorized pass over all contexts (numpy's per-call overhead dominated when each went through alone);
    word windows stop at their context's edge."""
    toks: Tokens = []
    ctx_of: list[int] = []  # per token, its context
    found_all: dict[str, list[tuple[int, int]]] = {}
    for n, ctx in enumerate(contexts):
        offset = len(toks)
        local = span_tokens(ctx.text)
        toks += local
        ctx_of += [n] * len(local)
        matched = patterns[n] if patterns and patterns[n] is not None else pattern_spans(ctx.text, local)
        for kind, found in matched.items():
            found_all.setdefault(kind, []).extend((a + offset, b + offset) for a, b in found)
    words = [t[0] for t in toks]
    n = len(words)
    bits, low, stems = describe(words)
    owner = np.array(ctx_of, dtype=np.int64)
    starts_at = np.searchsorted(owner, np.arange(len(contexts)))  # each context's first token
    ends_at = np.append(starts_at[1:], n)
    i, j = _grid(span_kind(bits), ends_at[owner], max_words) if n else (np.zeros(0, int), np.zeros(0, int))
    which = owner[i]
    if not len(i):
        none = np.zeros(0, dtype=np.int64)
        return none, none, none, np.zeros((0, N_FEATURES), dtype=np.float32)
    isword, cap, stop = (bits & WORD) > 0, (bits & CAP) > 0, (bits & STOP) > 0
    inq = np.array([w in q.words or s in q.stems for w, s in zip(low, stems, strict=True)])
    anchor = isword & inq & ~stop

    def upto(flags: np.ndarray) -> np.ndarray:  # prefix counts over word tokens: upto(x)[j] - upto(x)[i]
        return np.concatenate([[0], np.cumsum(flags & isword)])

    lo, hi = starts_at[which], ends_at[which]
    first, last = i > lo, j < hi  # a token before / after the span inside its context
    count = upto(np.ones(n, bool))
    nw = (count[j] - count[i]).astype(np.float32)
    allcap = upto(cap)[j] - upto(cap)[i] == nw
    digit = upto((bits & DIGIT) > 0)
    overlap = (upto(inq)[j] - upto(inq)[i]) / nw
    prev_anchor = np.maximum.accumulate(np.where(anchor, np.arange(n), -1))[np.maximum(i - 1, 0)]
    next_anchor = np.minimum.accumulate(np.where(anchor, np.arange(n), n)[::-1])[::-1][np.minimum(j, n - 1)]
    # the nearest question word before / after the span; 1000 stands for none (in context-local positions)
    left = np.where(first & (prev_anchor >= lo), i - prev_anchor, i - lo + 1000)
    right = np.where(last & (next_anchor < hi), next_anchor - j + 1, 1000 - (j - lo) + 1)
    near = np.minimum(left, right)
    near = np.where(near > 500, 30, near)  # no question word outside the span
    f = np.zeros((len(i), N_FEATURES), dtype=np.float32)
    f[:, F["bias"]] = 1.0
    f[np.arange(len(i)), F["words_1"] - 1 + np.minimum(nw, 6).astype(int)] = 1.0  # 1 … 6+ words
    f[:, F["all_capitalized"]], f[:, F["first_capitalized"]], f[:, F["last_capitalized"]] = allcap, cap[i], cap[j - 1]
    f[:, F["has_digit"]] = digit[j] - digit[i] > 0
    f[:, F["question_overlap"]], f[:, F["all_in_question"]] = overlap, overlap == 1.0
    f[:, F["first_is_stopword"]], f[:, F["last_is_stopword"]] = stop[i], stop[j - 1]
    pad = isword & cap & ~inq
    f[:, F["cuts_capitalized_run_left"]] = first & pad[np.maximum(i - 1, 0)]
    f[:, F["cuts_capitalized_run_right"]] = last & pad[np.minimum(j, n - 1)]
    f[:, F["log_nearest_question_word"]] = np.log1p(near)
    f[:, F["question_word_just_left"]] = (left >= 1) & (left <= 2)
    f[:, F["question_word_just_right"]] = (right >= 1) & (right <= 2)
    around = upto(anchor)  # question words close around the span (a sliding-window match, not just the nearest)

    def before(x: np.ndarray, w: int) -> np.ndarray:
        return x[i] - x[np.maximum(i - w, lo)]

    def after(x: np.ndarray, w: int) -> np.ndarray:
        return x[np.minimum(j + w, hi)] - x[j]

    f[:, F["question_words_5_before"]], f[:, F["question_words_5_after"]] = before(around, 5), after(around, 5)
    f[:, F["question_words_10_share"]] = (before(around, 10) + after(around, 10)) / max(1, len(q.stems))
    f[:, F["question_words_3_around"]] = before(around, 3) + after(around, 3)
    named = upto(anchor & cap)  # the question's names and numbers nearby count most
    f[:, F["question_names_10_around"]] = before(named, 10) + after(named, 10)
    rows = np.arange(len(i))
    f[:, F["sentence_score"]] = np.array([c.score for c in contexts])[which]
    f[rows, F["sentence_rank_0"] + np.minimum([c.rank for c in contexts], 3)[which]] = 1.0
    f[rows, F["passage_rank_0"] + np.minimum([c.passage_rank for c in contexts], 2)[which]] = 1.0
    qtype = q.qtype if q.qtype in ANSWERS_TYPES else "what"
    for kind in KINDS:
        found = found_all.get(kind, [])
        member = np.zeros(n, dtype=bool)
        for a, b in found:
            member[a:b] = True
        exact = np.zeros((n, max_words), dtype=bool)  # (first token, length - 1) of each match a span can equal
        for a, b in found:
            if b - a <= max_words:
                exact[a, b - a - 1] = True
        is_exact = exact[i, j - i - 1]
        inside = upto(member)[j] - upto(member)[i] == nw
        f[:, F[f"is_{kind}"]], f[:, F[f"inside_{kind}"]], f[:, F[f"{qtype}_is_{kind}"]] = (
            is_exact,
            inside & ~is_exact,
            is_exact,
        )
        f[:, F[f"{qtype}_inside_any"]] = np.maximum(f[:, F[f"{qtype}_inside_any"]], inside)
    f[:, F[f"{qtype}_has_digit"]], f[:, F[f"{qtype}_all_capitalized"]] = f[:, F["has_digit"]], allcap
    f[:, F[f"{qtype}_first_capitalized_only"]], f[:, F[f"{qtype}_question_overlap"]] = cap[i] & ~allcap, overlap
    for k, cue in enumerate(CUE):  # the word before each span
        f[:, F["after_cue_place"] + k] = first & ((bits & cue) > 0)[np.maximum(i - 1, 0)]
    if q.head is not None:
        is_head = np.array([w == q.head for w in low])
        heads = np.concatenate([[0], np.cumsum(is_head)])
        f[:, F["first_is_head_noun"]], f[:, F["has_head_noun"]] = is_head[i], heads[j] - heads[i] > 0
        f[:, F["after_head_noun"]] = first & is_head[np.maximum(i - 1, 0)]
    opened, closed, comma = (np.concatenate([[0], np.cumsum((bits & c) > 0)]) for c in (OPEN, CLOSE, COMMA))
    has_open, has_close = opened[j] - opened[i] > 0, closed[j] - closed[i] > 0
    f[:, F["balanced_brackets"]], f[:, F["unbalanced_bracket"]] = has_open & has_close, has_open != has_close
    f[:, F["has_comma"]] = comma[j] - comma[i] > 0
    f[:, F["ends_in_punctuation"]] = ((bits & ENDS) > 0)[j - 1]
    f[:, F["first_is_org_word"]] = ((bits & ORG) > 0)[i]
    f[:, F["passage_score"]] = np.array([c.passage_score for c in contexts])[which]
    f[:, F["first_lowercase"]] = ((bits & LOWER) > 0)[i]
    if repeats:  # the same span in other top sentences
        f[:, F["log_repeats_in_other_sentences"]] = np.log(_holders(words, which, i, j, max_words))
    offsets = np.array([t[1:] for t in toks])
    return which, offsets[i, 0], offsets[j - 1, 1], f
