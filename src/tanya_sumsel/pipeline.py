"""The entry points: `answer(question) -> Answer`, its streaming form, and `Assistant` for conversations. They
validate the question and choose the view of the index, then hand over to generation/chain.py (extractive or LLM)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import faiss
from threadpoolctl import threadpool_limits

from tanya_sumsel.errors import InputError
from tanya_sumsel.generation.chain import final_answer, stream_answer
from tanya_sumsel.generation.llm import load_chat_model
from tanya_sumsel.question.analysis import analyse
from tanya_sumsel.question.kind import detect_language
from tanya_sumsel.reading.reader import Reader
from tanya_sumsel.retrieval.retriever import Retriever, load_retriever
from tanya_sumsel.settings import Settings
from tanya_sumsel.types import Answer

if TYPE_CHECKING:  # LangChain's model classes load in ~0.3 s, and only an LLM needs them
    from langchain_core.language_models import BaseChatModel


def validate_question(question: object, settings: Settings) -> str:
    """The stripped question, or an `InputError` with a polite Indonesian message."""
    if not isinstance(question, str):
        raise TypeError(f"question must be a str, not {type(question).__name__}: answer('Siapa Sekda Sumsel?')")
    # Emoji, control and zero-width characters alone ask nothing: refused like an empty question, not answered
    if not any(ch.isalnum() for ch in unicodedata.normalize("NFKC", question)):
        raise InputError(
            "Pertanyaan kosong. Tulis pertanyaan tentang berita Sumatera Selatan, misalnya: "
            "'Kapan rakor Pemprov Sumsel digelar?'"
        )
    question = question.strip()
    if len(question) > settings.max_question_chars:
        raise InputError(
            f"Pertanyaan terlalu panjang ({len(question)} karakter; maksimal "
            f"{settings.max_question_chars}). Persingkat pertanyaan Anda."
        )
    return question


def iso_date(value: str | None, name: str) -> str | None:
    """`value` as a checked ISO date ('2026-01-28'), or an `InputError` saying how to write it."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(
            f"Tanggal {name}={value!r} tidak valid. Tulis dalam format TTTT-BB-HH, misalnya 2026-01-28."
        ) from None


def reference_date(as_of: str | dt.date | None, settings: Settings) -> dt.date:
    """The date relative times refer to: `as_of`, else `settings.as_of`, else today."""
    if isinstance(as_of, dt.date):
        return as_of
    value = iso_date(as_of, "as_of") or settings.as_of  # Settings checked its own date when it was made
    return dt.date.fromisoformat(value) if value else dt.date.today()


@lru_cache(maxsize=1)
def pin_query_threads() -> None:
    """One FAISS and one BLAS thread on the query path: on 2 cores, idle-spinning OpenBLAS threads left by the
    short-answer model's matrix product slowed the next question's embedding 3× (measured p50 42 → 16 ms)."""
    faiss.omp_set_num_threads(1)
    threadpool_limits(1, user_api="blas")


def answer(
    question: str,
    *,
    k: int | None = None,
    settings: Settings | None = None,
    retriever: Retriever | None = None,
    history: Sequence[tuple[str, str]] = (),
    chat_model: BaseChatModel | None = None,
    since: str | None = None,
    until: str | None = None,
    sources: Sequence[str] = (),
    as_of: str | dt.date | None = None,
    reader: Reader | None = None,
) -> Answer:
    """Answer `question` from the indexed articles, with [n] markers pointing at numbered citations.

    `since`/`until` (ISO dates, inclusive) and `sources` (outlet names) restrict the articles used; `as_of`
    (default `TANYA_AS_OF`, else today) is the date that 'bulan lalu' or 'saat ini' in the question refer to.
    `history` holds earlier (question, answer text) pairs for follow-ups. With an LLM configured
    (`TANYA_LLM…` settings, or `chat_model`) the answer is generated and its citations verified;
    otherwise, or when the model fails, it is extractive, decided by `reader` (default: the settings' reader).
    """
    settings = settings or Settings.from_env()
    model = chat_model if chat_model is not None else load_chat_model(settings)
    return final_answer(
        ask_stream(
            question,
            settings=settings,
            retriever=retriever,
            model=model,
            history=history,
            k=k,
            since=since,
            until=until,
            sources=sources,
            as_of=as_of,
            reader=reader,
        )
    )


def ask_stream(
    question: str,
    *,
    settings: Settings,
    retriever: Retriever | None = None,
    model: BaseChatModel | None = None,
    history: Sequence[tuple[str, str]] = (),
    k: int | None = None,
    since: str | None = None,
    until: str | None = None,
    sources: Sequence[str] = (),
    as_of: str | dt.date | None = None,
    reader: Reader | None = None,
) -> Iterator[str | Answer]:
    """The one path from a raw question to `stream_answer`: validate it, pin the query threads, pick the view
    (dates, outlets), the language and the reference date. `answer()`, `Assistant` and the UI all go through it."""
    question = validate_question(question, settings)
    # A bad date is refused before the index is opened (or, on first use, built)
    since, until = iso_date(since, "sejak (since)"), iso_date(until, "sampai (until)")
    pin_query_threads()
    # The flow in order: the question analysed once, then the view of the index, then the chain that reads it
    asked = analyse(question, detect_language(question), reference_date(as_of, settings), history)
    retriever = retriever or load_retriever(settings)
    if since or until or sources:
        retriever = retriever.filtered(since=since, until=until, sources=sources)
    return stream_answer(asked, retriever=retriever, k=max(k or settings.k, 1), model=model, reader=reader)


class Assistant:
    """Multi-turn conversation: keeps the history so follow-ups ("Kapan rapat itu digelar?") are understood."""

    def __init__(
        self, settings: Settings | None = None, *, chat_model: BaseChatModel | None = None, reader: Reader | None = None
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.reader = reader
        self.model = chat_model if chat_model is not None else load_chat_model(self.settings)
        self.retriever = load_retriever(self.settings)
        self.history: list[tuple[str, str]] = []

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Like `stream_answer`, remembering the turn once the final `Answer` is out."""
        for item in ask_stream(
            question,
            settings=self.settings,
            retriever=self.retriever,
            model=self.model,
            history=self.history,
            reader=self.reader,
        ):
            if isinstance(item, Answer):
                self.history.append((item.question, item.text))  # the validated question, as asked
            yield item

    def ask(self, question: str) -> Answer:
        """The final answer to `question` in the context of earlier turns."""
        return final_answer(self.stream(question))

    def reset(self) -> None:
        """Forget the conversation."""
        self.history.clear()
