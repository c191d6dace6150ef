"""Tanya Sumsel: cited answers about South Sumatra government news."""

from ._version import __version__ as __version__
from .ask import Assistant, answer
from .index import BuildReport, build_index
from .lc_retriever import TanyaRetriever
from .results import Answer, Citation, Passage
from .retrieve import load_retriever
from .settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "BuildReport",
    "Citation",
    "Passage",
    "Settings",
    "TanyaRetriever",
    "answer",
    "build_index",
    "load_retriever",
]
