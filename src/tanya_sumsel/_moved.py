"""Old import paths, for one release: the flat modules of 0.x moved into subpackages along the data flow
(docs/architecture.md). `import tanya_sumsel.embed_onnx` still works and warns with the new path."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType

# old module -> its new home under tanya_sumsel. Not here: `answer` (the package's `answer()` function has that name;
# the module is now tanya_sumsel.reading.rules), and `question`/`reading`, which are packages now and forward their
# old names themselves (`forward` below).
MOVED = {
    "results": "types",
    "textnorm": "lang.normalize",
    "vocab": "lang.vocab",
    "dates": "lang.dates",
    "entities": "lang.entities",
    "token_flags": "lang.token_flags",
    "span_features": "lang.span_features",
    "span_model": "lang.span_model",
    "stem_cache": "lang.stem_cache",
    "ingest": "corpus.ingest",
    "corpus_folder": "corpus.folder",
    "webpage": "corpus.webpage",
    "webcorpus": "corpus.web",
    "fetch": "corpus.fetch",
    "syndication": "corpus.syndication",
    "chunk": "corpus.chunk",
    "chunk_scan": "corpus.chunk_scan",
    "embed": "embedding.embedder",
    "e5_convert": "embedding.e5_convert",
    "e5_tokenizer": "embedding.tokenizer",
    "embed_onnx": "embedding.onnx_build",
    "embed_query_onnx": "embedding.onnx_query",
    "embed_cache": "embedding.cache",
    "export_quiet": "embedding.export_quiet",
    "store": "stores.base",
    "storage": "stores.choose",
    "view": "stores.view",
    "bm25": "stores.bm25",
    "store_local": "stores.local.store",
    "local_files": "stores.local.files",
    "store_postgres": "stores.postgres.store",
    "postgres_write": "stores.postgres.write",
    "postgres_errors": "stores.postgres.errors",
    "index": "indexing.build",
    "index_child": "indexing.child",
    "build_report": "indexing.report",
    "feeds": "indexing.feeds",
    "question_forms": "question.forms",
    "followup": "question.followup",
    "timeexpr": "question.time",
    "retrieve": "retrieval.retriever",
    "rerank": "retrieval.rerank",
    "timeview": "retrieval.time",
    "reader": "reading.reader",
    "reader_export": "reading.export",
    "sentences": "reading.sentences",
    "short_answer": "reading.short_answer",
    "judge": "reading.judge",
    "subject": "reading.subject",
    "timeline": "reading.timeline",
    "generate": "generation.chain",
    "llm": "generation.llm",
    "verify": "generation.verify",
    "ask": "pipeline",
    "lc_retriever": "integrations.langchain",
    "evaluate": "evaluation",
    "cli": "app.cli",
    "cli_feeds": "app.cli_feeds",
    "ui": "app.ui",
    "ui_corpus": "app.ui_corpus",
    "render": "app.render",
    "serve": "app.serve",
    "access": "app.access",
    "ratelimit": "app.ratelimit",
    "audit": "app.audit",
    "info": "app.info",
}


def _warn(old: str, new: str) -> None:
    message = f"{old} moved to {new}; import it from there (the old path goes in the next release)"
    warnings.warn(message, DeprecationWarning, stacklevel=3)


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module at its new path (the same module object, not a copy)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """The moved module itself."""
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing: the moved module already ran."""

    def get_code(self, fullname: str) -> object:
        """The moved module's code, so `python -m tanya_sumsel.cli` still runs the CLI."""
        spec = importlib.util.find_spec(self.target)
        assert spec is not None and spec.loader is not None
        return spec.loader.get_code(self.target)  # type: ignore[attr-defined]


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the old flat names and points them at their new homes, with a DeprecationWarning."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for an old name, else None (the normal finders go on)."""
        package, _, leaf = fullname.partition(".")
        if package != "tanya_sumsel" or leaf not in MOVED:
            return None
        new = f"tanya_sumsel.{MOVED[leaf]}"
        _warn(fullname, new)
        return importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Put the finder first on `sys.meta_path` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def forward(package: str, target: str, name: str) -> object:
    """`name` of the old module that `package` replaced, from `target`, with a DeprecationWarning."""
    if name.startswith("__"):
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    module = importlib.import_module(target)
    if not hasattr(module, name):
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    _warn(f"{package}.{name}", f"{target}.{name}")
    value = getattr(module, name)
    setattr(sys.modules[package], name, value)  # `from package import name` looks it up twice: one warning
    return value
