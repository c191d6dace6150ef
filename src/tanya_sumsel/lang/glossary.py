"""English → Indonesian words and phrases, so an English question meets Indonesian articles: in keyword search
(question terms are translated) and in the reader (an English question is read in Indonesian terms)."""

from __future__ import annotations

import re
from importlib.resources import files

from tanya_sumsel.lang.vocab import MONTH_NAMES

# The words reader v2 was trained with: `training/train_reader.py --english` writes its synthetic code-mixed English
# questions from this table and `EN_PHRASES` (in reverse), so v2's documented command keeps producing the data it
# learned from; widen what is served through `NEWS_WORDS` and `NEWS_PHRASES`, not here. (The hand-written English
# of `--english-file` is worded as served, `question.forms.in_indonesian_terms`.)
GLOSSARY: dict[str, str] = {
    "governor": "gubernur",
    "vice": "wakil",
    "deputy": "wakil",
    "regent": "bupati",
    "mayor": "wali kota",
    "secretary": "sekretaris",
    "regional": "daerah",
    "province": "provinsi",
    "provincial": "provinsi",
    "government": "pemerintah",
    "meeting": "rapat",
    "coordination": "koordinasi",
    "budget": "anggaran",
    "year": "tahun",
    "development": "pembangunan",
    "south": "selatan",
    "sumatra": "sumatera",
    "report": "laporan",
    "signed": "tandatangan",
    "signing": "tandatangan",
    "commitment": "komitmen",
    "integrity": "integritas",
    "pact": "pakta",
    "corruption": "korupsi",
    "innovation": "inovasi",
    "public": "publik",
    "service": "layanan",
    "services": "layanan",
    "infrastructure": "infrastruktur",
    "project": "proyek",
    "projects": "proyek",
    "held": "gelar",
    "head": "kepala",
    "heads": "kepala",
    "officials": "pejabat",
    "official": "pejabat",
    "target": "target",
    "targets": "target",
    "police": "polisi",
    "fire": "kebakaran",
    "forest": "hutan",
    "flood": "banjir",
    "election": "pemilihan",
    "city": "kota",
    "district": "kabupaten",
    "village": "desa",
    "school": "sekolah",
    "hospital": "rumah sakit",
    "road": "jalan",
    "president": "presiden",
    "minister": "menteri",
    "people": "masyarakat",
    "economy": "ekonomi",
    "economic": "ekonomi",
    "plan": "rencana",
    "work": "kerja",
    "program": "program",
    "programs": "program",
    "opened": "buka",
    "open": "buka",
    "opens": "buka",
    "house": "rumah",
    "houses": "rumah",
    "flooded": "rendam",
    "families": "keluarga",
    "family": "keluarga",
    "evacuated": "ungsi",
    "passengers": "penumpang",
    "passenger": "penumpang",
    "length": "panjang",
    "long": "panjang",
    "bridge": "jembatan",
    "price": "harga",
    "cost": "biaya",
    "inflation": "inflasi",
    "investment": "investasi",
    "health": "kesehatan",
    "education": "pendidikan",
    "students": "mahasiswa",
    "scholarship": "beasiswa",
    "athletes": "atlet",
    "market": "pasar",
    "kiosks": "kios",
    "burned": "bakar",
    "rice": "beras",
    "rubber": "karet",
    "cases": "kasus",
    "dengue": "dbd",
    "port": "pelabuhan",
    "chairman": "ketua",
    "chair": "ketua",
    "director": "direktur",
    "inaugurated": "lantik",
    "sworn": "lantik",
    "elected": "pilih",
    "winner": "menang",
    "fare": "tarif",
    "ticket": "tiket",
    "stunting": "stunting",
    "prevalence": "prevalensi",
    "agency": "badan",
    "office": "dinas",
    "damaged": "rusak",
    "victims": "korban",
    "died": "meninggal",
    "killed": "tewas",
    "population": "penduduk",
}


