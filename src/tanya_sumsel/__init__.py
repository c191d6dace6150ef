"""Tanya Sumsel: cited answers about South Sumatra government news."""

from tanya_sumsel import _moved
from tanya_sumsel._version import __version__ as __version__
from tanya_sumsel.indexing.build import build_index
from tanya_sumsel.indexing.feeds import AddReport, add, list_feeds, update_feeds
from tanya_sumsel.indexing.report import BuildReport
from tanya_sumsel.pipeline import Assistant, answer
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.types import Answer, Citation, Passage


def __getattr__(name: str) -> object:
    """`TanyaRetriever` on first use: LangChain's retriever classes take ~0.3 s to import, which `ask` never needs."""
    if name == "TanyaRetriever":
        from tanya_sumsel.integrations.langchain import TanyaRetriever

        return TanyaRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_moved.install()  # the old flat import paths keep working for one release, with a DeprecationWarning

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
