"""Time in questions: expressions resolved against `as_of`, periods kept to, 'saat ini' kept to the newest evidence,
and periods outside the corpus said so, over the written articles (2019–2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from tanya_sumsel import Settings, answer
from tanya_sumsel.timeexpr import parse_time

AS_OF = dt.date(2026, 1, 28)


@pytest.mark.parametrize(
    ("question", "start", "end", "latest", "query"),
    [
        ("Berapa titik api pada September 2019?", "2019-09-01", "2019-09-30", False, None),
        ("Berapa APBD tahun anggaran 2026?", "2026-01-01", "2026-12-31", False, None),
        ("Apa program awal 2026?", "2026-01-01", "2026-04-30", False, None),
        ("Berapa kasus 2019–2020?", "2019-01-01", "2020-12-31", False, None),
        ("Apa hasil rakor pekan lalu?", "2026-01-19", "2026-01-25", False, "Apa hasil rakor?"),
        ("Berapa inflasi bulan lalu?", "2025-12-01", "2025-12-31", False, "Berapa inflasi?"),
        ("Apa yang terjadi kemarin?", "2026-01-27", "2026-01-27", False, "Apa yang terjadi?"),
        ("Apa berita tahun lalu?", "2025-01-01", "2025-12-31", False, "Apa berita?"),
        ("Siapa Wakil Gubernur Sumsel saat ini?", None, None, True, "Siapa Wakil Gubernur Sumsel?"),
        ("Who is the current governor?", None, None, True, "Who is the governor?"),
        ("What happened in March 2025?", "2025-03-01", "2025-03-31", False, None),
        ("Apa yang terjadi 31 Februari 2026?", "2026-02-28", "2026-02-28", False, None),  # the month's last day
    ],
)
def test_time_expressions_resolve_against_as_of(question, start, end, latest, query) -> None:
    when = parse_time(question, AS_OF)
    assert when is not None
    assert (when.start and when.start.isoformat(), when.end and when.end.isoformat()) == (start, end)
    assert when.latest == latest and when.query == (query or question)


def test_a_question_without_time_has_none() -> None:
    assert parse_time("Siapa Sekda Sumsel?", AS_OF) is None


def test_now_means_the_newest_evidence(sumsel: Settings) -> None:
    plain = answer("Siapa Wakil Gubernur Sumsel?", settings=sumsel, as_of="2026-01-28")
    now = answer("Siapa Wakil Gubernur Sumsel saat ini?", settings=sumsel, as_of="2026-01-28")
    assert plain.short_answer == "Mawardi Yahya"  # the best match alone is the 2019 article …
    assert now.question == "Siapa Wakil Gubernur Sumsel saat ini?"
    assert now.citations and all(c.date >= "2025-01-01" for c in now.citations)  # … 'saat ini' is not answered by it
    assert "Cik Ujang" in now.citations[0].quote and "Mawardi" not in now.text


def test_a_relative_period_keeps_to_its_articles(sumsel: Settings) -> None:
    ans = answer("Berapa inflasi tahunan Sumsel bulan lalu?", settings=sumsel, as_of="2025-12-15")
    assert ans.short_answer == "2,1 persen" and ans.citations[0].date == "2025-12-02"
    early = answer("Berapa titik api di Sumsel tahun lalu?", settings=sumsel, as_of="2020-03-01")
    assert early.citations and all(c.date.startswith("2019") for c in early.citations)


def test_a_period_outside_the_corpus_is_said_so(sumsel: Settings) -> None:
    ans = answer("Berapa titik api di Sumsel pada Agustus 2027?", settings=sumsel, as_of="2028-01-01")
    assert ans.abstained and ans.citations == ()
    assert (
        ans.text == "Maaf, korpus hanya memuat berita 2 Mei 2019 – 23 Januari 2026; tidak ada berita dari Agustus 2027."
    )
    en = answer("How many hot spots were there in August 2027?", settings=sumsel, as_of="2028-01-01")
    assert en.abstained and en.text.startswith("Sorry, the corpus only holds news from 2 May 2019")
