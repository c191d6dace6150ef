import json
from importlib import resources

import numpy as np
import pytest

from tanya_sumsel import answer
from tanya_sumsel.lang.entities import TOKEN
from tanya_sumsel.lang.span_columns import FEATURE_NAMES, N_FEATURES, F
from tanya_sumsel.lang.span_features import Context, features, parse_question
from tanya_sumsel.question.kind import question_type
from tanya_sumsel.reading.learned import with_unit
from tanya_sumsel.reading.short_answer import extract
from tanya_sumsel.stores.choose import open_reader

from .conftest import MISSES

SHORT = [
    ("Siapa Sekretaris Daerah Sumsel?", "Edward Candra"),
    ("Siapa Sekda Sumsel?", "Edward Candra"),  # the acronym knows its long form: not 'Sekretaris Daerah Sumsel'
    ("Siapa Wakil Gubernur Sumsel?", "Cik Ujang"),
    ("Kapan rapat koordinasi Pemprov Sumsel digelar?", "21/1/2026"),
    ("Berapa rumah yang terendam banjir di Muara Enim?", "320 rumah"),
    pytest.param(
        "Berapa personel yang disiagakan untuk karhutla?", "1.500", marks=pytest.mark.xfail(strict=True, reason=MISSES)
    ),
]


@pytest.mark.parametrize(("question", "expected"), SHORT)
def test_short_answer_is_marked_in_the_first_citation(built, question, expected) -> None:
    ans = answer(question, settings=built)
    assert ans.short_answer and expected in ans.short_answer, ans.text
    first = ans.citations[0]
    assert first.highlight is not None
    text = open_reader(built).articles([first.article_id])[first.article_id].text
    assert text[first.highlight[0] : first.highlight[1]] == ans.short_answer
    assert first.start <= first.highlight[0] < first.highlight[1] <= first.end
    assert ans.text.startswith(f"Jawaban singkat: {ans.short_answer} [1]")


def test_short_answers_fit_their_type_and_close_their_parentheses(built) -> None:
    # not 'Griya Agung, Rabu' (the short *Di mana rakor digelar?* is a strict xfail of the reader: test_answer.py)
    assert answer("Di mana rapat koordinasi Pemprov Sumsel digelar?", settings=built).short_answer == "Griya Agung"
    assert answer("Kapan rakor digelar?", settings=built).short_answer == "21/1/2026"  # not '21/1/2026)'
    # the span the model picks (shown or not: the display is selective) ends where the relative clause begins
    sentence = "Dukungan penuh juga datang dari Wakil Gubernur H. Cik Ujang yang senantiasa mendampingi dalam proses."
    found = extract("Siapa yang mendampingi pengawasan kinerja OPD?", [Context(sentence, 1.0, 0, 0, 1.0)])
    escort = found[1].text if found else None
    assert escort and escort.endswith("Cik Ujang")  # not '… Cik Ujang yang senantiasa mendampingi'
    contexts = [Context("Pemprov menggelar Rapat Koordinasi (Rakor) strategis di Griya Agung.", 1.0, 0, 0, 1.0)]
    found = extract("Siapa yang memimpin rapat koordinasi?", contexts)
    assert found is not None and found[1].text.count("(") == found[1].text.count(")")


def test_no_short_answer_when_no_span_answers(built) -> None:
    """The article has a budget year but no approved amount: quoting is fine, a made-up short answer is not."""
    ans = answer("Berapa anggaran yang disetujui?", settings=built)
    assert ans.short_answer is None and "Jawaban singkat" not in ans.text
    contexts = [Context("Rapat koordinasi itu dihadiri seluruh kepala OPD.", 1.0, 0, 0, 1.0)]
    assert extract("Apa yang ditandatangani kepala OPD?", contexts) is None


def test_descriptive_questions_get_no_short_answer(built) -> None:
    ans = answer("Apa isi laporan Sekda Sumsel?", settings=built)
    assert ans.short_answer is None and all(c.highlight is None for c in ans.citations)


def test_answer_in_a_lower_ranked_sentence_is_found() -> None:
    contexts = [
        Context("Rapat koordinasi itu dihadiri banyak pejabat daerah.", 1.0, 0, 0, 1.0),
        Context("Rapat koordinasi dipimpin Gubernur Herman Deru pada Rabu (21/1/2026).", 0.9, 1, 0, 1.0),
    ]
    found = extract("Kapan rapat koordinasi digelar?", contexts)
    assert found is not None
    n, span = found
    assert n == 1 and "21/1/2026" in span.text
    assert contexts[n].text[span.start : span.end] == span.text


def test_features_have_the_model_width() -> None:
    q = parse_question("Siapa yang memimpin rapat?", "who")
    [(chars, rows)] = features(q, [Context("Rapat dipimpin Herman Deru.", 1.0, 0, 0, 1.0)])
    assert rows.shape == (len(chars), N_FEATURES) and len(chars) > 3
    weights = json.loads(resources.files("tanya_sumsel").joinpath("short_answer_model.json").read_text())
    assert len(weights["mean"]) == len(weights["scale"]) == len(weights["w1"][0]) == N_FEATURES
    assert weights["features"] == list(FEATURE_NAMES)  # the columns by name, not only by count
    who = rows[next(n for n, (a, b) in enumerate(chars) if "Rapat dipimpin Herman Deru."[a:b] == "Herman Deru")]
    assert (
        who[F["words_2"]] == who[F["inside_name"]] == who[F["who_inside_any"]] == 1.0 and who[F["when_inside_any"]] == 0
    )


