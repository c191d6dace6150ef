"""Test doubles, named as such, one per backend seam: `HashEmbedder` (FAKE embedder: hashed bag of word stems, no
model), `FakeStore` (FAKE store: in memory, no FAISS, file or database) and `FakeReader` (FAKE reader: scripted
spans). With them the fast layer tests the chain, the reader's answers and follow-ups without a model or a server;
real retrieval and reading quality are tested with the real e5 model and reader in the slow layer."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from tanya_sumsel.corpus.chunk import chunk_article
from tanya_sumsel.corpus.folder import files_fingerprint, load_corpus
from tanya_sumsel.corpus.ingest import word_count
from tanya_sumsel.indexing.build import chunking_params
from tanya_sumsel.lang.dates import event_dates, years_mentioned
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.reading.reader import Reading, Window
from tanya_sumsel.retrieval.retriever import Retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import FORMAT_VERSION, StoredChunk
from tanya_sumsel.types import Article

# The FAKE embedder by name, as TANYA_EMBED_MODEL or --embed-model take a plugged-in embedder: a CLI or server started
# by a test with it (and PYTHONPATH at the project root) needs no model
FAKE_EMBEDDER = "tests.fakes:HashEmbedder"


class HashEmbedder:
    """FAKE embedder: each Indonesian-normalized term adds a fixed pseudo-random vector; rows are L2-normalized.
    Texts sharing words get similar vectors, which is all the store and index tests need."""

    id = "fake-hash"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.documents = 0
        self._cache: dict[str, np.ndarray] = {}

    def _term(self, term: str) -> np.ndarray:
        if term not in self._cache:
            seed = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")
            self._cache[term] = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return self._cache[term]

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in terms(text):
            v += self._term(t)
        n = float(np.linalg.norm(v))
        return v / n if n else np.eye(self.dim, dtype=np.float32)[0]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents += len(texts)
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)


class FakeStore:
    """FAKE store: an index held in memory, the `StoreReader` protocol over the real chunker, with exact cosine search
    and a plain tf-idf keyword score (not BM25). No FAISS, file or database: for tests of what sits above the store
    (retrieval's merging, the reader, the chain), whose real stores are tested in test_stores.py."""

    def __init__(self, articles: Sequence[Article], embedder: HashEmbedder, settings: Settings) -> None:
        self._articles = {a.id: a for a in articles}
        self._chunks: list[StoredChunk] = []
        embedded = []  # what the real build embeds: the chunk with its article's title
        for a in articles:
            for c in chunk_article(a, settings.chunk_max_words, settings.chunk_overlap_sentences):
                dates = event_dates(c.text, a.date)
                self._chunks.append(StoredChunk(len(self._chunks), a.id, c.ord, c.start, c.end, c.text, dates))
                embedded.append(c.embed_text(a))
        self._vectors = embedder.embed_documents(embedded)
        self._terms = [Counter(terms(c.text)) for c in self._chunks]
        df = Counter(t for bag in self._terms for t in bag)
        self._idf = {t: math.log(1 + len(self._chunks) / n) for t, n in df.items()}
        dated = sorted(a.date for a in articles if a.date)
        self.manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "embedder": {"id": embedder.id, "dim": embedder.dim},
            "chunking": chunking_params(settings),
            "counts": {"articles": len(articles), "chunks": len(self._chunks)},
            "date_range": {"min": dated[0] if dated else None, "max": dated[-1] if dated else None},
        }

    @classmethod
    def of_folder(cls, settings: Settings, embedder: HashEmbedder | None = None) -> FakeStore:
        """The articles of `settings.corpus_dir`, read by the real corpus loader."""
        store = cls(load_corpus(settings.corpus_dir).articles, embedder or HashEmbedder(), settings)
        store.manifest |= {
            "corpus_dir": str(settings.corpus_dir),
            "files_fingerprint": files_fingerprint(settings.corpus_dir),
        }
        return store

    @property
    def generation(self) -> str:
        return "fake-in-memory"

    def _top(self, scores: np.ndarray, k: int, allow: np.ndarray | None) -> list[tuple[int, float]]:
        ids = [i for i in np.argsort(-scores, kind="stable") if allow is None or allow[i]]
        return [(int(i), float(scores[i])) for i in ids[:k]]

    def search(self, vector: np.ndarray, k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        return self._top(self._vectors @ vector, k, allow) if len(self._chunks) else []

    def keyword_search(self, terms: Sequence[str], k: int, allow: np.ndarray | None = None) -> list[tuple[int, float]]:
        asked = set(terms)
        scores = np.array([sum(self._idf[t] for t in asked if t in bag) for bag in self._terms], dtype=np.float32)
        return [(cid, s) for cid, s in self._top(scores, k, allow) if s > 0]

    def idf(self, term: str) -> float:
        return self._idf.get(term, math.log(1 + len(self._chunks)))

    def cosines(self, ids: Sequence[int], vector: np.ndarray) -> dict[int, float]:
        return {cid: float(self._vectors[cid] @ vector) for cid in ids}

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        return {cid: self._chunks[cid] for cid in ids}

    def articles(self, ids: Sequence[str] | None = None) -> dict[str, Article]:
        if ids is None:
            return dict(sorted(self._articles.items(), key=lambda kv: kv[1].date or "", reverse=True))
        return {aid: self._articles[aid] for aid in ids if aid in self._articles}

    def article_hashes(self) -> dict[str, str]:
        return {aid: hashlib.sha256(a.text.encode()).hexdigest() for aid, a in self._articles.items()}

    def clusters(self) -> dict[str, str]:
        return {}

    def catalog_rows(self) -> tuple[list[tuple[str, str | None, str | None, int, str]], list[tuple[int, str, str]]]:
        arts = [
            (a.id, a.date, a.source, word_count(a.text), " ".join(years_mentioned(a.text)))
            for a in self._articles.values()
        ]
        return arts, [(c.id, c.article_id, " ".join(c.dates)) for c in self._chunks]

    def close(self) -> None:
        pass


def fake_retriever(settings: Settings) -> Retriever:
    """A real `Retriever` over the FAKE store and embedder of `settings.corpus_dir` (embed_model must be 'fake-hash')."""
    embedder = HashEmbedder()
    return Retriever(FakeStore.of_folder(settings, embedder), embedder, settings)


class FakeReader:
    """FAKE reader (the `reading.reader.Reader` protocol): scripted, not learned. For a question holding one of
    `answers`' keys (lower case), a window whose text holds the scripted span reads that span, sure by `margin`;
    every other window reads "no answer". For tests of what the reader's decision turns into (quote, citation,
    highlight, abstention, follow-ups), without the model."""

    threshold = 0.0

    def __init__(self, answers: dict[str, str], margin: float = 3.0) -> None:
        self.answers = {k.lower(): v for k, v in answers.items()}
        self.margin = margin
        self.questions: list[str] = []  # what it was asked, as the reader reads it

    def read(self, question: str, windows: list[Window]) -> list[Reading]:
        self.questions.append(question)
        span = next((v for k, v in self.answers.items() if k in question.lower()), None)
        out = []
        for w in windows:
            text = w.passage.text[w.start : w.end]
            at = text.find(span) if span else -1
            if at < 0:
                out.append(Reading(w, -self.margin, 0.1, None, None))
            else:
                out.append(Reading(w, self.margin, 0.9, w.start + at, w.start + at + len(span or "")))
        return out
