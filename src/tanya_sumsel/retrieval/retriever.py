"""Retrieve: question → ranked passages from the index, plus a LangChain `BaseRetriever` adapter."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from tanya_sumsel.corpus.chunk_scan import ChunkScan, decode
from tanya_sumsel.corpus.folder import changed_since
from tanya_sumsel.corpus.ingest import is_whole_article
from tanya_sumsel.embedding.embedder import Embedder, load_embedder
from tanya_sumsel.indexing.build import build_index, check_compatible
from tanya_sumsel.lang.stem_cache import load_stems
from tanya_sumsel.progress import log_progress
from tanya_sumsel.question.analysis import Wording, wording
from tanya_sumsel.retrieval.rerank import Candidate, QuestionTerms, analyse, fuse, probabilities, rerank, text_rows
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import StoredChunk, StoreReader
from tanya_sumsel.stores.choose import live_generation, open_reader
from tanya_sumsel.stores.view import Catalog, ViewSpec
from tanya_sumsel.types import Article, Passage

log = logging.getLogger(__name__)
_Hits = list[tuple[int, float]]
_Found = tuple[_Hits, _Hits, np.ndarray, QuestionTerms, dict[int, np.ndarray], dict[int, StoredChunk]]
_EMBEDDING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tanya-embed")  # questions, beside the asker


def _entering(entered: threading.Event, job: Callable[[], np.ndarray]) -> np.ndarray:
    entered.set()  # the asker waits for this: it then takes the GIL back only once the encoder lets go of it
    return job()


class Retriever:
    """Dense retrieval over a loaded index; `search()` is safe to call from several threads."""

    def __init__(self, store: StoreReader, embedder: Embedder, settings: Settings) -> None:
        check_compatible(store.manifest, settings, embedder.dim)
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._articles: dict[str, Article] = {}
        self._lock = threading.Lock()
        self.spec = ViewSpec()  # what a filtered view (`filtered()`) keeps; the base retriever keeps everything
        self._mask: np.ndarray | None = None
        self._catalog: list[Catalog] = []  # loaded on the first filtered search, shared by every view
        self._scans: dict[int, tuple[int, int, ChunkScan | None]] = {}  # chunk id → (start, end, scan), recent
        self.copies = store.clusters()  # article id → cluster id, for stories carried by several outlets
        self._members: dict[str, list[str]] = {}
        for aid, cluster in sorted(self.copies.items()):
            self._members.setdefault(cluster, []).append(aid)
        if changed_since(store.manifest, settings.corpus_dir):
            log.warning(
                "Korpus %s berubah sejak indeks dibangun; jalankan `tanya-sumsel index` untuk memperbarui.",
                settings.corpus_dir,
            )

    def article(self, article_id: str) -> Article:
        """One article (cached)."""
        with self._lock:
            if article_id not in self._articles:
                self._articles.update(self.store.articles([article_id]))
            return self._articles[article_id]

    def filtered(
        self,
        *,
        exclude: Iterable[str] = (),
        since: str | None = None,
        until: str | None = None,
        sources: Iterable[str] = (),
        soft: bool = False,
        mentions: Iterable[str] = (),
    ) -> Retriever:
        """A view that only returns articles dated in [since, until] (ISO dates, inclusive) from the given outlets
        (any when empty), never the excluded ones. `soft` (for a period said in the question) also keeps undated
        records, paragraphs too short to be whole articles (their own date need not be the story's), articles
        whose text names one of `mentions` (the asked years) and chunks reporting on a day in the period."""
        view = copy.copy(self)
        view._mask = None
        old = self.spec
        view.spec = ViewSpec(
            exclude=old.exclude | frozenset(exclude),
            since=since or old.since,
            until=until or old.until,
            sources=old.sources | frozenset(x.strip().lower() for x in sources if x.strip()),
            soft=soft or old.soft,
            mentions=old.mentions | frozenset(mentions),
        )
        return view

    @property
    def since(self) -> str | None:
        """The view's first day (ISO), if bounded."""
        return self.spec.since

    @property
    def until(self) -> str | None:
        """The view's last day (ISO), if bounded."""
        return self.spec.until

    def catalog(self) -> Catalog:
        """The per-article and per-chunk columns filtered views read (loaded once per index)."""
        with self._lock:
            if not self._catalog:
                self._catalog.append(Catalog.from_rows(*self.store.catalog_rows()))
            return self._catalog[0]

    def mask(self) -> np.ndarray | None:
        """Per chunk id, whether this view may return the chunk; None when it keeps everything."""
        if not self.spec.active():
            return None
        if self._mask is None:
            self._mask = self.catalog().chunk_mask(self.spec)
        return self._mask

    def candidates(
        self, question: str | Wording
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]], np.ndarray | None]:
        """Dense and BM25 candidate lists (chunk id, score), each best first, and the question's vector; a view's
        hidden chunks are left out of both before fusion, so the scores are normalized as if they were gone."""
        w, mode, fetch, allow = wording(question), self.settings.retrieval, self.settings.fetch_k, self.mask()
        vector = self.embedder.embed_query(w.text) if mode != "bm25" else None
        dense = self.store.search(vector, fetch, allow) if vector is not None else []
        keyword = self.store.keyword_search(w.terms, fetch, allow) if mode != "dense" else []
        return dense, keyword, vector

    def _overlapped(self, w: Wording) -> _Found:
        """`candidates()`, plus BM25's best candidates' reranker text features (and chunks), found while the
        question embeds on a worker thread."""
        fetch, allow = self.settings.fetch_k, self.mask()
        prepare = getattr(self.embedder, "query_job", None)  # the encoder's Python part, done here (see _EMBEDDING)
        job = prepare(w.text) if prepare else partial(self.embedder.embed_query, w.text)
        entered = threading.Event()
        embedding = _EMBEDDING.submit(_entering, entered, job)
        entered.wait(0.01)  # else the worker may wait a 5 ms switch interval for the GIL (workers busy: go on)
        keyword = self.store.keyword_search(w.terms, fetch, allow)
        q = analyse(w, self.store.idf)
        found = self.store.chunks([cid for cid, _ in keyword[: self.settings.rerank_depth]])
        rows = text_rows(q, [ch.text for ch in found.values()], [self._scan(ch) for ch in found.values()])
        vector = embedding.result()
        return self.store.search(vector, fetch, allow), keyword, vector, q, dict(zip(found, rows, strict=True)), found

    def _scan(self, ch: StoredChunk) -> ChunkScan | None:
        """The chunk's stored scan, decoded once while it is kept (for the reranker's later rows and `scan_of`)."""
        kept = self._scans.get(ch.id)  # a chunk id's row never changes within one index generation
        if kept is None:
            if len(self._scans) > 4096:
                self._scans.clear()
            kept = self._scans[ch.id] = (ch.start, ch.end, decode(ch.scan))
        return kept[2]

    def scan_of(self, passage: Passage) -> ChunkScan | None:
        """The scan of the chunk a passage of the last searches was made of, if the passage is that chunk whole."""
        sc = self._scans.get(passage.chunk_id)
        return sc[2] if sc is not None and sc[:2] == (passage.start, passage.end) else None

    def whole(self, passage: Passage) -> bool:
        """Whether the passage comes from a whole news article (not a paragraph cut from one)."""
        return is_whole_article(self.article(passage.article_id).text)

    def also_reported(self, article: Article) -> tuple[str, ...]:
        """The other outlets that carried a copy of `article`'s story (its own outlet left out)."""
        cluster = self.copies.get(article.id)
        if cluster is None:
            return ()
        own = (article.source or "").lower()
        out: list[str] = []
        for aid in self._members[cluster]:
            source = self.article(aid).source
            if aid != article.id and source and source.lower() != own and source not in out:
                out.append(source)
        return tuple(out)

    def search(self, question: str | Wording, k: int | None = None) -> list[Passage]:
        """The `k` best passages for `question` (a string, or a `Question`'s wording), best first."""
        k, w = k or self.settings.k, wording(question)
        q, known, found = None, {}, {}
        if self.settings.retrieval == "hybrid" and self.settings.rerank_depth > 1:
            dense, keyword, vector, q, known, found = self._overlapped(w)
        else:
            dense, keyword, vector = self.candidates(w)
        hits = fuse(dense, keyword, self.settings.fusion, self.settings.dense_weight)
        relevance: dict[int, float] = {}
        reranked = self.settings.rerank_depth > 1 and dense and keyword
        # More than k (overlapping chunks merge below); one lookup serves the reranker and the passages alike
        window = hits[: max(k, self.settings.rerank_depth)] if reranked else hits[: 4 * k]
        chunks = {cid: found[cid] for cid, _ in window if cid in found}  # BM25's, looked up while embedding
        chunks |= self.store.chunks([cid for cid, _ in window if cid not in found])
        cosine = self.store.cosines(list(chunks), vector) if vector is not None else {}
        if reranked:
            candidates = self.rerank_candidates(window, dense, keyword, vector, chunks, cosine)
            ranked = rerank(q or w, candidates, self.store.idf, known=known)
            hits, relevance = probabilities(ranked), dict(ranked)
        hits = hits[: 4 * k]
        out: list[Passage] = []
        for cid, score in hits:
            if len(out) == k:
                break
            ch = chunks[cid]
            art = self.article(ch.article_id)
            cluster = self.copies.get(art.id)
            if cluster is not None and any(
                p.article_id != art.id and self.copies.get(p.article_id) == cluster for p in out
            ):
                continue  # a copy of a story already cited: cited once, its outlets named with the first
            same = [n for n, p in enumerate(out) if p.article_id == art.id and _touch(p, ch.start, ch.end)]
            if same:  # one source per stretch of an article: overlapping chunks (and what they bridge) become one
                start = min([ch.start] + [out[n].start for n in same])
                end = max([ch.end] + [out[n].end for n in same])
                dates = tuple(dict.fromkeys(out[same[0]].dates + ch.dates))
                out[same[0]] = replace(out[same[0]], text=art.text[start:end], start=start, end=end, dates=dates)
                out = [p for n, p in enumerate(out) if n not in same[1:]]
                continue
            out.append(
                Passage(
                    len(out) + 1,
                    score,
                    cid,
                    art.id,
                    art.title,
                    art.source,
                    art.date,
                    art.url,
                    art.place,
                    ch.text,
                    ch.start,
                    ch.end,
                    cosine.get(cid, 0.0),
                    relevance.get(cid, 0.0),
                    ch.dates,
                    self.also_reported(art),
                )
            )
        return [p if p.rank == n else replace(p, rank=n) for n, p in enumerate(out, start=1)]

    def rerank_candidates(
        self,
        hits: list[tuple[int, float]],
        dense: list[tuple[int, float]],
        keyword: list[tuple[int, float]],
        vector: np.ndarray | None,
        chunks: dict[int, StoredChunk] | None = None,
        cosines: dict[int, float] | None = None,
    ) -> list[Candidate]:
        """The fused `hits` as the reranker sees them: text plus fused, dense and BM25 scores (`chunks` and
        `cosines`, when the caller has looked them up for these hits already, are not fetched again)."""
        found = chunks if chunks is not None else self.store.chunks([cid for cid, _ in hits])
        cosine, bm25 = dict(dense), dict(keyword)
        missing = [cid for cid, _ in hits if cid not in cosine]
        if missing and vector is not None:  # found by BM25 only: score them on the dense side too
            cosine.update(
                {c: cosines[c] for c in missing} if cosines is not None else self.store.cosines(missing, vector)
            )
        return [
            Candidate(cid, found[cid].text, score, cosine.get(cid, 0.0), bm25.get(cid, 0.0), self._scan(found[cid]))
            for cid, score in hits
        ]


