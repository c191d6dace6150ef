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
    ("Kawasan apa yang disebut sebagai contoh proyek besar yang harus dipercepat?", "Tanjung Carat"),  # v2 reads it
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
    """The span head's choice through the int8 ONNX graph is the float torch model's on real windows."""
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
    question = "Siapa Sekretaris Daerah Sumsel?"
    q = reader.tokenizer.encode(question)
    pieces = reader.tokenizer.pieces_with_offsets(text[:600])[:100]
    ids = np.array([[*q, 2, *(i for i, _, _ in pieces), 2]])
    feeds = {"words": reader.words[ids].astype(np.float32), "mask": np.ones_like(ids)}
    start, end = reader.session.run(None, feeds)
    with torch.no_grad():
        h = base(input_ids=torch.tensor(ids)).last_hidden_state
        logits = head(h)
    first = len(q) + 1  # the passage's first token

    def decision(s: np.ndarray, e: np.ndarray) -> tuple[int, int, float]:
        """The best span (at most 30 tokens) of the passage and its margin over no answer (token 0), as read."""
        scores = s[first:-1, None] + e[None, first:-1]
        scores = np.where(np.triu(np.ones_like(scores)) * np.tril(np.ones_like(scores), 29) > 0, scores, -np.inf)
        i, j = np.unravel_index(int(scores.argmax()), scores.shape)
        return int(i), int(j), float(scores[i, j] - (s[0] + e[0]))

    ours, theirs = decision(start[0], end[0]), decision(logits[0, :, 0].numpy(), logits[0, :, 1].numpy())
    # the same span; int8 moves the no-answer margin (reader v2 here: +0.13 against float's -1.08), which is why the
    # threshold is calibrated on the int8 graph the product runs (training/calibrate_reader.py), not on float figures
    assert ours[:2] == theirs[:2] and abs(ours[2] - theirs[2]) < 1.5, (ours, theirs)
    for k in (0, 1):
        assert np.corrcoef((start, end)[k][0], logits[0, :, k].numpy())[0, 1] > 0.99


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
