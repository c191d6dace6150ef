"""Written test websites: Indonesian news pages in twelve layouts (each with its own boilerplate: menus, "Baca juga",
related links, ads, comments, share bars, a site header showing today's date), feeds, and a loopback HTTP server
that serves them together with every bad case the fetcher must report. Nothing here reaches outside the machine."""

from __future__ import annotations

import dataclasses
import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
DAYS = "Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split()


@dataclass(frozen=True)
class Story:
    """One written article: what a page shows and what extraction must recover."""

    slug: str
    title: str
    place: str
    date: str  # ISO
    paragraphs: tuple[str, ...]


STORIES = (
    Story(
        "rakor-karhutla",
        "Pemprov Sumsel Gelar Rakor Penanganan Karhutla",
        "Palembang",
        "2026-01-21",
        (
            "Pemerintah Provinsi Sumatera Selatan menggelar rapat koordinasi penanganan kebakaran hutan dan lahan di "
            "Griya Agung, Rabu (21/1/2026). Rapat dipimpin Sekretaris Daerah Sumsel Edward Candra.",
            "Dalam rapat itu Edward meminta seluruh kabupaten menyiapkan posko siaga dan memperbarui data titik api "
            "setiap hari. Ia menyebut sebanyak 1.250 personel gabungan telah disiagakan.",
            "\u201cKami tidak ingin kejadian tahun 2019 terulang. Semua pihak harus bergerak cepat,\u201d kata Edward "
            "kepada wartawan usai rapat.",
            "Kepala BPBD Sumsel menambahkan, helikopter pemadam akan tiba pekan depan untuk membantu pemadaman dari "
            "udara di wilayah Ogan Komering Ilir.",
        ),
    ),
    Story(
        "banjir-muara-enim",
        "Banjir Rendam 320 Rumah di Tanjung Agung Muara Enim",
        "Muara Enim",
        "2026-02-03",
        (
            "Banjir merendam 320 rumah warga di Kecamatan Tanjung Agung, Kabupaten Muara Enim, Senin (3/2/2026) setelah "
            "hujan deras mengguyur wilayah itu sejak Minggu malam.",
            "Kepala BPBD Muara Enim Abdul Rozak mengatakan ketinggian air sempat mencapai 1,5 meter di permukiman yang "
            "berada di bantaran Sungai Lematang.",
            "Sebanyak 75 keluarga diungsikan ke balai desa dan masjid terdekat. Pemerintah kabupaten menyalurkan "
            "bantuan beras sebanyak dua ton serta selimut dan obat-obatan.",
        ),
    ),
    Story(
        "lrt-penumpang",
        "Penumpang LRT Sumsel Tembus 12 Ribu Orang per Hari",
        "Palembang",
        "2025-11-04",
        (
            "Jumlah penumpang kereta ringan LRT Sumatera Selatan terus meningkat dan kini mencapai rata-rata 12.400 "
            "orang per hari, naik dari 9.800 orang pada awal tahun.",
            "Kepala Balai Pengelola Kereta Api Ringan Sumsel menyebut kenaikan itu didorong integrasi dengan bus "
            "pengumpan Teman Bus yang melayani enam koridor di Kota Palembang.",
            "Pemerintah provinsi berencana menambah dua rangkaian kereta pada 2026 agar waktu tunggu di jam sibuk "
            "turun dari 15 menit menjadi 10 menit.",
        ),
    ),
    Story(
        "stunting-oki",
        "Angka Stunting di Ogan Komering Ilir Turun Jadi 18 Persen",
        "Kayuagung",
        "2025-08-12",
        (
            "Pemerintah Kabupaten Ogan Komering Ilir mencatat angka stunting turun menjadi 18,2 persen pada 2025 dari "
            "24,6 persen dua tahun sebelumnya.",
            "Bupati OKI menyampaikan penurunan itu hasil pendampingan 1.100 kader posyandu dan pemberian makanan "
            "tambahan bagi ibu hamil di 327 desa.",
            "Dinas Kesehatan OKI menargetkan angka stunting di bawah 14 persen pada akhir 2026 sesuai target nasional.",
        ),
    ),
    Story(
        "jalan-tol-kapal-betung",
        "Tol Kapal Betung Ditargetkan Beroperasi Akhir 2026",
        "Palembang",
        "2025-10-15",
        (
            "Pembangunan jalan tol Kayu Agung\u2013Palembang\u2013Betung seksi Kapal Betung telah mencapai 86 persen dan "
            "ditargetkan beroperasi penuh pada akhir 2026.",
            "Gubernur Sumsel meninjau progres pekerjaan di gerbang tol Musi Landas dan meminta kontraktor menjaga "
            "keselamatan pekerja selama musim hujan.",
            "Tol sepanjang 111 kilometer itu diharapkan memangkas waktu tempuh Palembang ke Betung dari tiga jam "
            "menjadi sekitar satu jam.",
        ),
    ),
    Story(
        "harga-beras",
        "Harga Beras di Pasar Palembang Naik Rp1.000 per Kilogram",
        "Palembang",
        "2026-03-09",
        (
            "Harga beras medium di sejumlah pasar tradisional Palembang naik Rp1.000 menjadi Rp14.500 per kilogram "
            "dalam sepekan terakhir.",
            "Dinas Perdagangan Kota Palembang menggelar operasi pasar di Pasar 16 Ilir dan Pasar Lemabang dengan "
            "menyediakan 40 ton beras SPHP.",
            "Pedagang menyebut pasokan dari sentra produksi di Banyuasin berkurang karena panen bergeser akibat "
            "banjir di sejumlah sawah.",
        ),
    ),
    Story(
        "ppdb-zonasi",
        "Disdik Sumsel Buka Pendaftaran SPMB SMA Mulai 2 Juni",
        "Palembang",
        "2026-05-20",
        (
            "Dinas Pendidikan Sumatera Selatan membuka pendaftaran Sistem Penerimaan Murid Baru jenjang SMA dan SMK "
            "negeri mulai 2 Juni 2026 secara daring.",
            "Kuota jalur domisili ditetapkan 35 persen, jalur afirmasi 30 persen, jalur prestasi 30 persen dan jalur "
            "mutasi lima persen.",
            "Kepala Disdik Sumsel mengimbau orang tua tidak mempercayai calo karena seluruh proses seleksi dilakukan "
            "otomatis oleh sistem.",
        ),
    ),
    Story(
        "festival-sriwijaya",
        "Festival Sriwijaya 2025 Digelar di Benteng Kuto Besak",
        "Palembang",
        "2025-06-14",
        (
            "Festival Sriwijaya ke-33 resmi dibuka di pelataran Benteng Kuto Besak, Sabtu malam, dengan pawai perahu "
            "hias di Sungai Musi.",
            "Dinas Kebudayaan dan Pariwisata Sumsel menyebut 42 kelompok seni dari 17 kabupaten dan kota ikut tampil "
            "selama lima hari festival.",
            "Panitia menargetkan 150 ribu pengunjung dan menyiapkan kantong parkir di kawasan Pasar 16 Ilir.",
        ),
    ),
    Story(
        "apbd-2026",
        "DPRD Sumsel Sahkan APBD 2026 Sebesar Rp10,8 Triliun",
        "Palembang",
        "2025-11-28",
        (
            "Dewan Perwakilan Rakyat Daerah Sumatera Selatan mengesahkan Anggaran Pendapatan dan Belanja Daerah tahun "
            "2026 sebesar Rp10,8 triliun dalam rapat paripurna, Jumat (28/11/2025).",
            "Belanja pendidikan mendapat porsi 21 persen, sedangkan belanja infrastruktur jalan dan jembatan mencapai "
            "Rp1,9 triliun.",
            "Ketua DPRD Sumsel meminta organisasi perangkat daerah segera melelang proyek pada awal tahun agar "
            "serapan anggaran tidak menumpuk di akhir tahun.",
        ),
    ),
    Story(
        "vaksinasi-pmk",
        "Dinas Peternakan Vaksinasi 8.000 Sapi Cegah PMK di Banyuasin",
        "Pangkalan Balai",
        "2026-04-07",
        (
            "Dinas Peternakan dan Kesehatan Hewan Banyuasin memvaksinasi 8.000 ekor sapi untuk mencegah penyakit "
            "mulut dan kuku menjelang Iduladha.",
            "Petugas mendatangi kandang warga di 12 kecamatan dan memasang penanda telinga pada setiap sapi yang "
            "telah divaksin.",
            "Peternak diminta melapor bila menemukan hewan dengan gejala lepuh di mulut atau pincang agar segera "
            "diisolasi.",
        ),
    ),
    Story(
        "pelantikan-pejabat",
        "Gubernur Lantik 24 Pejabat Eselon II Pemprov Sumsel",
        "Palembang",
        "2026-01-12",
        (
            "Gubernur Sumatera Selatan melantik 24 pejabat pimpinan tinggi pratama di lingkungan Pemprov Sumsel di "
            "Auditorium Bina Praja, Senin (12/1/2026).",
            "Pelantikan itu mengisi jabatan kepala dinas yang kosong setelah sejumlah pejabat memasuki masa pensiun "
            "pada akhir 2025.",
            "Gubernur meminta pejabat yang dilantik menandatangani pakta integritas dan menyelesaikan program "
            "prioritas dalam seratus hari pertama.",
        ),
    ),
    Story(
        "bantuan-nelayan",
        "Nelayan Banyuasin Terima 50 Unit Perahu Bantuan",
        "Sungsang",
        "2025-09-23",
        (
            "Sebanyak 50 unit perahu motor diserahkan kepada kelompok nelayan di Desa Sungsang, Kabupaten Banyuasin, "
            "melalui program bantuan Dinas Kelautan dan Perikanan Sumsel.",
            "Setiap perahu dilengkapi mesin 15 PK, jaring dan alat keselamatan berupa pelampung serta radio "
            "komunikasi.",
            "Kepala DKP Sumsel berharap hasil tangkapan nelayan meningkat sehingga pendapatan keluarga nelayan naik "
            "di atas upah minimum.",
        ),
    ),
)


