"""Indonesian vocabulary in one place: month and day names, number and scale words, personal titles and degrees,
pronouns, offices, organisation words, and the cue words that come before an answer. The patterns built from them
live with their users (dates.py: dates in articles; entities.py: answer entities; question/kind.py: answer-type cues;
question/time.py: time expressions in questions)."""

from __future__ import annotations

MONTHS = {  # every spelling Indonesian news uses → month number
    name: i + 1
    for i, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb", "pebruari"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "ags"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov", "nopember"),
            ("desember", "des"),
        ]
    )
    for name in names
}
MONTH_NAMES = {  # for writing dates
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Jum'at", "Sabtu", "Minggu", "Ahad")
NUMBER_WORDS = (
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belasan puluhan ratusan ribuan seratus seribu"
).split()
SCALE_WORDS = ("ribu", "juta", "miliar", "milyar", "triliun", "ratus", "puluh")
TITLE_WORDS = "Dr Drs Dra H Hj Ir Prof KH Kol Brigjen Irjen Kapt Letkol Jenderal Moh Muh".split()
DEGREES = "MH SH SE MM M.Si S.E S.H M.H M.Sc Ph.D".split()  # written after a name: 'Cik Ujang, SH'
PRONOUNS = frozenset("ia dia beliau mereka kami kita saya anda aku engkau kamu nya he she they it we".split())
OFFICES = frozenset(
    "gubernur wakil bupati wali walikota kota kepala dinas sekretaris daerah menteri presiden ketua direktur camat "
    "lurah kapolda kapolres penjabat pj plt plh sekda wagub kadis pejabat pimpinan governor mayor regent".split()
)
ORG_WORDS = frozenset(
    "departemen kementerian badan dinas partai pt cv komisi dewan lembaga pemerintah pemkab pemkot pemprov "
    "universitas polres polda kodam bank perusahaan organisasi".split()
)
PREV_CUES = (  # the words just before an answer of each kind: place, speaker, copula, time, quantity
    frozenset("di ke dari kota provinsi kabupaten negara".split()),
    frozenset("oleh kata ujar menurut".split()),
    frozenset("yaitu yakni adalah ialah bernama sebagai merupakan disebut".split()),
    frozenset("pada tanggal sejak hingga tahun bulan".split()),
    frozenset("sebanyak sekitar mencapai sebesar senilai hanya lebih hampir total".split()),
)
# Lines of a news page that open this way are site furniture, not article text
BOILERPLATE_LEADS = tuple(
    "Baca juga|Baca pula|Simak juga|Lihat juga|Berita terkait|Artikel terkait|Berita lainnya|Simak breaking news|"
    "Dapatkan update|Ikuti kami|Ikuti berita|Follow|Editor:|Pewarta:|Penulis:|Reporter:|Sumber:|COPYRIGHT|Hak cipta|"
    "ADVERTISEMENT|Scroll untuk|Scroll to continue|Share this|Bagikan|Like this|Tag:|Tags:|Kunjungi|Download aplikasi|"
    "Diposting pada|Diterbitkan pada|Dipublikasikan pada|Oleh Redaksi|Oleh Admin".split("|")
)
