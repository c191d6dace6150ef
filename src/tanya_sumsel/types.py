"""The nouns every stage shares: an `Article` read from the corpus, a retrieved `Passage`, a numbered `Citation`, the
final `Answer`. Plain frozen dataclasses (no LangChain types), so they serialize with `dataclasses.asdict` and cross
every seam."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article with its metadata; `text` is the body that spans refer to."""

    id: str
    title: str
    text: str
    source: str | None = None
    place: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    url: str | None = None
    path: str = ""

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects chunks and their embeddings."""
        payload = json.dumps([self.title, self.text, self.source, self.place, self.date, self.url])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, str | None]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata; `start`/`end` index the article text."""

    rank: int
    score: float
    chunk_id: int
    article_id: str
    title: str
    source: str | None
    date: str | None
    url: str | None
    place: str | None
    text: str
    start: int
    end: int
    similarity: float = 0.0  # cosine of the question and the chunk's vector (absolute, unlike `score`)
    relevance: float = 0.0  # the reranker's raw score (absolute, unlike its softmax `score`); 0 when not reranked
    dates: tuple[str, ...] = ()  # the days the passage mentions (ISO)
    also_reported: tuple[str, ...] = ()  # other outlets that carried a copy of the same story


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
    also_reported: tuple[str, ...] = ()  # other outlets that carried the same story


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
