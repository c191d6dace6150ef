"""Follow-ups made standalone without an LLM: the previous question's topic goes where "-nya" or a pronoun points
back, and nothing else is touched."""

from __future__ import annotations

import pytest

from tanya_sumsel.question.followup import standalone, topic

SEKDA = [("Siapa Sekda Sumsel?", "Jawaban singkat: Dr. Drs. H. Edward Candra, MH [1]")]


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Apa isi laporannya?", "Apa isi laporan Sekda Sumsel?"),
        ("kapan dia dilantik", "kapan Sekda Sumsel dilantik"),
        ("Berapa anggarannya?", "Berapa anggaran Sekda Sumsel?"),
        # not pointing back: adverbs and "other" in -nya, a demonstrative (carried as context instead), a new topic
        ("Sebenarnya apa tugas Sekda?", "Sebenarnya apa tugas Sekda?"),
        ("Siapa lainnya?", "Siapa lainnya?"),
        ("Kapan rapat itu digelar?", "Kapan rapat itu digelar?"),
        (
            "Siapa Gubernur Sumatera Selatan yang membuka rakor tahun ini?",
            "Siapa Gubernur Sumatera Selatan yang membuka rakor tahun ini?",
        ),
    ],
)
def test_a_pointer_back_gets_the_previous_topic(question: str, expected: str) -> None:
    assert standalone(question, SEKDA) == expected


def test_earlier_follow_ups_are_resolved_first_and_a_named_noun_takes_its_phrase() -> None:
    history = [*SEKDA, ("Apa isi laporannya?", "…")]
    # "laporannya" now points at "laporan Sekda Sumsel" (the resolved previous question), not "laporan isi laporan …"
    assert standalone("Kapan laporannya disampaikan?", history) == "Kapan laporan Sekda Sumsel disampaikan?"
    assert standalone("Apa isi laporannya?", []) == "Apa isi laporannya?"  # no history: nothing to point at
    assert topic("Kapan rakor Pemprov Sumsel digelar?") == "rakor Pemprov Sumsel digelar"
    assert topic("siapa yg memimpin?") == "memimpin"  # chat spellings ask too


def test_a_question_is_analysed_once_into_one_value() -> None:
    """What the stages read (the time asked, the text without 'saat ini', the follow-up made standalone) is in the
    `Question` the pipeline builds; derived parts are computed once."""
    import datetime as dt

    from tanya_sumsel.question.analysis import analyse

    q = analyse("Apa isi laporannya saat ini?", "id", dt.date(2026, 1, 28), SEKDA)
    assert q.time is not None and q.time.latest and q.text == "Apa isi laporannya?"
    assert q.standalone == "Apa isi laporan Sekda Sumsel?" and q.context == ""
    assert q.standalone is q.standalone  # cached on the frozen value
    alone = analyse("Siapa Sekda Sumsel?", "id", dt.date(2026, 1, 28))
    assert alone.time is None and alone.text == alone.standalone == alone.asked and alone.context == ""
