"""Tanya Sumsel: cited answers about South Sumatra government news."""

from ._version import __version__ as __version__
from .ask import Assistant, answer
from .feeds import AddReport, add, list_feeds, update_feeds
from .index import BuildReport, build_index
from .lc_retriever import TanyaRetriever
from .results import Answer, Citation, Passage
from .retrieve import load_retriever
from .settings import Settings

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
