"""Filtered views of an index: which chunks a view by date, outlet or exclusion may return, as one boolean mask
over chunk ids, computed from per-article columns loaded once (no article text is read per question)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from tanya_sumsel.corpus.ingest import WHOLE_ARTICLE_WORDS


@dataclass(frozen=True)
class ViewSpec:
    """What a view keeps: articles dated in [since, until] (ISO, inclusive) from `sources` (lower-cased; any when
    empty), never the excluded ones. `soft` (a period said in the question) also keeps undated records, paragraphs
    too short to be whole articles, articles naming one of `mentions` (years) and chunks reporting on a day in the
    period."""

    exclude: frozenset[str] = frozenset()
    since: str | None = None
    until: str | None = None
    sources: frozenset[str] = frozenset()
    soft: bool = False
    mentions: frozenset[str] = frozenset()

    def active(self) -> bool:
        """Whether the view hides anything at all."""
        return bool(self.exclude or self.since or self.until or self.sources)


@dataclass
class Catalog:
    """Per-article columns (date, outlet, words, years named) and per-chunk ones (article, days mentioned)."""

    ids: list[str]
    dates: np.ndarray  # '<U10', '' when undated
    sources: np.ndarray  # lower-cased outlet, '' when unknown
    words: np.ndarray
    years: dict[str, np.ndarray]  # year → the positions of the articles naming it
    chunk_article: np.ndarray  # chunk id → article position (-1: no such chunk)
    day_chunk: np.ndarray  # (chunk id, day) pairs: the days each chunk mentions
    day: np.ndarray
    position: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.position = {aid: n for n, aid in enumerate(self.ids)}

    @classmethod
    def from_rows(
        cls,
        articles: Iterable[tuple[str, str | None, str | None, int, str]],
        chunks: Iterable[tuple[int, str, str]],
    ) -> Catalog:
        """From (id, date, source, words, years) article rows and (chunk id, article id, days) chunk rows."""
        arts = list(articles)
        ids = [a[0] for a in arts]
        where = {aid: n for n, aid in enumerate(ids)}
        years: dict[str, list[int]] = {}
        for n, art in enumerate(arts):
            for year in art[4].split():
                years.setdefault(year, []).append(n)
        rows = list(chunks)
        top = max((r[0] for r in rows), default=-1)
        chunk_article = np.full(top + 1, -1, dtype=np.int32)
        day_chunk: list[int] = []
        day: list[str] = []
        for cid, aid, days in rows:
            chunk_article[cid] = where[aid]
            for d in days.split():
                day_chunk.append(cid)
                day.append(d)
        return cls(
            ids,
            np.array([a[1] or "" for a in arts], dtype="<U10"),
            np.array([(a[2] or "").lower() for a in arts], dtype=str),
            np.array([a[3] for a in arts], dtype=np.int32),
            {y: np.array(p, dtype=np.int32) for y, p in years.items()},
            chunk_article,
            np.array(day_chunk, dtype=np.int64),
            np.array(day, dtype="<U10"),
        )

    def chunk_mask(self, spec: ViewSpec) -> np.ndarray:
        """Per chunk id: whether the view may return the chunk."""
        keep, allowed = self._masks(spec)
        present = self.chunk_article >= 0
        mask = np.zeros(len(self.chunk_article), dtype=bool)
        mask[present] = keep[self.chunk_article[present]]
        if spec.soft and (spec.since or spec.until):  # a chunk of another date reporting on a day in the period
            on = (self.day >= (spec.since or "")) & (self.day <= (spec.until or "9999"))
            cids = self.day_chunk[on]
            mask[cids] |= allowed[self.chunk_article[cids]]
        return mask

    def _masks(self, spec: ViewSpec) -> tuple[np.ndarray, np.ndarray]:
        """The articles kept, and those allowed by exclusion and outlet alone (before the dates)."""
        allowed = np.ones(len(self.ids), dtype=bool)
        excluded = [self.position[a] for a in spec.exclude if a in self.position]
        allowed[excluded] = False
        if spec.sources:
            allowed &= np.isin(self.sources, sorted(spec.sources))
        if not (spec.since or spec.until):
            return allowed, allowed
        dated = self.dates != ""
        inside = dated & (self.dates >= (spec.since or "")) & (self.dates <= (spec.until or "9999"))
        if spec.soft:
            inside |= ~dated | (self.words < WHOLE_ARTICLE_WORDS)  # fragments: their own date need not be the story's
            for year in spec.mentions:
                inside[self.years.get(year, np.zeros(0, dtype=np.int32))] = True
        return allowed & inside, allowed
