"""Indonesian entity patterns a short answer can be (dates, amounts, personal names with their titles, places,
organisations) and the vocabulary around them (offices, pronouns, cue words before an answer)."""

from __future__ import annotations

import re

from .dates import MONTHS
from .textnorm import EXPANSIONS

MONTH = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
DAY = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad)"
DATE = re.compile(
    rf"(?:{DAY},?\s*)?\(?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)?"
    rf"|(?:{DAY},?\s*)?(?:tanggal\s+)?\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s+(?:{MONTH})\.?(?:\s+\d{{4}})?"
    rf"|(?:{MONTH})\s+\d{{4}}"
    rf"|(?:pukul|jam)\s+\d{{1,2}}[.:]\d{{2}}(?:\s*(?:WIB|WITA|WIT))?"
    rf"|\b{DAY}\b(?:\s+(?:pagi|siang|sore|malam|lalu))?"
    r"|(?:tahun\s+)?\b(?:1[89]|20)\d{2}(?:-an)?\b",
    re.I,
)
SCALE = r"(?:ribu|juta|miliar|milyar|triliun|ratus|puluh)"
AMOUNT = re.compile(
    rf"(?:(?:Rp|US\$|USD|\$)\.?\s*)?\d+(?:[.,]\d+)*(?:\s*{SCALE})?(?:\s*(?:%|persen|[a-zA-Z]+))?"
    rf"|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|belasan|puluhan|ratusan|ribuan|"
    rf"seratus|seribu)\b(?:\s+{SCALE})?(?:\s+[a-zA-Z]+)?",
    re.I,
)
TITLE_WORDS = "Dr Drs Dra H Hj Ir Prof KH Kol Brigjen Irjen Kapt Letkol Jenderal Moh Muh".split()
TITLE = rf"(?:{'|'.join(TITLE_WORDS)})\.?"
TITLES = frozenset(w.lower() for w in TITLE_WORDS) | frozenset("mh sh se mm msi si st".split())  # + degrees
NAME = re.compile(
    rf"(?:{TITLE}\s+)*[A-Z][\w'’.-]*(?:\s+(?:(?:bin|binti|van|de|der|al|dan|of)\s+)?(?:[A-Z][\w'’.-]*|\d+\b))*"
    r"(?:,\s*(?:MH|SH|SE|MM|M\.Si|S\.E|S\.H|M\.H|M\.Sc|Ph\.D)\.?)?"
)
PRONOUNS = frozenset("ia dia beliau mereka kami kita saya anda aku engkau kamu nya he she they it we".split())
OFFICES = frozenset(
    "gubernur wakil bupati wali walikota kota kepala dinas sekretaris daerah menteri presiden ketua direktur camat "
    "lurah kapolda kapolres penjabat pj plt plh sekda wagub kadis pejabat pimpinan governor mayor regent".split()
)
# Words that name places of the province (the long forms of its place acronyms and the compass words of provinces)
PLACES = frozenset(
    {w for short in ("sumsel", "oki", "oku", "pali", "muba", "plg") for w in EXPANSIONS[short].split()}
    | set("indonesia jakarta sumatera jawa kalimantan sulawesi utara selatan barat timur tengah kota kabupaten".split())
)
PLACE = re.compile(r"\b(?:di|ke|dari)\s+((?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*)*)")
ORG_WORDS = frozenset(
    "departemen kementerian badan dinas partai pt cv komisi dewan lembaga pemerintah pemkab pemkot pemprov "
    "universitas polres polda kodam bank perusahaan organisasi".split()
)
HEAD = re.compile(r"\b(\w+)\s+(?:jenis\s+)?(?:apa|apakah|manakah|mana)\b|\b(?:apa|apakah)\s+nama\s+(\w+)", re.I)
# "Apa isi/tujuan/… ?" asks for a description, not an entity: no short answer.
DESCRIPTIVE = re.compile(
    r"\b(?:apa|apakah)\s+(?:isi|maksud|tujuan|alasan|peran|fungsi|dampak|hasil|arti|pesan|upaya|langkah|kata|penyebab|"
    r"yang dilakukan|saja(?!\s+nama))(?:nya)?\b|\bwhat (?:did|does|do|is the (?:content|purpose|role))\b",
    re.I,
)
TOKEN = re.compile(r"\w+(?:[.,/:'’-]\w+)*|[^\w\s]")
INNER = frozenset(".,()-&/")  # punctuation a span may contain ("H. Cik Ujang", "Helsinki, Finlandia", "(NPT)")
PREV_CUES = (
    frozenset("di ke dari kota provinsi kabupaten negara".split()),
    frozenset("oleh kata ujar menurut".split()),
    frozenset("yaitu yakni adalah ialah bernama sebagai merupakan disebut".split()),
    frozenset("pada tanggal sejak hingga tahun bulan".split()),
    frozenset("sebanyak sekitar mencapai sebesar senilai hanya lebih hampir total".split()),
)
