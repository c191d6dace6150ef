"""The learned reader: its int8 graph agrees with the trained torch weights, its tokenizer's offsets cut the exact
characters, and it answers the founding article asked the way people ask (formal, paraphrased, informal, English),
with the fact in the quoted, cited sentence, and declines what the articles do not say."""

from __future__ import annotations

import numpy as np
import pytest

from tanya_sumsel import answer
from tanya_sumsel.reading.reader import Window, load_reader
from tanya_sumsel.settings import Settings
from tanya_sumsel.types import Passage

from .conftest import MISSES

# (question, a fact the answer must state and quote) over the founding article; written for this test. The ones the
# shipped reader still gets wrong are strict xfails: when a retrained reader answers them, the test says so.
FOUNDING = [
    ("Siapa Sekretaris Daerah Sumsel?", "Edward Candra"),
    ("siapa sekda sumsel", "Edward Candra"),
    ("Who is the regional secretary of South Sumatra?", "Edward Candra"),
    ("Siapa yang menyampaikan laporan dalam rakor Pemprov Sumsel?", "Edward Candra"),
    ("siapa gubernur sumsel yg membuka rakor", "Herman Deru"),
    pytest.param(  # v2 answers the deputy governor of the karhutla article: English "governor" is not "wakil"
        "Who is the governor of South Sumatra?", "Herman Deru", marks=pytest.mark.xfail(strict=True, reason=MISSES)
    ),
    ("Siapa Wakil Gubernur Sumatera Selatan?", "Cik Ujang"),
    ("siapa wakil gubernur yg mendampingi pengawasan kinerja OPD", "Cik Ujang"),
    ("Di mana rapat koordinasi Pemprov Sumsel digelar?", "Griya Agung"),  # the rules second the reader's -2.3
    ("dimana rakor pemprov diadakan", "Griya Agung"),
    ("Where was the coordination meeting of the provincial government held?", "Griya Agung"),
    ("who's the regional secretary of south sumatra", "Edward Candra"),  # typed as people type, in English
    ("who opened the coordination meeting", "Herman Deru"),
    ("Kapan rakor Pemprov Sumsel digelar?", "21/1/2026"),
    pytest.param(  # v1 answered it once question_forms.py read "brp" as "berapa"; v2 declines it
        "RPJMD Sumsel periode brp", "2025-2029", marks=pytest.mark.xfail(strict=True, reason=MISSES)
    ),
    pytest.param(  # the float weights' margin is -1.5, under the threshold: int8 rounding on VNNI CPUs answered it
        "Kawasan apa yang disebut sebagai contoh proyek besar yang harus dipercepat?",
        "Tanjung Carat",
        marks=pytest.mark.xfail(strict=True, reason=MISSES),
    ),
    ("proyek besar apa yg hrs segera memberi nilai tambah ekonomi", "Tanjung Carat"),
    pytest.param(
        "Rakor diakhiri dengan apa?",
        "penandatanganan komitmen kerja",
        marks=pytest.mark.xfail(strict=True, reason=MISSES),
    ),
]
NOT_SAID = [
    "Siapa juara Piala Dunia 2022?",
    "Berapa anggaran pengelolaan kawasan Tanjung Carat tahun 2026?",
]


@pytest.fixture(scope="module")
def learned(built: Settings) -> Settings:
    """The session's small index, answered by the learned reader (the default; named here for the reader's tests)."""
    return built.replace(reader="learned")


@pytest.mark.parametrize(("question", "fact"), FOUNDING)
def test_the_founding_article_asked_as_people_ask(learned: Settings, question: str, fact: str) -> None:
    ans = answer(question, settings=learned, as_of="2026-01-28")
    assert not ans.abstained, ans.text
    assert fact.lower() in ans.text.lower(), ans.text
    lead = ans.citations[0]
    assert fact.lower() in lead.quote.lower()  # the quoted, cited sentence holds the fact
    assert lead.highlight is not None and lead.start <= lead.highlight[0] < lead.highlight[1] <= lead.end


@pytest.mark.parametrize("question", NOT_SAID)
def test_what_the_articles_do_not_say_is_declined(learned: Settings, question: str) -> None:
    ans = answer(question, settings=learned, as_of="2026-01-28")
    # declined, by the reader ("… tidak memuat jawaban") or by the time check ("… tidak ada berita dari 2022")
    assert ans.abstained and ans.text.startswith("Maaf, ") and not ans.citations, ans.text
    if "tidak memuat jawaban" in ans.text:
        assert ans.passages  # the closest passages are still shown (a period with no news has none to show)


