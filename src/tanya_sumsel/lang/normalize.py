"""Indonesian text normalization for keyword matching: tokens, stopwords, stemming, acronym expansion."""

from __future__ import annotations

import re
from functools import lru_cache, partial
from itertools import islice

from tanya_sumsel.lang.glossary import CALENDAR, GLOSSARY, NEWS_WORDS, translate_phrases

_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_WORD = re.compile(r"\b[A-Za-z]+\b")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """
    yang dan di ke dari pada untuk dengan dalam ini itu adalah ialah yaitu oleh akan telah sudah sedang
    juga atau serta tidak bukan belum ada bagi tersebut karena agar supaya sebagai secara para saat ketika
    bahwa jika kalau maka pun lah kah nya apa apakah siapa siapakah kapan kapankah berapa berapakah mana
    manakah dimana mengapa kenapa bagaimana bagaimanakah manakah nama sebuah seorang se kata menurut ia dia
    mereka kami kita saya anda nya hal dapat bisa harus masih lebih sangat hanya antara setelah sebelum
    namun tetapi sedangkan hingga sampai sejak the a an of in on at to for is are was were be been by with
    what who whom whose when where which why how did do does from that this as it its and or into about many much
    there their they them these those has have had will would can could should being also than then so any some
    all each
    yg utk dgn
    """.split()
)

# Government acronyms and place names of South Sumatra → their expansions (both directions are indexed).
EXPANSIONS: dict[str, str] = {
    "sumsel": "sumatera selatan",
    "pemprov": "pemerintah provinsi",
    "pemkot": "pemerintah kota",
    "pemkab": "pemerintah kabupaten",
    "opd": "organisasi perangkat daerah",
    "rpjmd": "rencana pembangunan jangka menengah daerah",
    "apbd": "anggaran pendapatan belanja daerah",
    "asn": "aparatur sipil negara",
    "rakor": "rapat koordinasi",
    "sekda": "sekretaris daerah",
    "wagub": "wakil gubernur",
    "gubsu": "gubernur",
    "dprd": "dewan perwakilan rakyat daerah",
    "bappeda": "badan perencanaan pembangunan daerah",
    "pj": "penjabat",
    "plt": "pelaksana tugas",
    "karhutla": "kebakaran hutan lahan",
    "bpbd": "badan penanggulangan bencana daerah",
    "oki": "ogan komering ilir",
    "oku": "ogan komering ulu",
    "pali": "penukal abab lematang ilir",
    "muba": "musi banyuasin",
    "banyuasin": "banyuasin",
    "plg": "palembang",
    "kadis": "kepala dinas",
    "kabid": "kepala bidang",
    "pilkada": "pemilihan kepala daerah",
    "pemda": "pemerintah daerah",
}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


# word → stem, also filled from the file a build leaves (stem_cache.py): Sastrawi takes ~0.1 ms a word.
_STEMS: dict[str, str] = {}
_STEMS_LIMIT = 1_000_000


def stem(word: str) -> str:
    """Sastrawi stem of one lower-case word (numbers and short words unchanged)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    found = _STEMS.get(word)
    if found is None:
        found = _stemmer().stem(word) or word
        if len(_STEMS) < _STEMS_LIMIT:
            _STEMS[word] = found
    return found


def known_stems() -> dict[str, str]:
    """A copy of every word → stem pair met so far."""
    return dict(_STEMS)


def remember_stems(table: dict[str, str]) -> None:
    """Take word → stem pairs computed earlier by the same stemmer (a memo: results never change)."""
    _STEMS.update(islice(table.items(), max(0, _STEMS_LIMIT - len(_STEMS))))


def normalize_number(tok: str) -> str:
    """'1.500' → '1500', '5,6' → '5.6' (Indonesian thousands and decimal separators)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", tok):
        return tok.replace(".", "")
    return tok.replace(",", ".")


# Bounded caches: one answer tokenizes the same candidate sentences in the reranker, the sentence ranker and the
# short-answer stage. Only sentence-sized texts are kept: a build tokenizes each chunk once, holding them costs memory.
_TEXT_CACHE = 20_000
_CACHED_CHARS = 600


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens, numbers normalized."""
    return list(_tokens(text) if len(text) <= _CACHED_CHARS else _tokens.__wrapped__(text))


@lru_cache(maxsize=_TEXT_CACHE)
def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for m in _TOKEN.finditer(text.lower()):
        tok = m.group(0)
        out.append(normalize_number(tok) if tok[0].isdigit() else tok)
    return tuple(out)


@lru_cache(maxsize=2)
def _phrases(use_stem: bool) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First term → (expanded phrase as terms, acronym) pairs, longest phrase first."""
    table = {tuple(stem(w) if use_stem else w for w in long.split()): short for short, long in EXPANSIONS.items()}
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, short in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if len(phrase) > 1:
            by_first.setdefault(phrase[0], []).append((phrase, short))
    return by_first


def _glossed(english: bool, m: re.Match[str]) -> str:
    """One word in Indonesian: an everyday word, or in English a capitalised month or weekday ('January')."""
    word = m.group(0)
    low = word.lower()
    return NEWS_WORDS.get(low) or (CALENDAR.get(low) if english and word[0].isupper() else None) or word


def terms(
    text: str, *, use_stem: bool = True, expand: bool = True, translate: bool = False, english: bool = False
) -> list[str]:
    """Content terms for keyword matching: stopwords dropped, stemmed, and every spelled-out
    acronym phrase ("Sekretaris Daerah") also emitted as its acronym ("sekda"), so both spellings meet.
    `translate`: English words glossed into Indonesian; `english`: the text is English, capitalised words too."""
    fn = _terms if len(text) <= _CACHED_CHARS else _terms.__wrapped__
    return list(fn(text, use_stem, expand, translate, english))


@lru_cache(maxsize=_TEXT_CACHE)
def _terms(text: str, use_stem: bool, expand: bool, translate: bool, english: bool) -> tuple[str, ...]:
    out: list[str] = []
    if translate:
        # In Indonesian, everyday English words only as typed in lower case: a capitalised one names something
        # ('serial Lost', 'Rice and Salt'); English title-cases what Indonesian writes in its own words
        # ('World Athletics Championships' is 'Kejuaraan Dunia Atletik'). The trained glossary's titles always.
        text = (_WORD if english else _LOWER_WORD).sub(partial(_glossed, english), translate_phrases(text))
    for tok in tokens(text):
        if translate and tok in GLOSSARY:
            tok = GLOSSARY[tok]
        parts = tok.split("-") if "-" in tok and not tok[0].isdigit() else tok.split()
        for part in parts:
            if part in STOPWORDS or (len(part) < 2 and not part.isdigit()):
                continue
            out.append(stem(part) if use_stem else part)
    if expand:
        phrases = _phrases(use_stem)
        found = []
        for i, term in enumerate(out):
            for phrase, short in phrases.get(term, ()):
                if tuple(out[i : i + len(phrase)]) == phrase:
                    found.append(short)
                    break
        out.extend(found)
    return tuple(out)
