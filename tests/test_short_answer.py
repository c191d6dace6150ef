import json
from collections import Counter
from importlib import resources

import pytest

from tanya_sumsel import answer
from tanya_sumsel.question import question_type
from tanya_sumsel.short_answer import N_FEATURES, Context, extract, features, parse_question
from tanya_sumsel.store import IndexStore

SHORT = [
    ("Siapa Sekretaris Daerah Sumsel?", "Edward Candra"),
    ("Siapa Wakil Gubernur Sumsel?", "Cik Ujang"),
    ("Kapan rapat koordinasi Pemprov Sumsel digelar?", "21/1/2026"),
    ("Berapa rumah yang terendam banjir di Muara Enim?", "320 rumah"),
    ("Berapa personel yang disiagakan untuk karhutla?", "1.500"),
]


@pytest.mark.parametrize(("question", "expected"), SHORT)
def test_short_answer_is_marked_in_the_first_citation(built, question, expected) -> None:
    ans = answer(question, settings=built)
    assert ans.short_answer and expected in ans.short_answer, ans.text
    first = ans.citations[0]
    assert first.highlight is not None
    text = IndexStore(built.index_dir).articles([first.article_id])[first.article_id].text
    assert text[first.highlight[0] : first.highlight[1]] == ans.short_answer
    assert first.start <= first.highlight[0] < first.highlight[1] <= first.end
    assert ans.text.startswith(f"Jawaban singkat: {ans.short_answer} [1]")


def test_descriptive_questions_get_no_short_answer(built) -> None:
    ans = answer("Apa isi laporan Sekda Sumsel?", settings=built)
    assert ans.short_answer is None and all(c.highlight is None for c in ans.citations)


def test_answer_in_a_lower_ranked_sentence_is_found() -> None:
    contexts = [
        Context("Rapat koordinasi itu dihadiri banyak pejabat daerah.", 1.0, 0, 0, 1.0),
        Context("Rapat koordinasi dipimpin Gubernur Herman Deru pada Rabu (21/1/2026).", 0.9, 1, 0, 1.0),
    ]
    found = extract("Kapan rapat koordinasi digelar?", "when", contexts)
    assert found is not None
    n, span = found
    assert n == 1 and "21/1/2026" in span.text
    assert contexts[n].text[span.start : span.end] == span.text


def test_features_have_the_model_width() -> None:
    q = parse_question("Siapa yang memimpin rapat?", "who")
    chars, rows = features(q, Context("Rapat dipimpin Herman Deru.", 1.0, 0, 0, 1.0), Counter())
    assert rows.shape == (len(chars), N_FEATURES) and len(chars) > 3
    weights = json.loads(resources.files("tanya_sumsel").joinpath("short_answer_model.json").read_text())
    assert len(weights["mean"]) == len(weights["scale"]) == len(weights["w1"][0]) == N_FEATURES


def test_quoted_titles_do_not_set_the_question_type() -> None:
    assert question_type('Siapa penulis buku "Mengapa Kita Kalah"?') == "who"
    assert question_type('Partai apakah yang membaca buku "50 Alasan Mengapa Anwar"?') == "what"
