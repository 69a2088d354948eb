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


def test_with_a_filter_the_blend_measures_cases_against_the_best_that_passes_it():
    # 1 is about what the query means but filtered out; 2 and 3 pass the filter, 2 is clearly the better one
    lexical = {1: 10.0, 2: 2.0, 3: 1.0}
    semantic = {1: 0.90, 2: 0.79, 3: 0.74}
    unfiltered = ranking.fuse(lexical, semantic, Mode.HYBRID)
    assert unfiltered[2] == pytest.approx(0.3 * 0.2)  # far below 1's cosine band: only its small lexical share
    filtered = ranking.fuse(lexical, semantic, Mode.HYBRID, within=lambda doc: doc != 1)
    assert filtered[2] == pytest.approx(1.0)  # the best case that passes: full semantic and lexical share
    assert filtered[2] > filtered[3] > 0.3 * 0.5
    # a filter no candidate passes changes nothing
    assert ranking.fuse(lexical, semantic, Mode.HYBRID, within=lambda doc: False) == unfiltered


def test_feedback_follows_the_best_hits_that_pass_the_filter():
    moved_towards: list[list[int]] = []
    ranking.fuse_with_feedback(
        {1: 9.0, 2: 3.0, 3: 2.0},
        {1: 0.9, 2: 0.85, 3: 0.84},
        Mode.HYBRID,
        _unit(1, 0),
        vectors_of=lambda ids: moved_towards.append(ids) or np.zeros((0, 2), dtype=np.float32),
        knn=lambda moved: {1: 0.9, 2: 0.85, 3: 0.84},
        within=lambda doc: doc != 1,
    )
    assert moved_towards == [[2, 3]]


def test_min_share_drops_weak_hits_only_in_hybrid_mode():
    assert ranking.min_share(Mode.HYBRID) == ranking.MIN_RELATIVE_SCORE
    assert ranking.min_share(Mode.LEXICAL) == ranking.min_share(Mode.SEMANTIC) == 0.0


def test_filtered_rows_and_their_nearest_entries_come_on_top_of_the_nearest_of_all():
    from search.backends.database import _nearest

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(300, 8))
    query = vectors[0] / np.linalg.norm(vectors[0])
    corpus = _corpus(vectors.tolist())
    similarities = corpus.vectors @ query
    farthest = np.argsort(similarities)[:20]  # none of them is among the 100 nearest of all
    nearest_of_all = _nearest(corpus, query, None, None)
    assert len(nearest_of_all) == 100 and not {corpus.ids[row] for row in farthest} & set(nearest_of_all)
    with_filter = _nearest(corpus, query, None, np.sort(farthest))
    assert {corpus.ids[row] for row in farthest} <= set(with_filter)
    assert set(nearest_of_all) <= set(with_filter)  # the nearest of all stay, for the facets
    assert with_filter[corpus.ids[farthest[0]]] == pytest.approx(float(similarities[farthest[0]]), abs=1e-5)
