import json
from pathlib import Path

import pytest

from tanya_sumsel.corpus.folder import load_corpus
from tanya_sumsel.errors import CorpusError
from tanya_sumsel.lang.dates import parse_date

from .conftest import SEED


def write(root: Path, name: str, content: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_founding_article_metadata(tmp_path: Path) -> None:
    write(tmp_path, "seed.txt", SEED.read_text(encoding="utf-8"))
    corpus = load_corpus(tmp_path)
    (art,) = corpus.articles
    assert art.source == "HALOPOS.ID"
    assert art.place == "Palembang"
    assert art.date == "2026-01-21"
    assert art.text.startswith("Pemerintah Provinsi Sumatera Selatan")
    assert not art.text.endswith("\n")
    assert 10 < len(art.title) <= 91 and "HALOPOS" not in art.title
    assert corpus.problems == ()


def test_every_format_ingests_recursively(tmp_path: Path) -> None:
    write(tmp_path, "a/plain.txt", "Judul Berita Banjir\nBanjir melanda OKI pada 5 Maret 2025. Warga mengungsi.")
    write(tmp_path, "b/note.md", "# Rapat APBD\n\nDPRD membahas APBD pada Selasa (4/3/2025).")
    write(
        tmp_path,
        "list.json",
        json.dumps(
            [
                {
                    "id": "j1",
                    "title": "Satu",
                    "date": "2025-02-01",
                    "source": "x.com",
                    "url": "https://x.com/1",
                    "text": "Isi satu.",
                },
                {
                    "id": "j2",
                    "title": "Dua",
                    "date": None,
                    "source": "x.com",
                    "url": None,
                    "text": "Isi dua 7 Juli 2024.",
                },
            ]
        ),
    )
    write(tmp_path, "one.json", json.dumps({"id": "j3", "title": "Tiga", "text": "Isi tiga."}))
    write(
        tmp_path,
        "many.jsonl",
        '{"id": "l1", "title": "L1", "text": "Baris satu."}\n\n{"id": "l2", "text": "Baris dua."}\n',
    )
    corpus = load_corpus(tmp_path)
    by_id = {a.id: a for a in corpus.articles}
    assert {"j1", "j2", "j3", "l1", "l2"} <= set(by_id)
    assert len(corpus.articles) == 7 and corpus.problems == ()
    plain = next(a for a in corpus.articles if a.path == "a/plain.txt")
    assert plain.title == "Judul Berita Banjir" and plain.date == "2025-03-05"
    md = next(a for a in corpus.articles if a.path == "b/note.md")
    assert md.title == "Rapat APBD" and md.date == "2025-03-04"
    assert by_id["j1"].date == "2025-02-01" and by_id["j1"].url == "https://x.com/1"
    assert by_id["j2"].date == "2024-07-07"
    assert by_id["l2"].title == "Baris dua"


def test_content_hash_ids_are_stable(tmp_path: Path) -> None:
    write(tmp_path, "x.txt", "Isi berita yang sama.")
    first = load_corpus(tmp_path).articles[0].id
    (tmp_path / "x.txt").rename(tmp_path / "y.txt")
    assert load_corpus(tmp_path).articles[0].id == first


def test_bad_input_is_reported_and_the_rest_ingests(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", "Berita baik tentang Palembang.")
    write(tmp_path, "latin1.txt", "Caf\xe9 di Palembang".encode("latin-1"))
    write(tmp_path, "binary.txt", b"\x00\x01\x02binary")
    write(
        tmp_path,
        "bad.jsonl",
        '{"id": "ok1", "text": "Baik."}\n{"id": "broken", "text": \n{"id": "ok1", "text": "Ganda."}\n{"id": "e", "text": "  "}\n{"id": "n", "text": 12345}\n',
    )
    write(tmp_path, "empty.txt", "   \n\n")
    write(tmp_path, "image.png", b"\x89PNG")
    corpus = load_corpus(tmp_path)
    assert sorted(a.path for a in corpus.articles) == ["bad.jsonl", "good.txt"]
    problems = {(p.path, p.line): p.reason for p in corpus.problems}
    assert "UTF-8" in problems[("latin1.txt", None)]
    assert "biner" in problems[("binary.txt", None)]
    assert "JSON tidak valid" in problems[("bad.jsonl", 2)]
    # a duplicate id names its own line and the line that holds the id first
    assert str(next(p for p in corpus.problems if "ganda" in p.reason)) == (
        "bad.jsonl:3: id ganda 'ok1' (sudah dipakai bad.jsonl:1); dilewati"
    )
    assert "kosong" in problems[("bad.jsonl", 4)]
    assert "harus berupa teks" in problems[("bad.jsonl", 5)] and "bukan angka (12345)" in problems[("bad.jsonl", 5)]
    assert "tidak berisi teks" in problems[("empty.txt", None)]
    assert "tidak didukung" in problems[("image.png", None)]
    assert str(next(p for p in corpus.problems if p.line == 2)).startswith("bad.jsonl:2: ")


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="tanya-sumsel index"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="tidak ada"):
        load_corpus(tmp_path / "missing")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Rabu (21/1/2026) lalu", "2026-01-21"),
        ("pada 3 Desember 2025 dan 1/1/2026", "2025-12-03"),
        ("tanggal 17 Agustus 1945", "1945-08-17"),
        ("2019-09-10", "2019-09-10"),
        ("tanpa tanggal", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso
