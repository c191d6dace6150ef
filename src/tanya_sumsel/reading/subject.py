"""Subject check: is what the question asks about in the evidence an answer would cite?

A passage on the same topic is not an answer: "Berapa panjang Jembatan Musi V?" must not be answered from a passage
about Jembatan Musi VI, nor from a flood report that gives a road length. The question's numbers and years, its
names (capitalized words, acronyms, roman numerals) and its rare terms must be found in the cited passage, and a
"how long / how much / what share" question needs a quantity of that kind in the quoted sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from tanya_sumsel.lang.glossary import GLOSSARY, translate_phrases
from tanya_sumsel.lang.normalize import EXPANSIONS, STOPWORDS, stem, terms, tokens
from tanya_sumsel.lang.vocab import MONTHS
from tanya_sumsel.question.analysis import Wording, wording

# Question words and generic words that are capitalized for grammar, not because they name something.
_NOT_NAMES = frozenset(
    "apa apakah siapa siapakah kapan berapa berapakah di mana dimana kemana mengapa kenapa bagaimana yang nama "
    "what who whom when where which why how is are was were the a an of in on at to did does do".split()
)
_ROMAN = re.compile(r"^(?:[IVX]{1,5})$")
_NAME_WORD = re.compile(r"(?<![\w.])(?:[A-Z][\w'’-]*|\d+(?:[.,]\d+)*)")
# kind → (question cue, evidence pattern)
QUANTITIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "length": (
        re.compile(
            r"\bberapa\s+(?:\w+\s+)?(?:panjang|lebar|jarak|tinggi|kedalaman)\b|\bhow (?:long|far|high|deep)\b", re.I
        ),
        re.compile(r"\d\s*(?:meter|kilometer|km|m|cm|mil|kaki|mdpl)\b", re.I),
    ),
    "area": (
        re.compile(r"\bberapa\s+(?:\w+\s+)?luas\b|\bhow (?:large|big) (?:is )?the area\b", re.I),
        re.compile(r"\d\s*(?:hektare|hektar|ha|km2|km²|m2|m²|meter persegi|kilometer persegi)\b", re.I),
    ),
    "money": (
        re.compile(
            r"\bberapa\s+(?:\w+\s+)?(?:anggaran|biaya|nilai|harga|dana|tarif|gaji|upah|investasi|kerugian|pagu|"
            r"belanja|pendapatan|utang|modal)\b|\bhow much (?:money|did|does|is|was)?\b|\b(?:budget|cost|price)\b",
            re.I,
        ),
        re.compile(r"\bRp\.?\s*\d|\d\s*(?:rupiah|dolar|dollar|euro|yen|ringgit|yuan)\b|US\$|\$\s*\d|\bUSD\s*\d", re.I),
    ),
    "percent": (
        re.compile(
            r"\bberapa\s+(?:\w+\s+)?(?:persen|persentase|prevalensi|inflasi|tingkat)\b|\bwhat (?:share|percentage)\b",
            re.I,
        ),
        re.compile(r"\d\s*(?:%|persen\b)", re.I),
    ),
}


@dataclass(frozen=True)
class Subject:
    """What a question is about: numbers, names and content terms (stemmed), and the kind of quantity it asks."""

    numbers: frozenset[str]
    names: frozenset[str]
    terms: frozenset[str]
    quantity: str | None


def question_subject(asked: str | Wording) -> Subject:
    """The question's subject: the numbers, names and terms the evidence must hold."""
    w = wording(asked)
    question = w.text
    text = translate_phrases(question)
    numbers, names = set(), set()
    for m in _NAME_WORD.finditer(text):
        word = m.group(0)
        if word[0].isdigit():
            numbers.update(tokens(word))
            continue
        if m.start() == 0 and not word.isupper():  # the first word is capitalized anyway
            continue
        for tok in tokens(word) if not _ROMAN.match(word) else [word.lower()]:
            tok = GLOSSARY.get(tok, tok)
            if tok not in _NOT_NAMES and tok not in STOPWORDS:
                names.update(tok.split())
    quantity = next((kind for kind, (cue, _) in QUANTITIES.items() if cue.search(question)), None)
    return Subject(frozenset(numbers), frozenset(names), frozenset(w.terms), quantity)