def test_int8_graph_agrees_with_the_trained_torch_weights(learned: Settings) -> None:
    """The int8 ONNX graph reads the founding article's windows as the float torch model does: mostly the same span,
    margins close on average, start/end logits correlated."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel

    from tanya_sumsel.embedding.e5_convert import ensure_converted
    from tanya_sumsel.reading.export import shipped

    reader = load_reader(learned)
    assert reader is not None
    weights, record = shipped()
    folder = ensure_converted(learned.cache_dir / "models")
    base = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    trained = load_file(str(weights))
    for n, layer in enumerate(base.encoder.layer[int(record["freeze"]) :]):
        p = f"layers.{n}."
        layer.load_state_dict({k[len(p) :]: v.float() for k, v in trained.items() if k.startswith(p)})
    head = torch.nn.Linear(384, 2)
    head.load_state_dict({"weight": trained["head.weight"].float(), "bias": trained["head.bias"].float()})
    text = (learned.corpus_dir / "000_4166e72e5cd7cb12.txt").read_text(encoding="utf-8")
    article = Passage(1, 1.0, 0, "a", "", None, None, None, None, text, 0, len(text))
    windows = [Window(article, a, min(len(text), a + 600)) for a in range(0, len(text) - 200, 500)]
    drift, same, answered, correlation = [], [], [], []
    for question in (
        "Siapa Sekretaris Daerah Sumsel?",
        "Di mana rakor digelar?",
        "Kapan rakor Pemprov Sumsel digelar?",
    ):
        ours = reader._spans(question, windows)
        rows, offsets, first = reader.rows(question, windows)  # what the int8 graph read, fed to torch as ids
        for w, (margin, a, b), ids, spans in zip(windows, ours, rows, offsets, strict=True):
            with torch.no_grad():
                logits = head(base(input_ids=torch.tensor([ids])).last_hidden_state)[0].numpy()
            theirs = reader._decode(w, logits[:, 0], logits[:, 1], first, spans)
            feeds = {
                "words": reader.words[np.array([ids])].astype(np.float32),
                "mask": np.ones((1, len(ids)), np.int64),
            }
            for k, int8 in enumerate(reader.session.run(None, feeds)):  # start, then end logits
                correlation.append(np.corrcoef(int8[0], logits[:, k])[0, 1])
            drift.append(abs(margin - theirs[0]))
            same.append((a, b) == theirs[1:])
            if theirs[0] >= reader.threshold:  # where the float model answers, the int8 graph quotes the same words
                answered.append((a, b) == theirs[1:])
    # Measured with the shipped 7-bit graph (reading/export.py): mean drift 0.61, the same span in 17 of 21 windows,
    # the same words in the 3 the float model answers (143 news windows of the written sets: 0.69, 81%), logits'
    # correlation 0.996 on average (0.980 in the worst window; one window with 8-bit weights gave > 0.99). The
    # threshold is calibrated on the int8 graph the product runs (training/calibrate_reader.py), not on float figures.
    assert np.mean(drift) < 0.8 and np.mean(same) >= 0.7 and answered and all(answered), (drift, same, answered)
    assert np.mean(correlation) > 0.99, correlation


def test_spans_are_the_exact_characters_of_the_passage(learned: Settings) -> None:
    reader = load_reader(learned)
    assert reader is not None
    text = "Sekretaris Daerah Sumsel, Dr. Drs. H. Edward Candra, MH, dalam laporannya menyebutkan bahwa tahun 2025 …"
    p = Passage(1, 1.0, 0, "a", "t", "s", None, None, None, text, 100, 100 + len(text))
    (reading,) = reader.read("Siapa Sekretaris Daerah Sumsel?", [Window(p, 0, len(text))])
    assert reading.start is not None and reading.end is not None
    assert reading.text == text[reading.start : reading.end] and "Edward Candra" in reading.text
    assert reading.text == reading.text.strip(" ,.")  # punctuation at the edges is not part of the answer
    for i, a, b in reader.tokenizer.pieces_with_offsets(text[:-2]):  # the pieces spell the text exactly
        assert text[a:b].strip() and reader.tokenizer.pieces[i].lstrip("▁") == text[a:b]
    changed = reader.tokenizer.pieces_with_offsets("tahun 2025 …")  # NFKC makes '…' three dots: the whole word
    assert changed[-1][1:] == (11, 12)


def test_a_window_already_read_for_the_question_is_not_read_again(
    learned: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dated answer's second pass rereads windows of the first: they come from memory, the same readings."""
    reader = load_reader(learned)
    assert reader is not None
    text = (learned.corpus_dir / "000_4166e72e5cd7cb12.txt").read_text(encoding="utf-8")
    p = Passage(1, 1.0, 0, "a", "t", "s", None, None, None, text, 0, len(text))
    first, second, third = Window(p, 0, 400), Window(p, 400, 800), Window(p, 800, 1200)
    question = "Siapa Sekretaris Daerah Sumsel?"
    before = reader.read(question, [first, second])
    batches: list[int] = []
    real = reader._spans
    monkeypatch.setattr(reader, "_spans", lambda q, ws: batches.append(len(ws)) or real(q, ws))
    again = reader.read(question, [second, third, first])
    assert batches == [1]  # only the new window went through the graph
    assert (again[2], again[0]) == tuple(before)  # the remembered readings, in the order asked
    assert reader.read("Siapa Gubernur Sumsel?", [first]) and batches == [1, 1]  # another question reads afresh


def test_the_default_answerer_is_the_reader_and_english_goes_through_it(
    built: Settings, learned: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings().reader == "learned" and load_reader(built) is not None
    assert load_reader(built.replace(reader="rules")) is None
    from tanya_sumsel.reading import learned as reading

    read: list[str] = []
    real = reading.read_compose
    monkeypatch.setattr(reading, "read_compose", lambda q, *a, **k: read.append(q.text) or real(q, *a, **k))
    ans = answer("Who is the regional secretary of South Sumatra?", settings=learned)
    assert read == ["Who is the regional secretary of South Sumatra?"] and "Edward Candra" in ans.text
    assert ans.language == "en" and ans.text.startswith("Short answer:")
