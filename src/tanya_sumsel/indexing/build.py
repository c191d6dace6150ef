"""Index: build or incrementally update the on-disk index from the corpus (ingest → chunk → embed → store)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from tanya_sumsel._version import __version__
from tanya_sumsel.corpus.chunk import chunk_article, limit_chunks
from tanya_sumsel.corpus.chunk_scan import encode, scan
from tanya_sumsel.corpus.folder import files_fingerprint, load_corpus
from tanya_sumsel.corpus.ingest import Problem
from tanya_sumsel.corpus.syndication import clusters, from_bytes, signature, to_bytes
from tanya_sumsel.embedding.cache import EmbeddingCache
from tanya_sumsel.embedding.embedder import E5_FAMILY, Embedder, build_backend, embedder_id, load_embedder
from tanya_sumsel.errors import IndexDamagedError, IndexMismatchError, TanyaError
from tanya_sumsel.indexing.report import BuildReport
from tanya_sumsel.lang.dates import event_dates, years_mentioned
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.lang.stem_cache import load_stems, save_stems
from tanya_sumsel.settings import Settings
from tanya_sumsel.stores.base import FORMAT_VERSION, StoreWriter
from tanya_sumsel.stores.choose import (
    live_generation,
    live_manifest,
    open_reader,
    open_writer,
    store_kind,
    update_manifest,
)
from tanya_sumsel.types import Article

log = logging.getLogger(__name__)

SPLITTER_VERSION = 3  # 2: derived titles left out of the embedded header; 3: no split inside quotations
Progress = Callable[[int, int], None]


def chunking_params(settings: Settings) -> dict[str, int]:
    """The chunking parameters recorded in the manifest."""
    return {
        "max_words": settings.chunk_max_words,
        "overlap_sentences": settings.chunk_overlap_sentences,
        "splitter_version": SPLITTER_VERSION,
    }


def check_compatible(
    manifest: dict[str, Any], settings: Settings, dim: int | None = None, *, building: bool = False
) -> None:
    """Raise `IndexMismatchError` (saying which command fixes it) when the index does not fit `settings`. To
    answer, any e5 build backend fits (one query embedder serves them all); to add to it, only the same one."""
    built = manifest.get("embedder", {})
    fix = f"Jalankan: tanya-sumsel index --rebuild --index {settings.index_dir}"
    same_family = not building and {built.get("id"), embedder_id(settings)} <= E5_FAMILY
    if built.get("id") != embedder_id(settings) and not same_family:
        raise IndexMismatchError(
            f"Indeks dibangun dengan embedder {built.get('id')!r}, tetapi pengaturan sekarang memakai "
            f"{embedder_id(settings)!r}",
            f"{fix} (atau kembalikan TANYA_EMBED_MODEL / TANYA_EMBED_BACKEND).",
        )
    if dim is not None and built.get("dim") != dim:
        raise IndexMismatchError(f"Dimensi indeks {built.get('dim')} ≠ dimensi embedder {dim}", fix)
    if manifest.get("chunking") != chunking_params(settings):
        raise IndexMismatchError(
            f"Indeks dibuat dengan pemotongan {manifest.get('chunking')}, pengaturan sekarang "
            f"{chunking_params(settings)}",
            fix,
        )


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock so two builds never write the same index at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TanyaError(
                "Indeks sedang dibangun oleh proses lain. Tunggu sampai selesai, lalu coba lagi."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def corpus_fingerprint(hashes: dict[str, str]) -> str:
    """Fingerprint of the corpus content (article ids and content hashes)."""
    h = hashlib.sha256()
    for aid in sorted(hashes):
        h.update(f"{aid}\0{hashes[aid]}\n".encode())
    return h.hexdigest()[:20]


def build_index(
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
) -> BuildReport:
    """Build `settings.index_dir` from `settings.corpus_dir`, embedding only new or changed articles."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    load_stems(settings)
    corpus = limit_chunks(
        load_corpus(settings.corpus_dir, settings.max_file_mb),
        settings.max_article_chunks,
        settings.chunk_max_words,
        settings.chunk_overlap_sentences,
    )
    embedder = embedder or load_embedder(settings)
    with build_lock(settings.index_dir):
        live = live_generation(settings)
        base = None if rebuild else live
        reason = "diminta (--rebuild)" if rebuild and live else ""
        old_hashes: dict[str, str] = {}
        if base is not None:
            try:
                store = open_reader(settings)  # a damaged live index is rebuilt, never reused
                check_compatible(store.manifest, settings, embedder.dim, building=True)
                old_hashes = store.article_hashes()
                store.close()
            except IndexMismatchError as exc:
                reason, base = exc.reason, None
            except IndexDamagedError as exc:
                reason, base = "indeks lama rusak (" + "; ".join(exc.problems) + ")", None
        new_hashes = {a.id: a.content_hash for a in corpus.articles}
        changed = [a for a in corpus.articles if old_hashes.get(a.id) != a.content_hash]
        removed = [aid for aid in old_hashes if aid not in new_hashes]
        updated = [a.id for a in changed if a.id in old_hashes]
        if base is not None and not changed and not removed:
            update_manifest(settings, {"files_fingerprint": files_fingerprint(settings.corpus_dir)})
            return _report(corpus.problems, started, 0, 0, 0, len(corpus.articles), 0, settings, base, False, reason)

        gen = open_writer(settings, embedder.dim, incremental=base is not None)
        try:
            gen.remove_articles(removed + updated)
            cache = EmbeddingCache(settings.index_dir, embedder.id, embedder.dim)
            try:
                embedded, reused = _embed_into(gen, changed, settings, embedder, cache, progress)
            finally:
                cache.close()
            gen.set_clusters(clusters({aid: from_bytes(raw) for aid, raw in gen.signatures().items()}))
            total = gen.chunk_count()
            dates = sorted(a.date for a in corpus.articles if a.date)
            manifest = {
                "format_version": FORMAT_VERSION,
                "package_version": __version__,
                "embedder": {"id": embedder.id, "dim": embedder.dim, "backend": build_backend(settings)},
                "chunking": chunking_params(settings),
                "corpus_dir": str(settings.corpus_dir),
                "store": store_kind(settings),
                "corpus_fingerprint": corpus_fingerprint(new_hashes),
                "files_fingerprint": files_fingerprint(settings.corpus_dir),
                "counts": {"articles": len(corpus.articles), "chunks": int(total)},
                "date_range": {"min": dates[0] if dates else None, "max": dates[-1] if dates else None},
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "problems": [str(p) for p in corpus.problems[:100]],
            }
            path = gen.commit(manifest)
            save_stems(settings)
            cache.discard()  # its vectors are in the live index now
        except BaseException:
            gen.abort()
            raise
    unchanged = len(corpus.articles) - len(changed)
    added = len(changed) - len(updated)
    return _report(
        corpus.problems,
        started,
        added,
        len(updated),
        len(removed),
        unchanged,
        embedded,
        settings,
        path,
        True,
        reason,
        chunks_total=int(total),
        full=base is None,
        reused=reused,
    )


