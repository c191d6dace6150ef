"""Tanya Sumsel: cited answers about South Sumatra government news."""

from ._version import __version__ as __version__
from .ask import Assistant, answer
from .build_report import BuildReport
from .feeds import AddReport, add, list_feeds, update_feeds
from .index import build_index
from .results import Answer, Citation, Passage
from .retrieve import load_retriever
from .settings import Settings


def __getattr__(name: str) -> object:
    """`TanyaRetriever` on first use: LangChain's retriever classes take ~0.3 s to import, which `ask` never needs."""
    if name == "TanyaRetriever":
        from .lc_retriever import TanyaRetriever

        return TanyaRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AddReport",
    "Answer",
    "Assistant",
    "BuildReport",
    "Citation",
    "Passage",
    "Settings",
    "TanyaRetriever",
    "add",
    "answer",
    "build_index",
    "list_feeds",
    "load_retriever",
    "update_feeds",
]
