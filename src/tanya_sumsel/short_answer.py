"""Short answers: the person, date, quantity or place a question asks for, cut verbatim from the cited sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ingest import MONTHS
from .textnorm import STOPWORDS, terms, tokens

_MONTH = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
_DAY = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad)"
DATE = re.compile(
    rf"(?:{_DAY},?\s*)?\(?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)?"
    rf"|(?:{_DAY},?\s*)?(?:tanggal\s+)?\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s+(?:{_MONTH})\.?(?:\s+\d{{4}})?"
    rf"|(?:{_MONTH})\s+\d{{4}}"
    rf"|(?:pukul|jam)\s+\d{{1,2}}[.:]\d{{2}}(?:\s*(?:WIB|WITA|WIT))?"
    rf"|\b{_DAY}\b(?:\s+(?:pagi|siang|sore|malam|lalu))?"
    r"|(?:tahun\s+)?\b(?:1[89]|20)\d{2}(?:-an)?\b",
    re.I,
)
_SCALE = r"(?:ribu|juta|miliar|milyar|triliun|ratus|puluh)"
AMOUNT = re.compile(
    rf"(?:(?:Rp|US\$|USD|\$)\.?\s*)?\d+(?:[.,]\d+)*(?:\s*{_SCALE})?(?:\s*(?:%|persen|[a-zA-Z]+))?"
    rf"|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|belasan|puluhan|ratusan|ribuan|"
    rf"seratus|seribu)\b(?:\s+{_SCALE})?(?:\s+[a-zA-Z]+)?",
    re.I,
)
_TITLE = r"(?:Dr|Drs|Dra|H|Hj|Ir|Prof|KH|Kol|Brigjen|Irjen|Kapt|Letkol|Jenderal)\.?"
NAME = re.compile(
    rf"(?:{_TITLE}\s+)*[A-Z][\w'’.-]*(?:\s+(?:(?:bin|binti|van|de|der|al|dan|of)\s+)?(?:[A-Z][\w'’.-]*|\d+\b))*"
    r"(?:,\s*(?:MH|SH|SE|MM|M\.Si|S\.E|S\.H|M\.H|M\.Sc|Ph\.D)\.?)?"
)
PLACE = re.compile(r"\b(?:di|ke|dari)\s+((?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*)*)")
ORG_WORDS = frozenset(
    "departemen kementerian badan dinas partai pt cv komisi dewan lembaga pemerintah pemkab pemkot pemprov "
    "universitas polres polda kodam bank perusahaan organisasi".split()
)
_HEAD = re.compile(r"\b(\w+)\s+(?:jenis\s+)?(?:apa|apakah|manakah|mana)\b|\b(?:apa|apakah)\s+nama\s+(\w+)", re.I)
WANT = {"who": ("name",), "when": ("date",), "amount": ("amount",), "where": ("place", "name"), "what": ("name",)}


@dataclass(frozen=True)
class Span:
    """A short answer and its [start, end) offsets in the sentence."""

    text: str
    start: int
    end: int


def _candidates(sentence: str, kind: str) -> list[Span]:
    if kind == "place":
        return [Span(m.group(1), m.start(1), m.end(1)) for m in PLACE.finditer(sentence)]
    pattern = {"date": DATE, "amount": AMOUNT, "name": NAME}[kind]
    out = []
    for m in pattern.finditer(sentence):
        text = _balance(m.group(0).strip(" ,."))
        if kind == "amount":
            parts = text.rsplit(" ", 1)
            if len(parts) == 2 and parts[1].lower() in STOPWORDS:
                text = parts[0]
        if text:
            start = sentence.index(text, m.start())
            out.append(Span(text, start, start + len(text)))
    return out


def _balance(text: str) -> str:
    """Drop unmatched brackets at the ends: 'Rabu (21/1/2026)' stays whole, '(21/1/2026' loses its '('."""
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ,.")
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].lstrip()
    return text


def _trim_known(span: Span, q_tokens: set[str]) -> Span:
    """Drop leading words the question already says ('Wakil Gubernur H. Cik Ujang' → 'H. Cik Ujang')."""
    text, start = span.text, span.start
    while True:
        m = re.match(r"(\w+)\s+", text)
        if not m or m.group(1).lower() not in q_tokens:
            return Span(text, start, span.end)
        text, start = text[m.end() :], start + m.end()


def _penalty(span: Span, kind: str, qtype: str, question: str, head: str | None) -> float:
    """Soft preferences between candidates of the same kind (lower is better)."""
    words = span.text.lower().split()
    penalty = 0.0
    if kind == "date" and not re.search(r"\d", span.text):
        penalty += 60  # a bare weekday is a weak answer when a numeric date is near
    elif kind == "date" and re.fullmatch(r"(?:tahun\s+)?\d{4}(?:-an)?", span.text):
        penalty += 40  # so is a bare year
    if kind == "amount":
        if re.match(r"(?:19|20)\d{2}\b(?!\s*(?:%|persen|ribu|juta|miliar|triliun))", span.text):
            penalty += 200  # a year is rarely the amount asked for
        if re.search(r"\b(uang|harga|biaya|dana|hadiah|anggaran|nilai|gaji|rp)\b", question, re.I) and not re.match(
            r"(Rp|US\$|USD|\$)", span.text
        ):
            penalty += 80
        if re.fullmatch(r"\d+", span.text):
            penalty += 20  # a bare number loses to one with its unit
    if (
        qtype == "who"
        and words
        and words[0] in ORG_WORDS
        and not re.search(r"\b(pihak|lembaga|organisasi|badan|instansi|partai|tim|klub)\b", question, re.I)
    ):
        penalty += 60
    if head and head in words:
        penalty -= 40  # 'Partai apakah …?' → a candidate that names a Partai
    return penalty


_CALENDAR = frozenset("senin selasa rabu kamis jumat sabtu minggu ahad pagi siang sore malam".split()) | frozenset(
    MONTHS
)


def _useful(span: Span, q_tokens: set[str], kind: str) -> bool:
    words = [w for w in tokens(span.text) if w not in STOPWORDS]
    if not words:
        return False
    if kind in ("name", "place") and all(w in _CALENDAR or w.isdigit() for w in words):
        return False  # 'Minggu' or 'Agustus 2005' is not a name or a place
    if kind == "name" and len(words) == 1 and words[0] in STOPWORDS:
        return False
    new = [w for w in words if w not in q_tokens]
    return len(new) >= max(1, len(words) // 2) if kind in ("name", "place") else bool(new)


# "Apa isi/tujuan/… ?" asks for a description, not an entity: no short answer.
_DESCRIPTIVE = re.compile(
    r"\b(?:apa|apakah)\s+(?:isi|maksud|tujuan|alasan|peran|fungsi|dampak|hasil|arti|pesan|upaya|langkah|kata|"
    r"yang dilakukan|saja)(?:nya)?\b|\bwhat (?:did|does|do|is the (?:content|purpose|role))\b",
    re.I,
)


def extract(question: str, qtype: str, sentence: str) -> Span | None:
    """The best span of the wanted type in `sentence`, nearest to the question's words, or None."""
    kinds = WANT.get(qtype)
    if not kinds or (qtype == "what" and _DESCRIPTIVE.search(question)):
        return None
    q_tokens = set(tokens(question)) | set(terms(question, translate=True))
    m = _HEAD.search(question)
    head = next((g.lower() for g in (m.groups() if m else ()) if g), None)
    if head in STOPWORDS or head in {"nama", "yang"}:
        head = None
    if qtype == "what" and head is None and not re.search(r"\b(nama|what is the name)\b", question, re.I):
        return None  # "Apa yang …?" asks for a description; a guessed entity would mislead
    anchors = [m.start() for m in re.finditer(r"\w+", sentence) if m.group(0).lower() in q_tokens]
    best: tuple[float, Span] | None = None
    for rank, kind in enumerate(kinds):
        for span in _candidates(sentence, kind):
            if kind in ("name", "place"):
                span = _trim_known(span, q_tokens - {head} if head else q_tokens)
            if not _useful(span, q_tokens, kind):
                continue
            if kind == "name" and span.start == 0 and " " not in span.text:
                continue  # a lone capitalized word opening the sentence is usually just a capitalized word
            distance = min((abs(span.start - a) for a in anchors), default=len(sentence))
            score = rank * 1000 + distance + _penalty(span, kind, qtype, question, head)
            if best is None or score < best[0]:
                best = (score, span)
        if best is not None:
            break
    return best[1] if best else None
