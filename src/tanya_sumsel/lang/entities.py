"""Indonesian entity patterns a short answer can be (dates, amounts, personal names with their titles, places,
organisations), built from the word lists in vocab.py."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from tanya_sumsel.lang.normalize import EXPANSIONS
from tanya_sumsel.lang.vocab import DAYS, DEGREES, MONTHS, NUMBER_WORDS, SCALE_WORDS, TITLE_WORDS

MONTH = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
DAY = "(?:" + "|".join(DAYS) + ")"


def _starts(*words: str) -> str:
    """A lookahead for the characters a match can start with: the same matches, but the scan skips every other
    position at once instead of trying each alternative there (DATE 30%, AMOUNT 45% faster on CLICK-ID)."""
    return "(?=[" + re.escape("".join(sorted({w[0].lower() for w in words}))) + r"\d])"


DATE = re.compile(
    _starts(*DAYS, *(m for m in MONTHS if len(m) > 3), "tanggal", "tahun", "pukul", "jam", "(")
    + rf"(?:(?:{DAY},?\s*)?\(?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)?"
    rf"|(?:{DAY},?\s*)?(?:tanggal\s+)?\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s+(?:{MONTH})\.?(?:\s+\d{{4}})?"
    rf"|(?:{MONTH})\s+\d{{4}}"
    rf"|(?:pukul|jam)\s+\d{{1,2}}[.:]\d{{2}}(?:\s*(?:WIB|WITA|WIT))?"
    rf"|\b{DAY}\b(?:\s+(?:pagi|siang|sore|malam|lalu))?"
    r"|(?:tahun\s+)?\b(?:1[89]|20)\d{2}(?:-an)?\b)",
    re.I,
)
SCALE = "(?:" + "|".join(SCALE_WORDS) + ")"
AMOUNT = re.compile(
    _starts(*NUMBER_WORDS, "Rp", "US", "$")
    + rf"(?:(?:(?:Rp|US\$|USD|\$)\.?\s*)?\d+(?:[.,]\d+)*(?:\s*{SCALE})?(?:\s*(?:%|persen|[a-zA-Z]+))?"
    rf"|\b(?:{'|'.join(NUMBER_WORDS)})\b(?:\s+{SCALE})?(?:\s+[a-zA-Z]+)?)",
    re.I,
)
TITLE = rf"(?:{'|'.join(TITLE_WORDS)})\.?"
TITLES = frozenset(w.lower() for w in TITLE_WORDS) | frozenset("mh sh se mm msi si st".split())  # + degrees
NAME = re.compile(
    rf"(?:{TITLE}\s+)*[A-Z][\w'’.-]*(?:\s+(?:(?:bin|binti|van|de|der|al|dan|of)\s+)?(?:[A-Z][\w'’.-]*|\d+\b))*"
    r"(?:,\s*(?:" + "|".join(re.escape(d) for d in DEGREES) + r")\.?)?"
)
# Words that name places of the province (the long forms of its place acronyms and the compass words of provinces)
# Degrees written after a name ("Edward Candra, MH", "Cik Ujang, SH, M.Si"): they belong to the name shown
DEGREES_AFTER = re.compile(r"(?:,\s*(?:" + "|".join(re.escape(d) for d in DEGREES) + r")\.?)+(?![\w.])")
PLACES = frozenset(
    {w for short in ("sumsel", "oki", "oku", "pali", "muba", "plg") for w in EXPANSIONS[short].split()}
    | set("indonesia jakarta sumatera jawa kalimantan sulawesi utara selatan barat timur tengah kota kabupaten".split())
)
PLACE = re.compile(r"\b(?:di|ke|dari)\s+((?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*)*)")
HEAD = re.compile(r"\b(\w+)\s+(?:jenis\s+)?(?:apa|apakah|manakah|mana)\b|\b(?:apa|apakah)\s+nama\s+(\w+)", re.I)
# "Apa isi/tujuan/… ?" asks for a description, not an entity: no short answer.
DESCRIPTIVE = re.compile(
    r"\b(?:apa|apakah)\s+(?:isi|maksud|tujuan|alasan|peran|fungsi|dampak|hasil|arti|pesan|upaya|langkah|kata|penyebab|"
    r"yang dilakukan|saja(?!\s+nama))(?:nya)?\b|\bwhat (?:did|does|do|is the (?:content|purpose|role))\b",
    re.I,
)
TOKEN = re.compile(r"\w+(?:[.,/:'’-]\w+)*|[^\w\s]")
INNER = frozenset(".,()-&/")  # punctuation a span may contain ("H. Cik Ujang", "Helsinki, Finlandia", "(NPT)")

Tokens = list[tuple[str, int, int]]  # (token, start, end) in its context's text


def span_tokens(text: str) -> Tokens:
    """The tokens a short-answer span is made of (`TOKEN`), with their character offsets."""
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def pattern_spans(sentence: str, toks: Tokens) -> dict[str, list[tuple[int, int]]]:
    """Token spans matched by the date/amount/name/place patterns."""
    found: dict[str, list[tuple[int, int]]] = {}
    matches = [
        (k, m.start(), m.end())
        for k, p in (("date", DATE), ("amount", AMOUNT), ("name", NAME))
        for m in p.finditer(sentence)
    ]
    matches += [("place", m.start(1), m.end(1)) for m in PLACE.finditer(sentence)]
    starts, ends = [t[1] for t in toks], [t[2] for t in toks]
    for kind, s, e in matches:
        first, last = bisect_left(starts, s), bisect_right(ends, e)  # the tokens lying wholly inside [s, e)
        if first < last:
            found.setdefault(kind, []).append((first, last))
    return found