def _report(
    problems: tuple[Problem, ...],
    started: float,
    added: int,
    updated: int,
    removed: int,
    unchanged: int,
    embedded: int,
    settings: Settings,
    path: str | None,
    changed: bool,
    reason: str,
    *,
    chunks_total: int | None = None,
    full: bool = False,
    reused: int = 0,
) -> BuildReport:
    if chunks_total is None:
        chunks_total = int((live_manifest(settings) or {}).get("counts", {}).get("chunks", 0))
    return BuildReport(
        added,
        updated,
        removed,
        unchanged,
        embedded,
        chunks_total,
        problems,
        time.perf_counter() - started,
        full,
        reason,
        str(path or ""),
        changed,
        reused,
    )


def _embed_into(
    gen: StoreWriter,
    articles: list[Article],
    settings: Settings,
    embedder: Embedder,
    cache: EmbeddingCache,
    progress: Progress | None,
) -> tuple[int, int]:
    """Chunk and embed `articles` into the generation in batches, reporting progress; vectors an interrupted build
    left in `cache` are reused. Returns (chunks embedded, chunks reused)."""
    pending = []
    for article in articles:
        sig = signature(article.text)
        gen.add_article(article, to_bytes(sig) if sig is not None else None, years_mentioned(article.text))
        for ch in chunk_article(article, settings.chunk_max_words, settings.chunk_overlap_sentences):
            text = ch.embed_text(article)
            when = " ".join(event_dates(ch.text, article.date))
            row = (ch.article_id, ch.ord, ch.start, ch.end, ch.text, " ".join(terms(text)), when, encode(scan(ch.text)))
            pending.append((row, text))
    # Similar lengths per call: the encoder pads each batch to its longest text, so sorting saves work.
    pending.sort(key=lambda item: len(item[1]))
    total = len(pending)
    # Small calls: the embedder is locked per call, so questions answered during a rebuild wait seconds, not minutes.
    batch = settings.embed_batch_size * 2
    reused = 0
    if progress:
        progress(0, total)
    for i in range(0, total, batch):
        part = pending[i : i + batch]
        keys = [cache.key(text) for _, text in part]
        known = cache.get(keys)
        todo = [n for n, key in enumerate(keys) if key not in known]
        reused += len(part) - len(todo)
        if todo:
            fresh = embedder.embed_documents([part[n][1] for n in todo])
            cache.put([keys[n] for n in todo], fresh)
            known.update(zip((keys[n] for n in todo), fresh, strict=True))
        gen.add_chunks([row for row, _ in part], np.stack([known[key] for key in keys]))
        if progress:
            progress(min(i + batch, total), total)
    return total - reused, reused
