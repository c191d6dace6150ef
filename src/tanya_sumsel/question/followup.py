"""Follow-up questions without an LLM: which questions lean on the previous turn, the previous question's topic as
context, and the question made standalone by putting that topic where a pronoun or a possessive "-nya" points
("Apa isi laporannya?" after "Siapa Sekda Sumsel?" → "Apa isi laporan Sekda Sumsel?")."""

from __future__ import annotations

import re
from collections.abc import Sequence

History = Sequence[tuple[str, str]]  # (question, answer text) pairs, oldest first

_ANAPHORA = re.compile(
    r"\b(itu|tersebut|ini|dia|ia|beliau|mereka|nya|it|that|this|he|she|they|his|her|its|their)\b|\w+nya\b",
    re.I,
)
# words that ask rather than name: left out of the topic carried into the next question
_ASKING = frozenset(
    "siapa siapakah apa apakah kapan kapankah berapa berapakah brp mana dimana di manakah bagaimana gimana mengapa "
    "kenapa yang yg adalah ialah itu ini tersebut dan atau saja sih ya kah tolong jelaskan sebutkan "
    "who whom whose what when where which how why is are was were the a an of do does did".split()
)
_PRONOUNS = frozenset({"dia", "ia", "beliau"})  # a person named by the previous question's topic
# words ending in -nya that are not a possessive pointing back (adverbs, "other", question words with -nya)
_NOT_POSSESSIVE = re.compile(
    r"^(se\w+nya|ter\w*nya|\w*lainnya|biasanya|akhirnya|rupanya|katanya|tampaknya|agaknya|misalnya|contohnya|"
    r"umumnya|khususnya|pokoknya|apanya|siapanya|kapannya|berapanya|bagaimananya|manakah|nya)$",
    re.I,
)
_WORD = re.compile(r"[\w-]+|[^\w\s]")


def is_followup(question: str) -> bool:
    """Short questions or ones with pronouns/demonstratives lean on the previous turn."""
    return len(question.split()) <= 5 or bool(_ANAPHORA.search(question))


def followup_context(question: str, history: History) -> str:
    """For a follow-up, the previous question: its topic steers retrieval and sentence choice (at half weight)."""
    return history[-1][0] if history and is_followup(question) else ""


def topic(question: str) -> str:
    """The naming words of a question ("Siapa Sekda Sumsel?" → "Sekda Sumsel")."""
    words = [w for w in _WORD.findall(question) if w[0].isalnum() and w.lower() not in _ASKING]
    return " ".join(words)


def standalone(question: str, history: History) -> str:
    """`question` with the previous turn's topic put where a possessive "-nya" or "dia/ia/beliau" points back to it
    (earlier follow-ups resolved first); unchanged when nothing points back or there is no history."""
    if not history or not is_followup(question):
        return question
    previous = standalone(history[-1][0], history[:-1])
    subject = topic(previous)
    if not subject:
        return question
    subject_words = [w.lower() for w in subject.split()]
    replaced = False

    def swap(match: re.Match[str]) -> str:
        nonlocal replaced
        word = match.group(0)
        if replaced:
            return word
        if word.lower() in _PRONOUNS:
            replaced = True
            return subject
        if word.lower().endswith("nya") and len(word) > 5 and not _NOT_POSSESSIVE.match(word):
            stem = word[:-3]
            replaced = True
            if stem.lower() in subject_words:  # "laporannya" after "… isi laporan Sekda Sumsel": that noun phrase
                return " ".join(subject.split()[subject_words.index(stem.lower()) :])
            return f"{stem} {subject}"
        return word

    out = re.sub(r"\b\w+\b", swap, question)
    return out if replaced else question
