"""The question analysed once: the words asked, their language, the date they are asked on, the time they ask about
and, for a follow-up, what it stands for. `pipeline.ask_stream` builds it; the stages after it read it instead of
parsing the question again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.lang.span_features import Question as SpanQuestion
from tanya_sumsel.lang.span_features import parse_question
from tanya_sumsel.question.followup import followup_context, standalone
from tanya_sumsel.question.kind import descriptive, question_type
from tanya_sumsel.question.time import TimeQuery, parse_time


@dataclass(frozen=True)
class Wording:
    """One question string as retrieval and reading match it: its type, terms and parse, each derived once."""

    text: str
    lang: str = "id"  # an English question's capitalised words are glossed too ('World Athletics Championships')

    @cached_property
    def kind(self) -> str:
        """Coarse type: who, when, amount, where, why, how, what (`question.kind.question_type`)."""
        return question_type(self.text)

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """Its stemmed content terms, English words glossed into Indonesian, in order."""
        return tuple(terms(self.text, translate=True, english=self.lang == "en"))

    @cached_property
    def parsed(self) -> SpanQuestion:
        """Its parse for the short-answer span features."""
        return parse_question(self.text, self.kind, self.terms)

    @cached_property
    def descriptive(self) -> bool:
        """Whether it asks for an account, not a fact ('Mengapa …', 'Apa isi laporan …'): no short answer."""
        return descriptive(self.text, self.kind)


def wording(question: str | Wording) -> Wording:
    """`question` as a `Wording` (a string is analysed here; callers with a `Question` pass its wordings)."""
    return question if isinstance(question, Wording) else Wording(question)


@dataclass(frozen=True)
class Question:
    """One asked question and what is known of it before retrieval (frozen; derived parts computed once)."""

    asked: str  # validated, as the user wrote it: what the `Answer` repeats
    lang: str  # 'id' or 'en': the language of every word the user reads
    as_of: dt.date  # the date 'saat ini', 'bulan lalu' refer to
    time: TimeQuery | None = None  # the period (or 'the latest') it asks about
    history: tuple[tuple[str, str], ...] = ()  # earlier (question, answer text) turns, oldest first

    @property
    def text(self) -> str:
        """The question the answer is made for: without the words that only say "now" or a relative time."""
        return self.time.query if self.time is not None else self.asked

    @cached_property
    def standalone(self) -> str:
        """A follow-up with the previous topic where '-nya' or 'dia' points back to it; else `text`."""
        return standalone(self.text, self.history)

    @cached_property
    def context(self) -> str:
        """For a follow-up that points back without a pronoun: the previous turn's words that may help retrieval."""
        if not self.history or self.standalone != self.text:
            return ""
        return followup_context(self.text, self.history)

    @cached_property
    def wording(self) -> Wording:
        """The question read against the passages: `standalone`."""
        return self.alone if self.standalone == self.text else Wording(self.standalone, self.lang)

    @cached_property
    def alone(self) -> Wording:
        """The question as asked, without what a follow-up carries over: `text`."""
        return Wording(self.text, self.lang)

    @cached_property
    def query(self) -> Wording:
        """What retrieval searches for (without an LLM's rewrite): the standalone question, or the follow-up with
        its context."""
        if not self.context:
            return self.wording
        return Wording(f"{self.text} {self.context}".strip(), self.lang)


def analyse(question: str, lang: str, as_of: dt.date, history: Sequence[tuple[str, str]] = ()) -> Question:
    """`question` (already validated) analysed for `lang` and the reference date `as_of`."""
    return Question(question, lang, as_of, parse_time(question, as_of, lang), tuple(history))