def test_a_model_file_with_reordered_features_is_refused(tmp_path, monkeypatch) -> None:
    from tanya_sumsel import mlp
    from tanya_sumsel.errors import ModelFileError

    raw = json.loads(resources.files("tanya_sumsel").joinpath("short_answer_model.json").read_text())
    raw["features"][7], raw["features"][8] = raw["features"][8], raw["features"][7]
    (tmp_path / "short_answer_model.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(mlp.resources, "files", lambda _package: tmp_path)
    mlp.load.cache_clear()
    try:
        with pytest.raises(ModelFileError, match="column 7: 'first_capitalized' in the file, 'all_capitalized'"):
            mlp.load("short_answer_model.json", FEATURE_NAMES)
        del raw["features"]
        (tmp_path / "short_answer_model.json").write_text(json.dumps(raw), encoding="utf-8")
        mlp.load.cache_clear()
        with pytest.raises(ModelFileError, match="lists no feature names"):
            mlp.load("short_answer_model.json", FEATURE_NAMES)
    finally:
        mlp.load.cache_clear()


def test_contexts_scored_together_do_not_see_each_other() -> None:
    """One vectorized pass over several contexts gives each one exactly its own features: word windows,
    neighbouring tokens and pattern matches stop at the context's edge."""
    q = parse_question("Siapa yang memimpin rapat koordinasi Pemprov Sumsel?", "who")
    contexts = [
        Context("Rapat koordinasi Pemprov Sumsel", 1.0, 0, 0, 1.0),  # question words at the very end …
        Context("Herman Deru hadir pada Rabu (21/1/2026) bersama 1.500 personel.", 0.8, 1, 1, 0.7),  # … span at start
        Context("Dipimpin Sekda H. Edward Candra, MH di Palembang", 0.6, 2, 0, 1.0),
    ]
    together = features(q, contexts)
    for ctx, (chars, rows) in zip(contexts, together, strict=True):
        [(alone_chars, alone_rows)] = features(q, [ctx])
        assert chars == alone_chars and len(chars) > 0
        assert np.array_equal(rows, alone_rows)
    assert [len(c) for c, _ in features(q, [*contexts, Context("", 1.0, 0, 0, 1.0)])][-1] == 0


def test_repeats_count_the_contexts_a_span_recurs_in() -> None:
    q = parse_question("Siapa yang hadir?", "who")
    contexts = [
        Context("Herman Deru hadir.", 1.0, 0, 0, 1.0),
        Context("Herman Deru, Herman Deru hadir.", 0.9, 1, 0, 1.0),
    ]
    for ctx, (chars, rows) in zip(contexts, features(q, contexts, repeats=True), strict=True):
        repeats = {ctx.text[s:e]: float(np.exp(r[96])) for (s, e), r in zip(chars, rows, strict=True)}
        assert repeats["Herman Deru"] == pytest.approx(2.0)  # twice in the second context still counts once there
        assert repeats["Deru"] == pytest.approx(2.0) and repeats.get("Deru, Herman", 1.0) == pytest.approx(1.0)
    assert all(r[96] == 0 for _, rows in features(q, contexts) for r in rows)  # off unless asked


def _words(span: str) -> str:
    return " ".join(t.lower() for t in TOKEN.findall(span) if t[0].isalnum())


def test_repeats_ignore_case_and_punctuation_as_the_span_text_does() -> None:
    """A span recurs where the same words recur, whatever their case and the punctuation between them: the count
    equals the one made from each span's lower-cased words joined as a string."""
    q = parse_question("Siapa yang hadir di Sekayu?", "who")
    texts = [
        "Herman Deru, Gubernur Sumsel, hadir di Sekayu.",
        "HERMAN DERU hadir (di Sekayu) pada Rabu.",
        "Gubernur Sumsel Herman, Deru hadir.",
        "Rapat di Sekayu; Herman Deru.",
    ]
    contexts = [Context(t, 1.0 - n / 10, n, 0, 1.0) for n, t in enumerate(texts)]
    holders: dict[str, set[int]] = {}
    found = features(q, contexts, repeats=True)
    for n, (ctx, (chars, _)) in enumerate(zip(contexts, found, strict=True)):
        for s, e in chars:
            holders.setdefault(_words(ctx.text[s:e]), set()).add(n)
    for ctx, (chars, rows) in zip(contexts, found, strict=True):
        for (s, e), r in zip(chars, rows, strict=True):
            assert float(np.exp(r[96])) == pytest.approx(len(holders[_words(ctx.text[s:e])])), ctx.text[s:e]
    assert max(len(h) for h in holders.values()) == 4  # 'Herman Deru' in all four, as 'HERMAN DERU' and 'Herman, Deru'


def test_quoted_titles_do_not_set_the_question_type() -> None:
    assert question_type('Siapa penulis buku "Mengapa Kita Kalah"?') == "who"
    assert question_type('Partai apakah yang membaca buku "50 Alasan Mengapa Anwar"?') == "what"


def test_the_reader_s_number_takes_the_counted_noun_asked_in_any_wording() -> None:
    text = "Banjir merendam 412 rumah warga."
    start, end = text.index("412"), text.index("412") + 3
    for asked, lang in (("Berapa rumah terendam?", "id"), ("brp rumah yg terendam", "id"), ("How many houses?", "en")):
        assert text[start : with_unit(asked, text, start, end, lang)] == "412 rumah", asked
    assert with_unit("How many people were evacuated?", text, start, end, "en") == end, "another noun: the number"