def _pairs(table: str) -> dict[str, str]:
    """'en=id, en=id' pairs (lines starting with '#' name a domain) as a dict."""
    lines = [line for line in table.splitlines() if not line.strip().startswith("#")]
    items = [item.strip() for item in ",".join(lines).split(",") if item.strip()]
    return {en.strip(): ind.strip() for en, _, ind in (item.partition("=") for item in items)}


# Everyday news words in English (lang/news_words.txt), by domain, each to the Indonesian word an article uses (its
# root where the article inflects it: 'arrested' -> 'tangkap' meets 'ditangkap' once stemmed). Left out: words
# Indonesian news itself prints in English, often inside names ('University', 'Group', 'International', 'Energy'
# appear 20+ times in the 5,000 CLICK-ID articles), since an English question's terms are translated and the passage
# keeps the word as printed; and words that are also Indonesian ('sang', 'area').
NEWS_WORDS: dict[str, str] = _pairs(files("tanya_sumsel.lang").joinpath("news_words.txt").read_text(encoding="utf-8"))

# English phrases whose Indonesian word order differs (adjective after noun): translated as a whole, before words.
# Where Indonesian has an acronym the phrase becomes it, so an English question gets the same terms as its Indonesian
# twin ('Sumsel' in text and question alike; a spelled-out 'Sumatera Selatan' in the text also yields 'sumsel').
EN_PHRASES: dict[str, str] = {
    "south sumatra": "Sumsel",
    "south sumatera": "Sumsel",
    "coordination meeting": "rakor",
    "deputy governor": "Wagub",
    "vice governor": "Wagub",
    "acting governor": "penjabat gubernur",
    "regional secretary": "Sekda",
    "regional budget": "APBD",
    "forest fires": "kebakaran hutan",
    "forest fire": "kebakaran hutan",
    "health office": "dinas kesehatan",
    "education office": "dinas pendidikan",
    "toll road": "jalan tol",
    "hot spots": "titik api",
    "hotspots": "titik api",
}

# Place names and noun phrases English puts in the other order ('East Java' is 'Jawa Timur').
NEWS_PHRASES: dict[str, str] = {
    "east java": "Jawa Timur",
    "west java": "Jawa Barat",
    "central java": "Jawa Tengah",
    "north sumatra": "Sumatera Utara",
    "west sumatra": "Sumatera Barat",
    "east kalimantan": "Kalimantan Timur",
    "west kalimantan": "Kalimantan Barat",
    "south kalimantan": "Kalimantan Selatan",
    "central kalimantan": "Kalimantan Tengah",
    "north kalimantan": "Kalimantan Utara",
    "north sulawesi": "Sulawesi Utara",
    "south sulawesi": "Sulawesi Selatan",
    "central sulawesi": "Sulawesi Tengah",
    "southeast sulawesi": "Sulawesi Tenggara",
    "west nusa tenggara": "Nusa Tenggara Barat",
    "east nusa tenggara": "Nusa Tenggara Timur",
    "sumatran tiger": "harimau Sumatera",
    "national park": "taman nasional",
}

# Months and weekdays, which English always capitalises: glossed wherever written ('1 January 2006' is '1 Januari 2006')
_WEEKDAYS = (
    "Monday Senin Tuesday Selasa Wednesday Rabu Thursday Kamis Friday Jumat Saturday Sabtu Sunday Minggu".split()
)
CALENDAR: dict[str, str] = {
    en.lower(): ind
    for en, ind in [
        *zip(MONTH_NAMES["en"], MONTH_NAMES["id"], strict=True),
        *zip(_WEEKDAYS[::2], _WEEKDAYS[1::2], strict=True),
    ]
}

EN_TO_ID: dict[str, str] = NEWS_WORDS | GLOSSARY  # what is served: every word, the trained table's where both have one
_PHRASES = EN_PHRASES | NEWS_PHRASES
_EN_PHRASE = re.compile(r"(?i)\b(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")\b")


def translate_phrases(text: str) -> str:
    """English multi-word phrases replaced by their Indonesian form ('coordination meeting' → 'rakor')."""
    return _EN_PHRASE.sub(lambda m: _PHRASES[m.group(1).lower()], text)