def long_date(iso: str, weekday: bool = True) -> str:
    """'Rabu, 21 Januari 2026'."""
    d = datetime.fromisoformat(iso)
    text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{DAYS[d.weekday()]}, {text}" if weekday else text


@dataclass(frozen=True)
class Page:
    """A rendered page and the gold values extraction must recover from it."""

    path: str
    html: bytes
    story: Story
    outlet: str
    url: str
    boilerplate: tuple[str, ...]
    charset: str = "utf-8"  # what the Content-Type header declares ("" = nothing)


def _p(paragraphs: tuple[str, ...], dateline: str) -> list[str]:
    return [dateline + paragraphs[0], *paragraphs[1:]]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


# Each layout: (host, outlet, template function). A template gets the story and the page URL and returns
# (html text, boilerplate snippets that must not appear in the extracted text).
Layout = Callable[[Story, str, str], tuple[str, tuple[str, ...]]]


def modern_og(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Banjir rendam 300 rumah di Muara Enim kemarin",
        "Gubernur resmikan jembatan baru di Musi Rawas",
        "Pasang iklan Anda di sini, hubungi 0711-123456",
        "Semoga cepat teratasi, pak!",
        "Semua hak dilindungi undang-undang",
    )
    paras = _p(s.paragraphs, f"{s.place.upper()}, SUMSELPOST \u2013 ")
    body = "".join(f"<p>{_esc(x)}</p>" for x in paras[:2])
    body += f'<div class="baca-juga"><strong>Baca juga:</strong> <a href="/x">{boiler[0]}</a></div>'
    body += "".join(f"<p>{_esc(x)}</p>" for x in paras[2:])
    return (
        f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{_esc(s.title)} - {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:title" content="{_esc(s.title)}">
<meta property="article:published_time" content="{s.date}T09:30:00+07:00"><link rel="canonical" href="{url}">
</head><body><header><nav><ul><li><a href="/">Beranda</a></li><li><a href="/politik">Politik</a></li>
<li><a href="/ekonomi">Ekonomi</a></li></ul></nav><div class="today">{long_date("2026-12-02")}</div></header>
<main><article><h1>{_esc(s.title)}</h1><div class="meta">Oleh Redaksi | {long_date(s.date)} 09:30 WIB</div>
{body}</article>
<section class="related"><h3>Berita Terkait</h3><ul><li><a href="/a">{boiler[1]}</a></li>
<li><a href="/b">Harga cabai naik di Palembang pekan ini</a></li></ul></section>
<div class="ads">Iklan: {boiler[2]}</div>
<section id="comments"><h3>Komentar</h3><div class="comment"><p>Budi: {boiler[3]}</p></div></section></main>
<footer><p>\u00a9 2026 {outlet}. {boiler[4]}.</p><a href="/tentang">Tentang Kami</a></footer></body></html>""",
        boiler,
    )


def jsonld(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Bagikan ke Facebook Twitter WhatsApp",
        "Editor: Rina Marlina",
        "Tag: sumsel pemerintahan daerah",
        "Dapatkan berita terbaru setiap hari dengan berlangganan buletin kami",
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": s.title,
        "datePublished": f"{s.date}T07:15:00+07:00",
        "publisher": {"@type": "Organization", "name": outlet},
        "mainEntityOfPage": url,
    }
    paras = _p(s.paragraphs, f"{s.place.upper()} \u2013 ")
    return (
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_esc(s.title)}</title>
<script type="application/ld+json">{json.dumps(ld)}</script><link rel="canonical" href="{url}"></head>
<body><div class="topbar"><a href="/">Home</a> <a href="/indeks">Indeks Berita</a></div>
<div class="container"><h1 class="post-title">{_esc(s.title)}</h1>
<div class="share">{boiler[0]}</div><div class="post-content">
{"".join(f"<p>{_esc(x)}</p>" for x in paras)}
<p class="editor">{boiler[1]}</p></div><div class="tags">{boiler[2]}</div>
<aside class="newsletter"><p>{boiler[3]}</p><form><input name="email"></form></aside></div></body></html>""",
        boiler,
    )


def kompas_like(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Baca juga: Wali Kota Palembang Tinjau Pasar Cinde",
        "Baca juga: Tim SAR Cari Nelayan Hilang di Sungsang",
        "Simak breaking news dan berita pilihan kami langsung di ponselmu",
        "Dapatkan update berita pilihan dan breaking news setiap hari",
    )
    d = datetime.fromisoformat(s.date)
    paras = _p(s.paragraphs, f"{s.place.upper()}, {outlet} - ")
    parts = [
        f"<p>{_esc(paras[0])}</p>",
        f'<p><strong>{boiler[0].split(": ")[0]}: <a href="/r/1">{boiler[0].split(": ")[1]}</a></strong></p>',
        *(f"<p>{_esc(x)}</p>" for x in paras[1:2]),
        f'<p><strong>Baca juga: <a href="/r/2">{boiler[1].split(": ")[1]}</a></strong></p>',
        *(f"<p>{_esc(x)}</p>" for x in paras[2:]),
        f"<p>{boiler[2]}.</p>",
    ]
    return (
        f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_esc(s.title)} Halaman all - {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:title" content="{_esc(s.title)}">
<meta name="content_PublishedDate" content="{s.date} 14:20:00"></head><body>
<div class="header">{long_date("2026-12-02")} <a href="/">Terkini</a> <a href="/regional">Regional</a></div>
<div class="read__header"><h1 class="read__title">{_esc(s.title)}</h1>
<div class="read__time">{outlet} - {d.day:02d}/{d.month:02d}/{d.year}, 14:20 WIB</div></div>
<div class="read__content"><div class="clearfix">{"".join(parts)}</div></div>
<div class="footer-banner"><p>{boiler[3]}. Mari bergabung di Grup Telegram.</p></div></body></html>""",
        boiler,
    )


def antara_like(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Pewarta: Ahmad Rafli",
        "COPYRIGHT \u00a9 ANTARA 2026",
        "Berita ini telah diterbitkan di situs",
        "Terpopuler: Cuaca ekstrem landa Sumsel",
    )
    paras = _p(s.paragraphs, f"{s.place} (ANTARA) - ")
    return (
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_esc(s.title)} - {outlet}</title>
<meta property="og:site_name" content="{outlet}"><link rel="canonical" href="{url}"></head><body>
<nav><a href="/">Terkini</a><a href="/sumsel">Sumsel</a><a href="/nasional">Nasional</a></nav>
<div class="wrap"><h1 class="post-title">{_esc(s.title)}</h1>
<p class="text-muted"><time datetime="{s.date}T10:05:00+07:00">{long_date(s.date)} 10:05 WIB</time></p>
<div class="post-content clearfix">{"<br><br>".join(_esc(x) for x in paras)}
<p class="text-muted small">{boiler[0]}<br>Editor: Dolly Rosana<br>{boiler[1]}</p></div>
<div class="sidebar"><h4>Terpopuler</h4><ul><li><a href="/1">{boiler[3].split(": ")[1]}</a></li>
<li><a href="/2">Harga karet naik di tingkat petani</a></li></ul></div></div></body></html>""",
        boiler[:2] + boiler[3:],
    )


def table_old(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Selamat datang di portal berita kami",
        "Kirim berita ke redaksi lewat surel",
        "Pengunjung hari ini: 1.234",
    )
    paras = _p(s.paragraphs, f"{s.place}, {outlet} -- ")
    return (
        f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{outlet} :: {_esc(s.title)}</title></head><body>
<table width="100%"><tr><td colspan="2"><font size="1">{boiler[0]} | {long_date("2026-12-02")}</font></td></tr>
<tr><td width="20%" valign="top"><a href="/">Depan</a><br><a href="/daerah">Daerah</a><br>
<a href="/kirim">{boiler[1]}</a><br>{boiler[2]}</td>
<td valign="top"><font size="4"><b>{_esc(s.title)}</b></font><br><font size="1" class="tanggal">{long_date(s.date)}</font>
{"".join(f"<p>{_esc(x)}</p>" for x in paras)}</td></tr></table></body></html>""",
        boiler,
    )


def gov_site(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Beranda / Berita / Daerah",
        "Agenda Gubernur: Kunjungan kerja ke Lahat",
        "Survei Kepuasan Masyarakat",
        "Jl. Kapten A. Rivai No. 3 Palembang",
    )
    paras = _p(s.paragraphs, f"{s.place.upper()} \u2013 ")
    return (
        f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_esc(s.title)} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:type" content="article">
<meta property="og:url" content="{url}"></head><body>
<div class="breadcrumb">{boiler[0]}</div><div class="row"><div class="col-md-8"><div class="entry">
<h2 class="judul">{_esc(s.title)}</h2><span class="tgl">Diposting pada {long_date(s.date, weekday=False)} oleh Admin Diskominfo</span>
<div class="isi">{"".join(f"<p>{_esc(x)}</p>" for x in paras)}</div></div></div>
<div class="col-md-4"><div class="widget"><h4>Agenda</h4><p>{boiler[1]}</p></div>
<div class="widget"><h4>Layanan</h4><p><a href="/skm">{boiler[2]}</a></p></div></div></div>
<footer><p>{boiler[3]}</p></footer></body></html>""",
        boiler,
    )


def blog_wp(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = (
        "Share this: Twitter Facebook",
        "Like this: Suka Memuat...",
        "Tinggalkan Balasan Batalkan balasan",
        "Pos-pos Terbaru: Pemkot Lubuklinggau resmikan taman kota",
    )
    paras = _p(s.paragraphs, f"{s.place.upper()} \u2014 ")
    return (
        f"""<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8"><title>{_esc(s.title)} &#8211; {outlet}</title>
<meta property="og:site_name" content="{outlet}"><link rel="canonical" href="{url}"></head>
<body class="post-template-default single"><div id="masthead"><p class="site-title">{outlet}</p></div>
<article class="post type-post"><header class="entry-header"><h1 class="entry-title">{_esc(s.title)}</h1>
<time class="entry-date published" datetime="{s.date}T08:00:00+07:00">{long_date(s.date, weekday=False)}</time></header>
<div class="entry-content">{"".join(f"<p>{_esc(x)}</p>" for x in paras)}
<div class="sharedaddy"><h3>{boiler[0].split(": ")[0]}:</h3><ul><li>Twitter</li><li>Facebook</li></ul></div>
<div class="sharedaddy"><h3>{boiler[1]}</h3></div></div></article>
<div id="comments"><h3 id="reply-title">{boiler[2]}</h3><form><textarea></textarea></form></div>
<aside class="widget"><h2>Pos-pos Terbaru</h2><ul><li><a href="/p1">{boiler[3].split(": ")[1]}</a></li></ul></aside>
</body></html>""",
        boiler,
    )


def amp_like(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = ("ADVERTISEMENT", "Scroll untuk melanjutkan membaca", "Ikuti kami di Google News")
    paras = _p(s.paragraphs, f"{s.place.upper()}, {outlet.upper()} - ")
    middle = f'<div class="ad">{boiler[0]}</div><div class="scroll">{boiler[1]}</div>'
    return (
        f"""<!doctype html><html amp lang="id"><head><meta charset="utf-8"><title>{_esc(s.title)}</title>
<link rel="canonical" href="{url}"><meta property="og:site_name" content="{outlet}">
<meta name="publishdate" content="{s.date.replace("-", "/")} 06:45:00"></head><body>
<header class="amp-header"><span>{long_date("2026-12-02")}</span></header>
<div class="detail"><h1 class="detail__title">{_esc(s.title)}</h1>
<div class="detail__date">{long_date(s.date)} 06:45 WIB</div><div class="detail__body-text">
<p>{_esc(paras[0])}</p>{middle}{"".join(f"<p>{_esc(x)}</p>" for x in paras[1:])}<p>(rap/rap)</p></div>
<div class="follow">{boiler[2]}</div></div></body></html>""",
        boiler,
    )


def url_dated(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = ("Berita Lainnya: Pemkab Lahat gelar pasar murah", "Redaksi | Pedoman Media Siber | Kontak")
    paras = _p(s.paragraphs, f"{s.place.upper()} - ")
    return (
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_esc(s.title)} | {outlet}</title></head>
<body><div id="menu"><a href="/">Home</a> <a href="/sumsel">Sumsel</a></div><div id="content">
<h1>{_esc(s.title)}</h1><div class="body">{"".join(f"<p>{_esc(x)}</p>" for x in paras)}</div>
<div class="lainnya"><b>Berita Lainnya:</b><ul><li><a href="/z">{boiler[0].split(": ")[1]}</a></li></ul></div></div>
<div id="footer">{boiler[1]}</div></body></html>""",
        boiler,
    )


def windows1252(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    boiler = ("Menu utama: Berita Olahraga Hiburan", "Hak cipta redaksi")
    paras = _p(s.paragraphs, f"{s.place.upper()}, {outlet} \u2013 ")
    return (
        f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>{_esc(s.title)} - {outlet}</title><meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{s.date}"></head><body><div class="nav">{boiler[0]}</div>
<div class="artikel"><h1>{_esc(s.title)}</h1>{"".join(f"<p>{x}</p>" for x in paras)}</div>
<div class="copy">{boiler[1]} \u00a9 2026</div></body></html>""",
        boiler,
    )


def undeclared(s: Story, url: str, outlet: str) -> tuple[str, tuple[str, ...]]:
    html_text, boiler = windows1252(s, url, outlet)
    return html_text.replace('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', ""), boiler


LAYOUTS: tuple[tuple[str, str, str, Layout], ...] = (
    # (name, host, outlet, template); the URL pattern puts the date in the path only for url_dated
    ("modern_og", "sumselpost.test", "Sumsel Post", modern_og),
    ("jsonld", "palembangkini.test", "Palembang Kini", jsonld),
    ("kompas_like", "regional.kompas-sumsel.test", "Kompas Sumsel", kompas_like),
    ("antara_like", "sumsel.antara.test", "Antara Sumsel", antara_like),
    ("table_old", "warta-sriwijaya.test", "Warta Sriwijaya", table_old),
    ("gov_site", "sumselprov.test", "Pemerintah Provinsi Sumatera Selatan", gov_site),
    ("blog_wp", "musiraya.test", "Musi Raya News", blog_wp),
    ("amp_like", "detik-sumbagsel.test", "Detik Sumbagsel", amp_like),
    ("url_dated", "lintas-oku.test", "Lintas OKU", url_dated),
    ("windows1252", "koran-ampera.test", "Koran Ampera", windows1252),
    ("undeclared", "suara-lahat.test", "Suara Lahat", undeclared),
    ("modern_og2", "beritamusi.test", "Berita Musi", modern_og),
)


def page_for(layout: int, story: Story, port: int = 0) -> Page:
    """Render `story` in layout number `layout`; the URL names the loopback server when `port` is given."""
    name, host, outlet, template = LAYOUTS[layout]
    base = f"http://127.0.0.1:{port}/{host}" if port else f"https://{host}"
    y, m, d = story.date.split("-")
    path = f"/read/{y}/{m}/{d}/{story.slug}" if name == "url_dated" else f"/berita/{story.slug}"
    url = base + path
    text, boiler = template(story, url, outlet)
    charset = {"windows1252": "cp1252", "undeclared": "cp1252"}.get(name, "utf-8")
    declared = {"windows1252": "windows-1252", "undeclared": ""}.get(name, "utf-8")
    return Page(f"/{host}{path}", text.encode(charset), story, outlet, url, boiler, declared)


def all_pages(port: int = 0) -> list[Page]:
    """Every story in two layouts: 24 pages."""
    return [page_for((i + j * 5) % len(LAYOUTS), s, port) for i, s in enumerate(STORIES) for j in range(2)]


def rss(items: list[tuple[str, str, str]], title: str = "Sumsel Post - Terkini") -> bytes:
    """An RSS 2.0 feed of (url, title, ISO date) items."""
    entries = "".join(
        f"<item><title>{_esc(t)}</title><link>{_esc(u)}</link><guid>{_esc(u)}</guid>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(d).replace(hour=9, tzinfo=UTC))}</pubDate>"
        "<description>Ringkasan berita.</description></item>"
        for u, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{_esc(title)}</title>'
        f"<link>http://example.test/</link><description>Berita terkini</description>{entries}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str, str]], title: str = "Berita Musi") -> bytes:
    """An Atom feed of (url, title, ISO date) items."""
    entries = "".join(
        f'<entry><title>{_esc(t)}</title><link href="{_esc(u)}"/><id>{_esc(u)}</id>'
        f"<updated>{d}T09:00:00Z</updated></entry>"
        for u, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
        f"<id>urn:berita-musi</id><updated>2026-01-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)
    etag: str = ""  # conditional GET: answer 304 to a matching If-None-Match
    fail_first: int = 0  # answer 503 this many times first (retries)
    no_length: bool = False  # stream the body without Content-Length
    size: int = 0  # serve `size` bytes of filler instead of `body` (huge pages)


class Site:
    """A loopback HTTP server (ThreadingHTTPServer on 127.0.0.1) serving `routes`; logs every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.log.append((time.monotonic(), self.path, dict(self.headers)))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, b"<html><body>Halaman tidak ditemukan</body></html>", "text/html")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.fail_first > 0:
                    route.fail_first -= 1
                    self._send(503, b"sibuk", "text/plain")
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.size:
                    self._stream_filler(route, headers)
                    return
                self._send(route.status, route.body, route.content_type, headers, route.no_length)

            def _send(
                self,
                status: int,
                body: bytes,
                ctype: str,
                headers: dict[str, str] | None = None,
                no_length: bool = False,
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if no_length:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream_filler(self, route: Route, headers: dict[str, str]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                if not route.no_length:
                    self.send_header("Content-Length", str(route.size))
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"isi berita panjang " * 3000 + b"</p>\n"
                sent = 0
                try:
                    while sent < route.size:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hanging up on a huge or slow page are what those tests do

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, **route: object) -> str:
        """Serve a route at `path`; returns its URL."""
        self.routes[path] = Route(**route)  # type: ignore[arg-type]
        return self.url(path)

    def add_page(self, page: Page) -> str:
        """Serve a rendered page at its own path with its declared charset."""
        ctype = f"text/html; charset={page.charset}" if page.charset else "text/html"
        return self.add(page.path, body=page.html, content_type=ctype)

    def serve(self, stories: list[Story] | tuple[Story, ...], etag: str = "") -> tuple[list[Page], str]:
        """Serve each story as a page (layouts in turn) and an RSS feed of them at /rss; returns (pages, feed URL)."""
        pages = [page_for(i % len(LAYOUTS), story, self.port) for i, story in enumerate(stories)]
        for page in pages:
            self.add_page(page)
        items = [(p.url, p.story.title, p.story.date) for p in pages]
        return pages, self.add("/rss", body=rss(items), content_type="application/rss+xml", etag=etag)

    def requests(self, prefix: str = "") -> list[str]:
        """Paths requested so far (optionally only those under `prefix`)."""
        return [p for _, p, _ in self.log if p.startswith(prefix)]

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def replace_story(story: Story, **changes: object) -> Story:
    """A copy of `story` with some fields changed (an updated article)."""
    return dataclasses.replace(story, **changes)  # type: ignore[arg-type]
