"""The question as the reader reads it: chat abbreviations written out ("brp" → "berapa", "yg" → "yang") and a
government acronym put the way the passages being read put it ("Sekda" where they say "Sekretaris Daerah", and
back), and an English question given Indonesian question words. The words asked otherwise stay the user's; only
their spelling meets the articles'."""

from __future__ import annotations

import re

from tanya_sumsel.lang.glossary import CALENDAR, EN_TO_ID, translate_phrases
from tanya_sumsel.lang.normalize import EXPANSIONS

# Lower-case chat spellings of Indonesian words (a capitalised 'SP' or 'PD' is an acronym and is left alone)
CHAT_WORDS: dict[str, str] = {
    "yg": "yang",
    "brp": "berapa",
    "brapa": "berapa",
    "dgn": "dengan",
    "utk": "untuk",
    "tdk": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "sdh": "sudah",
    "udah": "sudah",
    "plg": "paling",
    "knp": "kenapa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "thn": "tahun",
    "th": "tahun",
    "krn": "karena",
    "kpn": "kapan",
    "kapan2": "kapan",
    "dmn": "di mana",
    "dmana": "di mana",
    "sp": "siapa",
    "sapa": "siapa",
    "pd": "pada",
    "jg": "juga",
    "bs": "bisa",
    "blm": "belum",
    "sbg": "sebagai",
    "tsb": "tersebut",
    "dlm": "dalam",
    "org": "orang",
    "skrg": "sekarang",
    "bln": "bulan",
    "tgl": "tanggal",
    "jml": "jumlah",
    "msh": "masih",
    "aja": "saja",
    "sm": "sama",
    "dr": "dari",
}
_WORD = re.compile(r"[A-Za-z0-9]+")

# English question words as Indonesian asks them: the reader learned its questions in Indonesian, so an English
# question reads better with them (FacQA valid's 39 English variants: 0.513 -> 0.615 with the glossary and the
# dropped function words below; the question word alone 0.462, the original appended in brackets 0.538)
EN_QUESTION_WORDS: dict[str, str] = {
    "how long is": "berapa panjang",  # a length ('How long is the bridge?'); 'How long did it take' is a duration
    "how long are": "berapa panjang",
    "how many": "berapa",
    "how much": "berapa",
    "how long": "berapa lama",
    "how old": "berapa umur",
    "how far": "berapa jauh",
    "what year": "tahun berapa",
    "which year": "tahun berapa",
    "by when": "kapan",
    "since when": "sejak kapan",
    "until when": "sampai kapan",
    "who": "siapa",
    "whom": "siapa",
    "whose": "siapa",
    "when": "kapan",
    "where": "di mana",
    "why": "mengapa",
    "how": "bagaimana",
    "what": "apa",
    "which": "apa",
}
# A contraction's verb goes with the function words ("Who's" is "Who is": 'siapa')
_EN_QUESTION = re.compile(
    r"(?i)\b(" + "|".join(sorted(map(re.escape, EN_QUESTION_WORDS), key=len, reverse=True)) + r")(?:['’](?:s|re))?\b"
)
# English words Indonesian has no word for in a question ('the mayor of Lubuklinggau' is 'wali kota Lubuklinggau')
EN_FUNCTION_WORDS = frozenset("is are was were the a an do does did there of has have had been be up down out".split())
# English small words Indonesian also writes ('in' is 'di'); a 'who' or 'which' after a noun relates, it does not ask
EN_SMALL_WORDS: dict[str, str] = {
    "in": "di",
    "at": "di",
    "on": "pada",
    "to": "ke",
    "for": "untuk",
    "from": "dari",
    "with": "dengan",
    "and": "dan",
    "or": "atau",
    "by": "oleh",
    "not": "tidak",
    "now": "sekarang",
    "currently": "saat ini",
    "still": "masih",
    "this": "ini",
    "these": "ini",
    "that": "yang",
}
_RELATIVE = re.compile(r"(?i)\b([\w,]+) (who|which|that)\b")
_ASKING_AFTER = frozenset("in at on to for from with by of".split())  # 'In which year', 'From which country'


def _related(m: re.Match[str]) -> str:
    """'the director who died' → 'the director yang died'; a question word after a preposition still asks."""
    return m.group(0) if m.group(1).lower() in _ASKING_AFTER else f"{m.group(1)} yang"


def written_out(question: str) -> str:
    """Chat abbreviations replaced by the words they stand for (only lower-case whole words; 'Dr.' stays)."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        followed_by_dot = question[m.end() : m.end() + 1] == "."
        return word if followed_by_dot else CHAT_WORDS.get(word, word)

    return _WORD.sub(swap, question)


def in_indonesian_terms(question: str) -> str:
    """An English question in the words the reader learned: its question words in Indonesian ('How many' →
    'berapa'; a 'who' after a noun 'yang'), the glossary's lower-case words and phrases and the small words
    translated ('mayor' → 'wali kota', 'in' → 'di'), other function words dropped; names and every other word stay.
    Only for a question asked in English (the caller knows its language: the question is analysed once)."""
    q = translate_phrases(
        _EN_QUESTION.sub(lambda m: EN_QUESTION_WORDS[m.group(1).lower()], _RELATIVE.sub(_related, question))
    )
    q = re.sub(r"(?<=[A-Za-z])['’]s\b", "", q)  # a possessive: 'the tiger's' is 'harimau'
    q = re.sub(r"^\s*([A-Z][a-z]+)\b", lambda m: EN_SMALL_WORDS.get(m.group(1).lower(), m.group(1)), q)  # 'In which'
    q = re.sub(r"\b[A-Z][a-z]+\b", lambda m: CALENDAR.get(m.group(0).lower(), m.group(0)), q)
    # Only lower-case words: a capitalised one may be a name ('Long Bagun'); question words were replaced above
    q = re.sub(r"\b[a-z]+\b", lambda m: EN_SMALL_WORDS.get(m.group(0)) or EN_TO_ID.get(m.group(0), m.group(0)), q)
    return " ".join(w for w in q.split() if w.lower() not in EN_FUNCTION_WORDS)


def as_the_passages_say(question: str, text: str) -> str:
    """Each known acronym in the question spelt out when `text` spells it out and never uses it, and each spelt-out
    form abbreviated when `text` only uses the acronym ('Siapa Sekda Sumsel?' over 'Sekretaris Daerah Sumsel …'
    reads 'Siapa Sekretaris Daerah Sumsel?')."""
    low = text.lower()
    for short, long in EXPANSIONS.items():
        if short == long or short in ("sumsel",):  # the province is written both ways everywhere
            continue
        has_short = re.search(rf"\b{short}\b", low) is not None
        has_long = long in low
        if has_long and not has_short:
            found = re.search(re.escape(long), text, re.I)
            written = found.group(0) if found else long
            question = re.sub(rf"(?i)\b{short}\b", written, question)
        elif has_short and not has_long:
            found = re.search(rf"\b{short}\b", text, re.I)
            written = found.group(0) if found else short
            question = re.sub(rf"(?i)\b{re.escape(long)}\b", written, question)
    return question


def reader_words(question: str, lang: str = "id") -> str:
    """The question (asked in `lang`) in the reader's words: chat spellings written out, English in Indonesian terms."""
    asked = written_out(question)
    return in_indonesian_terms(asked) if lang == "en" else asked


def reader_question(question: str, texts: list[str], lang: str = "id") -> str:
    """The question (asked in `lang`) as the reader reads it over passages `texts`."""
    return as_the_passages_say(reader_words(question, lang), " ".join(texts))
