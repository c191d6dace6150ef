"""Date and outlet filters on answer(), the CLI and the LangChain retriever, over the written articles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tanya_sumsel import Settings, TanyaRetriever, answer
from tanya_sumsel.errors import InputError


def test_a_period_picks_the_official_of_that_time(sumsel: Settings) -> None:
    then = answer("Siapa Wakil Gubernur Sumsel?", settings=sumsel, until="2019-12-31")
    assert then.short_answer == "Mawardi Yahya" and all(c.date <= "2019-12-31" for c in then.citations)
    now = answer("Siapa Wakil Gubernur Sumsel?", settings=sumsel, since="2025-01-01")
    assert now.citations and all(c.date >= "2025-01-01" for c in now.citations)
    assert "Cik Ujang" in " ".join(c.quote for c in now.citations) and "Mawardi" not in now.text


def test_an_outlet_filter_keeps_only_that_outlet(sumsel: Settings) -> None:
    ans = answer("Berapa titik api di Sumsel pada September 2019?", settings=sumsel, sources=["Antara Sumsel"])
    assert ans.citations and {c.source for c in ans.citations} == {"Antara Sumsel"}
    none = answer("Berapa titik api di Sumsel pada September 2019?", settings=sumsel, sources=["RRI Palembang"])
    assert none.abstained and none.citations == ()  # RRI reported no fires: declined, not answered from Antara
    docs = TanyaRetriever(settings=sumsel, k=3, sources=("Kompas.com",)).invoke("kebakaran hutan")
    assert docs and {d.metadata["source"] for d in docs} == {"Kompas.com"}


@pytest.mark.parametrize("bad", ["31/2/2026", "2026-02-31", "kemarin"])
def test_a_bad_date_is_refused_with_the_format(fake: Settings, bad: str) -> None:
    with pytest.raises(InputError, match="TTTT-BB-HH"):
        answer("Siapa Wakil Gubernur Sumsel?", settings=fake, since=bad)
    assert not fake.index_dir.exists(), "refused before any index is opened or built"


def test_cli_ask_takes_the_filters(sumsel: Settings) -> None:
    args = ["--corpus", str(sumsel.corpus_dir), "--index", str(sumsel.index_dir)]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tanya_sumsel.app.cli",
            "ask",
            "Siapa Wakil Gubernur Sumsel?",
            *args,
            "--until",
            "2019-12-31",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "Mawardi Yahya" in proc.stdout and "2019" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "ask", "Siapa Wagub?", *args, "--since", "31/2/2026"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "TTTT-BB-HH" in bad.stderr


def test_info_counts_articles_per_month(sumsel: Settings) -> None:
    args = ["--corpus", str(sumsel.corpus_dir), "--index", str(sumsel.index_dir)]
    proc = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "info", *args, "--json"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-1500:]
    per_month = json.loads(proc.stdout)["articles_per_month"]
    assert per_month["2019-09"] == 2 and per_month["2026-01"] == 5 and sum(per_month.values()) == 32
    assert list(per_month) == sorted(per_month)
    text = subprocess.run(
        [sys.executable, "-m", "tanya_sumsel", "info", *args], capture_output=True, text=True, timeout=300
    ).stdout
    assert "Per bulan" in text and "2019-09  " in text


def test_an_undated_article_is_left_out_by_either_bound() -> None:
    from tanya_sumsel.stores.view import Catalog, ViewSpec

    # articles: (id, date, outlet, words, years named); chunks: (chunk id, article id, days mentioned)
    catalog = Catalog.from_rows(
        [("undated", None, "A", 300, ""), ("old", "2019-09-17", "A", 300, "2019"), ("new", "2026-01-21", "B", 300, "")],
        [(1, "undated", ""), (2, "old", ""), (3, "new", "2019-09-16"), (4, "new", "")],
    )

    def kept(**spec: object) -> list[int]:
        return [int(c) for c in catalog.chunk_mask(ViewSpec(**spec)).nonzero()[0]]  # type: ignore[arg-type]

    assert kept(until="2019-12-31") == [2]
    assert kept(since="2019-01-01") == [2, 3, 4]
    assert kept(since="2020-01-01") == [3, 4]
    assert kept(until="2019-12-31", soft=True) == [1, 2, 3]  # a question's own period keeps the undated record
    assert kept(since="2019-01-01", until="2019-12-31", soft=True, sources=frozenset({"b"})) == [3]  # the day in it
    assert kept(exclude=frozenset({"old"}), sources=frozenset({"a"})) == [1]
    assert kept(since="2026-01-01", soft=True, mentions=frozenset({"2019"})) == [1, 2, 3, 4]
    assert kept(since="2026-01-01", soft=True, mentions=frozenset({"2018"})) == [1, 3, 4]
