"""“Kommunen wie wir”: similarity scores, candidates, reasons and the cache."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching import scoring
from matching.peers import peers_cache_clear, peers_features, peers_list, peers_top_k_all
from municipalities.models import Municipality
from municipalities.size_classes import SIZE_CLASS_ORDER
from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    peers_cache_clear()
    yield
    peers_cache_clear()


def town(ags: str, name: str, population: int, area: float | None, urbanisation: str, district: str, **fields):
    return municipality(
        ags,
        name,
        population,
        area_km2=area,
        urbanisation=urbanisation,
        district_code=ags[:5],
        district_name=district,
        **fields,
    )


@pytest.fixture
def towns() -> dict[str, Municipality]:
    """Twelve towns: each of Barleben, Calw and Gröningen has one obvious twin."""
    rows = [
        ("15083040", "Barleben", 9238, 29.85, "2", "Börde"),
        ("15083557", "Wolmirstedt", 8900, 31.8, "2", "Börde"),  # Barleben's twin
        ("15083245", "Gröningen", 3525, 59.89, "3", "Börde"),
        ("15083190", "Eilsleben", 3700, 61.0, "3", "Börde"),  # Gröningen's twin
        ("15083270", "Haldensleben", 19500, 150.0, "2", "Börde"),
        ("15086015", "Burg", 22000, 164.0, "3", "Jerichower Land"),
        ("15003000", "Magdeburg", 240000, 201.0, "1", "Magdeburg"),
        ("08235085", "Calw", 24448, 59.88, "2", "Calw"),
        ("08235046", "Nagold", 22700, 63.0, "2", "Calw"),  # Calw's twin
        ("08118027", "Hemmingen", 8222, 12.5, "2", "Ludwigsburg"),
        ("03241007", "Hemmingen", 18885, 31.73, "2", "Region Hannover"),
        ("12072477", "Zossen", 20000, 180.0, "3", "Teltow-Fläming"),
    ]
    return {row[1] if row[0] != "03241007" else "Hemmingen NI": town(*row) for row in rows}


def all_pairs_matrix() -> tuple[scoring.Features, np.ndarray]:
    features = peers_features()
    everyone = np.arange(len(features))
    return features, np.array([scoring.similarity_row(features, i, everyone) for i in everyone])


@pytest.mark.parametrize(
    ("name", "best", "expected_reasons"),
    [
        (
            "Barleben",
            "Wolmirstedt",
            [
                "ebenfalls im Landkreis Börde (Sachsen-Anhalt)",
                "ähnliche Einwohnerzahl (9.238 / 8.900)",
                "ähnlich dicht besiedelt (309 / 280 Einwohner je km²)",
                "ebenfalls mit mittlerer Besiedlungsdichte",
            ],
        ),
        (
            "Gröningen",
            "Eilsleben",
            ["ebenfalls im Landkreis Börde (Sachsen-Anhalt)", "ähnliche Einwohnerzahl (3.525 / 3.700)"],
        ),
        (
            "Calw",
            "Nagold",
            ["ebenfalls im Landkreis Calw (Baden-Württemberg)", "ähnliche Einwohnerzahl (24.448 / 22.700)"],
        ),
    ],
)
def test_best_peer_is_the_twin_for_clear_reasons(towns, name, best, expected_reasons):
    peers = peers_list(towns[name])

    assert peers[0].name == best
    assert peers[0].similarity > peers[1].similarity
    assert peers[0].reasons[: len(expected_reasons)] == expected_reasons  # strongest first
    assert len(peers[0].reasons) <= scoring.MAX_REASONS


def test_reasons_name_only_what_is_alike(towns):
    peers = {p.ags: p for p in peers_list(towns["Barleben"], limit=50)}

    # Burg: other district, 2.4 times the inhabitants, less dense: only the Land is shared.
    assert peers["15086015"].reasons == ["ebenfalls in Sachsen-Anhalt"]
    assert not any("Sachsen-Anhalt" in reason for reason in peers["12072477"].reasons)
    # Hemmingen (Baden-Württemberg): about as many inhabitants, but twice as dense.
    assert "ähnliche Einwohnerzahl (9.238 / 8.222)" in peers["08118027"].reasons
    assert not any(reason.startswith("ähnlich dicht") for reason in peers["08118027"].reasons)


def test_peer_carries_display_fields(towns):
    peer = peers_list(towns["Barleben"], limit=1)[0]

    assert (peer.ags, peer.name, peer.state, peer.population) == ("15083557", "Wolmirstedt", "Sachsen-Anhalt", 8900)
    assert (peer.size_class, peer.size_class_label) == ("kleinstadt", "Kleinstadt")
    assert peer.url == "/kommunen/15083557-wolmirstedt/"
    assert peer.similarity == round(peer.similarity, 4)


def test_self_is_never_a_peer(towns):
    for town_ in towns.values():
        assert town_.ags not in [p.ags for p in peers_list(town_, limit=50)]


def test_similarity_is_symmetric_and_between_zero_and_one(towns):
    _, matrix = all_pairs_matrix()

    assert matrix.shape == (12, 12)
    assert np.array_equal(matrix, matrix.T)
    assert matrix.min() >= 0.0 and matrix.max() <= 1.0
    assert np.allclose(np.diag(matrix), 1.0)


def test_peer_lists_agree_in_both_directions(towns):
    lists = {t.ags: {p.ags: p.similarity for p in peers_list(t, limit=50)} for t in towns.values()}
    for a, b in itertools.permutations(lists, 2):
        if b in lists[a]:
            assert lists[b][a] == lists[a][b]


def test_same_input_same_output_and_ties_broken_by_ags(towns):
    # Two identical towns tie exactly for Barleben; the lower AGS comes first.
    town("15083902", "Zwilling B", 5000, 50.0, "3", "Börde")
    town("15083901", "Zwilling A", 5000, 50.0, "3", "Börde")
    first = peers_list(towns["Barleben"], limit=11)
    peers_cache_clear()
    second = peers_list(towns["Barleben"], limit=11)

    assert first == second
    twins = [p for p in first if p.name.startswith("Zwilling")]
    assert [p.ags for p in twins] == ["15083901", "15083902"]
    assert twins[0].similarity == twins[1].similarity


def test_candidates_are_restricted_to_size_class_plus_minus_one(towns):
    order = [c.value for c in SIZE_CLASS_ORDER]
    for town_ in towns.values():
        own = order.index(town_.size_class)
        for peer in peers_list(town_, limit=50):
            assert abs(order.index(peer.size_class) - own) <= 1
    assert "Magdeburg" not in [p.name for p in peers_list(towns["Gröningen"], limit=50)]
    assert {p.size_class for p in peers_list(towns["Magdeburg"], limit=50)} == {"mittelstadt"}


def test_shared_topics_are_a_reason_and_raise_the_score(tmp_path, towns, index):
    before = {p.ags: p.similarity for p in peers_list(towns["Barleben"], limit=50)}
    publish_cases(
        tmp_path,
        case_line("barleben-portal", municipality_ags="15083040", topics=["digitale-verwaltung", "mobilitaet"]),
        case_line(
            "zossen-portal",
            title="Bürgerportal",
            municipality_ags="12072477",
            topics=["digitale-verwaltung"],
            adopters=[{"ags": "08118027"}],
        ),
    )
    peers = {p.ags: p for p in peers_list(towns["Barleben"], limit=50)}

    # Zossen leads, Hemmingen (BW) adopts a case on the same topic: Jaccard 1/2 each.
    for ags in ("12072477", "08118027"):
        assert "beide arbeiten am Thema „Digitale Verwaltung“" in peers[ags].reasons
    assert peers["08118027"].similarity > before["08118027"]
    # Towns without cases are not punished: the topic feature is left out for them.
    assert peers["15083557"].similarity == before["15083557"]
    assert not any("Thema" in reason for reason in peers["15083557"].reasons)


def test_cache_follows_published_cases_and_register_changes(tmp_path, towns, index):
    assert peers_features().topics.shape[1] == 0
    publish_cases(tmp_path, case_line("barleben-portal", municipality_ags="15083040"))
    assert peers_features().topic_slugs == ["strassen-infrastruktur"]

    town("15083905", "Neu", 9000, 30.0, "2", "Börde")
    assert "15083905" in peers_features().index


def test_missing_ortsteile_do_not_change_the_score(towns):
    barleben, wolmirstedt = towns["Barleben"], towns["Wolmirstedt"]

    def score() -> float:
        peers_cache_clear()
        features = peers_features()
        return scoring.similarity_pair(features, features.index[barleben.ags], features.index[wolmirstedt.ags])[0]

    neither = score()
    Municipality.objects.filter(pk=barleben.pk).update(ortsteile_count=5)
    one_known = score()
    Municipality.objects.filter(pk=wolmirstedt.pk).update(ortsteile_count=5)
    both_equal = score()

    assert one_known == neither
    assert both_equal > neither


def test_missing_area_keeps_scores_in_range(towns):
    Municipality.objects.filter(ags="15083557").update(area_km2=None)
    _, matrix = all_pairs_matrix()

    assert np.array_equal(matrix, matrix.T)
    assert matrix.min() >= 0.0 and matrix.max() <= 1.0


def test_vectorised_row_equals_scalar_reference(towns):
    features = peers_features()
    for i in range(len(features)):
        candidates = scoring.peer_candidates(features, i)
        row = scoring.similarity_row(features, i, candidates)
        for j, vectorised in zip(candidates, row, strict=True):
            scalar, contributions = scoring.similarity_pair(features, i, int(j))
            assert vectorised == pytest.approx(scalar, abs=1e-12)
            assert sum(contributions.values()) == pytest.approx(scalar, abs=1e-12)


def test_precomputed_top_k_matches_single_queries(towns):
    table = peers_top_k_all(peers_features(), k=5)

    assert set(table) == {t.ags for t in towns.values()}
    for town_ in towns.values():
        assert table[town_.ags] == [(p.ags, p.similarity) for p in peers_list(town_, limit=5)]


def test_cached_single_query_costs_one_database_query(towns, django_assert_num_queries):
    peers_list(towns["Barleben"])
    with django_assert_num_queries(1):  # the version check; scoring runs on the cached arrays
        peers_list(towns["Calw"])
