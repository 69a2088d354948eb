"""Pseudo-relevance feedback of hybrid search: the query vector moves towards the best hits."""

import numpy as np

from search import ranking


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
