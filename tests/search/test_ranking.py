"""Pseudo-relevance feedback of hybrid search and the exact kNN it runs on."""

import numpy as np
import pytest

from search import ranking
from search.backends.database import nearest_rows, semantic_scores
from search.corpus import Corpus
from search.types import Mode


def _unit(*values: float) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_feedback_moves_the_query_towards_the_best_hits_and_stays_normalised():
    query = _unit(1, 0, 0)
    best_hits = np.stack([_unit(0.6, 0.8, 0), _unit(0.5, 0.86, 0)])
    moved = ranking.feedback_vector(query, best_hits)
    assert abs(float(np.linalg.norm(moved)) - 1.0) < 1e-5
    # a case like the best hits is now closer to the query than before, the query's own direction still counts
    similar = _unit(0.3, 1, 0)
    assert moved @ similar > query @ similar
    assert moved @ query > 0.8


def test_feedback_without_hits_keeps_the_query():
    query = _unit(0, 1, 0)
    assert np.array_equal(ranking.feedback_vector(query, np.zeros((0, 3), dtype=np.float32)), query)


def test_best_takes_the_highest_scores_and_breaks_ties_by_id():
    assert ranking.best({7: 0.5, 3: 0.9, 5: 0.5, 1: 0.1}, 3) == [3, 5, 7]


def _corpus(vectors: list[list[float]]) -> Corpus:
    matrix = np.asarray(vectors, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [10 * (row + 1) for row in range(len(vectors))]
    return Corpus(ids=ids, vectors=matrix, row_of={entry: row for row, entry in enumerate(ids)})


def test_nearest_rows_are_exact_best_first_with_ties_in_id_order():
    corpus = _corpus([[0, 1], [1, 0], [1, 1], [1, 0], [1, 0.1]])
    rows, similarities = nearest_rows(corpus, np.asarray([1, 0], dtype=np.float32), limit=4)
    assert rows.tolist() == [1, 3, 4, 2]  # rows 1 and 3 are equally close: the lower id first
    assert similarities[0] == pytest.approx(1.0)
    assert list(similarities) == sorted(similarities, reverse=True)


def test_nearest_rows_within_a_neighbourhood_never_leave_it():
    corpus = _corpus([[0, 1], [1, 0], [1, 1], [1, 0], [1, 0.1]])
    rows, _ = nearest_rows(corpus, np.asarray([1, 0], dtype=np.float32), limit=10, rows=np.asarray([4, 0, 2]))
    assert rows.tolist() == [4, 2, 0]
    assert semantic_scores(corpus, np.asarray([1, 0], dtype=np.float32), limit=2) == {
        20: pytest.approx(1.0),
        40: pytest.approx(1.0),
    }


def test_lexical_confidence_is_the_share_of_query_information_the_index_holds():
    frequencies = {"abend": 5, "off": 40}
    assert ranking.lexical_confidence(["abend", "off"], frequencies, 100) == 1.0
    missing_key_word = ranking.lexical_confidence(["bucherei", "abend", "off"], frequencies, 100)
    assert 0.2 < missing_key_word < 0.6  # the unknown word carries the most information
    bridged = ranking.lexical_confidence(["bucherei", "abend", "off"], frequencies, 100, bridged={"bucherei"})
    assert missing_key_word < bridged < 1.0
    assert ranking.lexical_confidence([], frequencies, 100) == 1.0


def test_low_lexical_confidence_lets_the_semantic_match_lead():
    lexical = {1: 9.0}  # matches only the query's weak words
    semantic = {1: 0.83, 2: 0.86}  # 2: the case about what the query means
    assert ranking.best(ranking.fuse(lexical, semantic, Mode.HYBRID), 1) == [1]
    assert ranking.best(ranking.fuse(lexical, semantic, Mode.HYBRID, confidence=0.4), 1) == [2]
    assert ranking.fuse(lexical, semantic, Mode.LEXICAL, confidence=0.4) == lexical
