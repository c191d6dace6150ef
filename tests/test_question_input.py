"""What counts as a question: text with at least one letter or digit. Emoji, control and zero-width characters
alone are refused like an empty question (never answered with a citation); a non-string is a TypeError."""

from __future__ import annotations

import pytest

from tanya_sumsel.errors import InputError
from tanya_sumsel.pipeline import validate_question
from tanya_sumsel.settings import Settings


@pytest.mark.parametrize(
    "question", ["", "   ", "😀🎉🔥🇮🇩", "\u200b\u200b\u200b", "\x00\x07\x1b", "?!…", "\ufeff \u2060"]
)
def test_questions_without_letters_or_digits_are_refused(question: str) -> None:
    with pytest.raises(InputError, match="Pertanyaan kosong"):
        validate_question(question, Settings())


@pytest.mark.parametrize("question", [123, None, b"Siapa Sekda?", ["Siapa"]])
def test_a_question_that_is_not_text_is_a_type_error(question: object) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        validate_question(question, Settings())


@pytest.mark.parametrize("question", ["Siapa Sekda Sumsel?", "brp 2026", "Ḁpa?", "x"])
def test_real_questions_pass(question: str) -> None:
    assert validate_question(f"  {question} ", Settings()) == question
