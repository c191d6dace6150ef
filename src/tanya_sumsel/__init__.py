"""Tanya Sumsel: cited answers about South Sumatra government news."""

__version__ = "0.1.0"

from .answer import Answer, Citation, answer
from .generate import Assistant
from .index import BuildReport, build_index
from .lc_retriever import TanyaRetriever
from .retrieve import Passage, load_retriever
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