def _touch(p: Passage, start: int, end: int) -> bool:
    """Whether [start, end) overlaps the passage's span of the article."""
    return start < p.end and p.start < end


_LOADED: dict[tuple[str, str], tuple[str, Retriever]] = {}
_LOAD_LOCK = threading.Lock()


def load_retriever(settings: Settings | None = None, *, progress: object = None) -> Retriever:
    """The retriever for `settings`, building the index first when it is missing and the corpus exists.

    Cached per (index dir, embedder) and reloaded when a rebuild has switched the live generation.
    """
    settings = settings or Settings.from_env()
    key = (settings.database_url or str(Path(settings.index_dir).resolve()), settings.embed_model)
    with _LOAD_LOCK:
        gen = live_generation(settings)
        if gen is None and settings.auto_build and Path(settings.corpus_dir).is_dir():
            log.info("Indeks belum ada; membangun dari %s …", settings.corpus_dir)
            build_index(settings, progress=progress or log_progress)  # type: ignore[arg-type]
            gen = live_generation(settings)
        cached = _LOADED.get(key)
        if cached and gen is not None and cached[0] == gen and cached[1].settings == settings:
            return cached[1]
        load_stems(settings)
        retriever = Retriever(open_reader(settings), load_embedder(settings, for_queries=True), settings)
        _LOADED[key] = (retriever.store.generation, retriever)
        return retriever
