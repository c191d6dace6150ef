"""The LangChain retriever: `TanyaRetriever`, a `BaseRetriever` over the index with the answer path's filters and
time handling, for reuse in other chains."""

from __future__ import annotations

import datetime as dt

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from tanya_sumsel.question.time import parse_time
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.retrieval.time import time_order, time_view
from tanya_sumsel.settings import Settings


class TanyaRetriever(BaseRetriever):
    """LangChain retriever over a Tanya Sumsel index: `TanyaRetriever(settings=…).invoke("…")`, time-aware like
    `answer()` ('saat ini', 'September 2019' in the query)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    settings: Settings | None = None
    k: int = 5
    since: str | None = None  # ISO dates: only articles published in [since, until]
    until: str | None = None
    sources: tuple[str, ...] = ()  # only these outlets (any when empty)
    as_of: str | None = None  # the date 'saat ini' or 'bulan lalu' in a query refer to (default: settings, today)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
    ) -> list[Document]:
        settings = self.settings or Settings.from_env()
        retriever = load_retriever(settings).filtered(since=self.since, until=self.until, sources=self.sources)
        as_of = dt.date.fromisoformat(self.as_of or settings.as_of or dt.date.today().isoformat())
        when = parse_time(query, as_of)
        if when is not None:  # the same time handling as answer(): a period's view, newest evidence for 'saat ini'
            retriever = time_view(retriever, when, as_of)
            passages = retriever.search(when.query, self.k)
            passages = time_order(passages, when, retriever.whole)
        else:
            passages = retriever.search(query, self.k)
        return [
            Document(
                page_content=p.text,
                metadata={
                    "article_id": p.article_id,
                    "title": p.title,
                    "source": p.source,
                    "date": p.date,
                    "url": p.url,
                    "start": p.start,
                    "end": p.end,
                    "score": p.score,
                    "rank": p.rank,
                    "dates": list(p.dates),
                    "also_reported": list(p.also_reported),
                },
            )
            for p in passages
        ]
