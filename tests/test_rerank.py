import json
from importlib import resources
from itertools import pairwise

import pytest

from tanya_sumsel.retrieval.rerank import N_FEATURES, Candidate, rerank, rerank_features
from tanya_sumsel.retrieval.retriever import load_retriever
from tanya_sumsel.stores.bm25 import BM25Index

QUESTION = "Kapan Gubernur Herman Deru meresmikan Jembatan Musi VI?"
# Two passages on the same story: the first shares more of the question's words and has the better retrieval
# scores; only the second says when the bridge was opened.
ON_TOPIC = Candidate(
    1,
    "Gubernur Herman Deru meninjau Jembatan Musi VI di Palembang. Gubernur Herman Deru meminta pekerja menjaga "
    "keselamatan.",
    1.0,
    0.86,
    20.0,
)
ANSWERS = Candidate(2, "Jembatan Musi VI diresmikan Gubernur Herman Deru pada Senin (12/2/2024).", 0.8, 0.85, 16.0)


def flat_idf(term: str) -> float:
    return 1.0


def test_the_passage_that_answers_beats_its_on_topic_neighbour() -> None:
    ranked = rerank(QUESTION, [ON_TOPIC, ANSWERS], flat_idf)
    assert [cid for cid, _ in ranked] == [2, 1]
    assert ranked[0][1] > ranked[1][1]


def test_features_have_the_model_width() -> None:
    rows = rerank_features(QUESTION, [ON_TOPIC, ANSWERS], flat_idf)
    assert rows.shape == (2, N_FEATURES)
    assert rows[:, 1].max() == 0.0 and rows[:, 2].max() == 1.0  # dense and BM25 are relative to the best
    assert rows[1, 9] > rows[0, 9]  # the best span score: a date next to the question's words
    weights = json.loads(resources.files("tanya_sumsel").joinpath("rerank_model.json").read_text())
    assert len(weights["mean"]) == len(weights["w1"][0]) == N_FEATURES


def test_bm25_idf_orders_rare_above_common_terms() -> None:
    index = BM25Index.build([(1, "rapat gubernur"), (2, "rapat banjir"), (3, "rapat jembatan")])
    assert index.idf("banjir") > index.idf("rapat") > 0
    assert index.idf("tidak-ada") > index.idf("banjir")


@pytest.mark.parametrize("depth", [0, 15])
def test_search_ranks_and_scores_agree(built, depth: int) -> None:
    retriever = load_retriever(built.replace(rerank_depth=depth))
    passages = retriever.search("Berapa rumah yang terendam banjir di Muara Enim?", 3)
    assert [p.rank for p in passages] == [1, 2, 3]
    assert all(a.score >= b.score for a, b in pairwise(passages))
    assert "320 rumah" in passages[0].text
    if depth:  # reranked: softmax probabilities over the reranked candidates
        assert 0 < sum(p.score for p in passages) <= 1.0 + 1e-6
