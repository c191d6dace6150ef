"""The question as the reader reads it: chat abbreviations written out ("brp" → "berapa", "yg" → "yang") and a
government acronym put the way the passages being read put it ("Sekda" where they say "Sekretaris Daerah", and
back). The words asked stay the user's; only their spelling meets the articles'."""

from __future__ import annotations

import re

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


def written_out(question: str) -> str:
    """Chat abbreviations replaced by the words they stand for (only lower-case whole words; 'Dr.' stays)."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        followed_by_dot = question[m.end() : m.end() + 1] == "."
        return word if followed_by_dot else CHAT_WORDS.get(word, word)

    return _WORD.sub(swap, question)


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


def reader_question(question: str, texts: list[str]) -> str:
    """The question as the reader reads it over passages `texts`."""
    return as_the_passages_say(written_out(question), " ".join(texts))