@dataclass(frozen=True)
class Support:
    """How much of the subject one piece of evidence holds."""

    missing_numbers: tuple[str, ...]
    missing_names: tuple[str, ...]
    coverage: float  # IDF-weighted share of the question's terms found
    quantity: bool  # the asked kind of quantity is there (True when none is asked)

    def answers(self, min_coverage: float) -> bool:
        """Whether the evidence can answer: every number and name found, enough of the terms, the right quantity."""
        return not self.missing_numbers and not self.missing_names and self.coverage >= min_coverage and self.quantity


def evidence_words(texts: Iterable[str]) -> frozenset[str]:
    """Every form a question word may take in the evidence: tokens, stems, acronyms and their expansions."""
    return _evidence_words("\n".join(t for t in texts if t))


@lru_cache(maxsize=256)  # one answer judges its lead passage, top passages and article, some of them twice
def _evidence_words(joined: str) -> frozenset[str]:
    words = set(tokens(joined)) | set(terms(joined))
    words |= {w for t in list(words) if t in EXPANSIONS for w in EXPANSIONS[t].split()}
    return frozenset(words)


def support(
    subject: Subject, words: frozenset[str], quoted: Iterable[str], idf: Callable[[str], float] | None = None
) -> Support:
    """How far `words` (from `evidence_words`) cover `subject`; `quoted` are the sentences that would be shown."""
    missing_numbers = tuple(sorted(n for n in subject.numbers if n not in words))
    missing_names = tuple(sorted(n for n in subject.names if n not in words and stem(n) not in words))
    weight = {t: (idf(t) if idf else 1.0) for t in subject.terms}
    total = sum(weight.values())
    coverage = sum(w for t, w in weight.items() if t in words) / total if total else 1.0
    quantity = True
    if subject.quantity is not None:
        pattern = QUANTITIES[subject.quantity][1]
        quantity = any(pattern.search(s) for s in quoted)
    return Support(missing_numbers, missing_names, coverage, quantity)


_YEAR = re.compile(r"^(?:19|20)\d{2}$")


RARE_TERMS = 2  # the question's rarest terms a whole article must hold
# Stems that frame a question rather than name its subject ('memiliki', 'nilai investasi', 'penyebab'): articles
# say them otherwise, so they are never required.
FRAMING = frozenset(
    "milik nilai jumlah sebab akibat total besar banyak capai ikut dapat terima laku hasil baru lalu kini saat "
    "tahun bulan hari tanggal orang buah isi maksud tuju alas peran fungsi dampak arti pesan upaya langkah kata "
    "sebut".split()
)


def article_gaps(
    subject: Subject, text: str, title: str, date: str | None, idf: Callable[[str], float] | None = None
) -> tuple[str, ...]:
    """What of the subject a whole news article lacks (empty: it covers the subject).

    Every name (capitalized words, acronyms, roman numerals: 'Musi V' is not 'Musi VI') and number must be in its
    title or text, and so must the question's rarest terms ('pariwisata' in 'anggaran sektor pariwisata'). A year
    must be one the text mentions (the publication year when it mentions none), a month the text's or the
    publication's."""
    words = evidence_words([title, text])
    years = {t for t in tokens(text) if _YEAR.match(t)}
    published = date.split("-") if date else []
    gaps = []
    for n in sorted(subject.numbers):
        if _YEAR.match(n):
            if n not in years and not (not years and published and n == published[0]):
                gaps.append(n)
        elif n not in words:
            gaps.append(n)
    for name in sorted(subject.names):
        if name in words or stem(name) in words:
            continue
        if name in MONTHS and published and MONTHS[name] == int(published[1]):
            continue
        gaps.append(name)
    lowered = f"{title}\n{text}".lower()
    gaps += [t for t in rarest(subject, idf) if t not in words and not _shares_root(t, lowered)]
    return tuple(gaps)


def _shares_root(term: str, text: str) -> bool:
    """Whether `text` holds most of `term` (a stem the stemmer missed: 'ditandatangani' ~ 'penandatanganan')."""
    size = max(5, -(-len(term) * 3 // 5))
    return len(term) >= size and any(term[i : i + size] in text for i in range(len(term) - size + 1))


def rarest(subject: Subject, idf: Callable[[str], float] | None, n: int = RARE_TERMS) -> list[str]:
    """The question's `n` rarest plain terms (not names, numbers, months or framing words), rarest first."""
    named = subject.names | {stem(n) for n in subject.names}
    plain = [t for t in subject.terms if not t[0].isdigit() and t not in named and t not in MONTHS]
    return sorted((t for t in plain if t not in FRAMING), key=lambda t: (-(idf(t) if idf else 1.0), t))[:n]
