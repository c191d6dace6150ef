"""Article dates: publication dates from metadata, URLs and text; event dates per chunk in the forms Indonesian
news writes them; impossible dates refused, not guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanya_sumsel.corpus.folder import load_corpus
from tanya_sumsel.lang.dates import event_dates, parse_date, url_date


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Rabu (21/1/2026) dan Selasa (17/09/2019)", None, ("2026-01-21", "2019-09-17")),
        ("rapat 21 Januari 2026, lalu 3 Feb 2026", None, ("2026-01-21", "2026-02-03")),
        ("Senin (9/9) di ruang Wakil Gubernur", "2019-09-10", ("2019-09-09",)),
        ("Selasa (30/12) lalu", "2020-01-02", ("2019-12-30",)),  # after publication: the year before
        ("Senin (9/9) di ruang Wakil Gubernur", None, ()),  # no publication year: left out, not guessed
        ("tanggal 31/2/2026 dan (30/2)", "2026-03-01", ()),  # impossible days are no dates
        ("Kamis (2/5/2019) dan lagi Kamis (2/5/2019)", None, ("2019-05-02",)),
    ],
)
def test_event_dates(text: str, published: str | None, expected: tuple[str, ...]) -> None:
    assert event_dates(text, published) == expected


def test_impossible_dates_are_refused() -> None:
    assert parse_date("pada 31/2/2026 lalu") is None
    assert parse_date("31 Februari 2026, lalu 1 Maret 2026") == "2026-03-01"


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("https://regional.kompas.com/read/2019/09/10/21485171/diduga-pasok", "2019-09-10"),
        ("https://www.tribunnews.com/regional/2019/09/10/ambil-formulir", "2019-09-10"),
        ("https://www.posmetro-medan.com/2019/10/sebentar-lagi.html", None),  # a month is no publication day
        ("https://daerah.sindonews.com/read/1439718/174/94-santriwati", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, iso: str | None) -> None:
    assert url_date(url) == iso


def test_publication_date_comes_from_metadata_then_url_then_text(tmp_path: Path) -> None:
    records = [
        {
            "id": "a",
            "title": "A",
            "date": "2025-05-05",
            "url": "https://x.example/read/2019/09/10/1/a",
            "text": "Senin (1/1/2024) rapat.",
        },
        {"id": "b", "title": "B", "url": "https://x.example/read/2019/09/10/1/b", "text": "Senin (1/1/2024) rapat."},
        {"id": "c", "title": "C", "text": "PALEMBANG – Senin (1/1/2024) rapat."},
        {"id": "d", "title": "D", "text": "Rapat tanpa tanggal."},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    dates = {a.id: a.date for a in load_corpus(tmp_path).articles}
    assert dates == {"a": "2025-05-05", "b": "2019-09-10", "c": "2024-01-01", "d": None}
