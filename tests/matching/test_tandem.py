"""Tandem matching: scores, hard constraints, stability, determinism (pure Python, no database)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import numpy as np
import pytest

from matching import tandem_matching
from matching.tandem_matching import (
    MENTEE,
    MENTEES_TAKEN,
    MENTOR,
    MENTORS_FULL,
    NO_ACCEPTABLE_MENTEE,
    NO_ACCEPTABLE_MENTOR,
    Applicant,
    TandemResult,
    acceptable_matrix,
    blocking_pairs,
    constraint_violation,
    deferred_acceptance,
    match_round,
    pair_score,
    score_matrix,
)
from municipalities.size_classes import SIZE_CLASS_ORDER

SIZE_CLASSES = [size_class.value for size_class in SIZE_CLASS_ORDER]
TOPIC_NAMES = {"digitale-verwaltung": "Digitale Verwaltung", "energie-klimaschutz": "Energie und Klimaschutz"}


def person(applicant_id: int, role: str, ags: str, name: str, population: int, **fields) -> Applicant:
    defaults = {
        "state": ags[:2],
        "size_class": "kleinstadt",
        "density": 300.0,
        "lat": 52.0,
        "lon": 11.0,
        "topics": frozenset(),
        "max_distance_km": None,
        "same_state_only": False,
        "partner_size_classes": frozenset(),
    }
    return Applicant(id=applicant_id, role=role, ags=ags, name=name, population=population, **(defaults | fields))


BARLEBEN = person(
    1,
    MENTEE,
    "15083040",
    "Barleben",
    9238,
    density=309.5,
    lat=52.2051,
    lon=11.6227,
    topics=frozenset({"digitale-verwaltung", "energie-klimaschutz"}),
)
MUSTERSTADT = person(
    11, MENTOR, "15083999", "Musterstadt", 8900, density=250.0, lat=52.25, lon=11.55,
    topics=frozenset({"digitale-verwaltung"}),
)  # fmt: skip
HEMMINGEN = person(
    12, MENTOR, "03241007", "Hemmingen", 18885, density=596.0, lat=52.3167, lon=9.7333,
    topics=frozenset({"digitale-verwaltung", "energie-klimaschutz"}),
)  # fmt: skip
MAGDEBURG = person(
    13, MENTOR, "15003000", "Magdeburg", 241_000, size_class="grossstadt", density=1200.0, lat=52.1315, lon=11.6399,
    topics=frozenset({"energie-klimaschutz"}),
)  # fmt: skip
CALW = person(
    14, MENTOR, "08235085", "Calw", 24448, size_class="mittelstadt", density=411.0, lat=48.7142, lon=8.7375,
    topics=frozenset({"kultur-tourismus"}),
)  # fmt: skip


# --- scoring ----------------------------------------------------------------------------------------


def test_scoring_table_orders_mentors_and_explains():
    scored = {m.name: pair_score(BARLEBEN, m, TOPIC_NAMES) for m in (MUSTERSTADT, HEMMINGEN, MAGDEBURG, CALW)}
    ranking = sorted(scored, key=lambda name: -scored[name][0])
    assert ranking == ["Hemmingen", "Musterstadt", "Magdeburg", "Calw"]
    assert all(0.0 <= score <= 1.0 for score, _ in scored.values())

    assert (
        scored["Hemmingen"][1][0] == "beide arbeiten an den Themen „Digitale Verwaltung“ und „Energie und Klimaschutz“"
    )
    assert "129 km entfernt" in scored["Hemmingen"][1]
    musterstadt = scored["Musterstadt"][1]
    assert musterstadt[0] == "beide arbeiten am Thema „Digitale Verwaltung“"
    assert "7 km entfernt, ebenfalls in Sachsen-Anhalt" in musterstadt
    assert "gleiche Größenklasse (Kleinstadt)" in musterstadt
    assert "ähnliche Einwohnerzahl (9.238 / 8.900)" in musterstadt
    # Far away, no shared topic: no distance or topic reason, only the weak size similarity.
    assert scored["Calw"][1][0] == "ähnliche Größenklasse (Kleinstadt / Mittelstadt)"
    assert not any("entfernt" in reason or "Thema" in reason for reason in scored["Calw"][1])


def test_reasons_fall_back_to_slug_and_state_code():
    mentor = replace(MUSTERSTADT, state="99")
    mentee = replace(BARLEBEN, state="99")
    _, reasons = pair_score(mentee, mentor, state_names={})
    assert reasons[0] == "beide arbeiten am Thema „digitale-verwaltung“"
    assert "7 km entfernt, ebenfalls in 99" in reasons


def test_mentee_topics_weigh_more_than_mentor_topics():
    broad = replace(
        MUSTERSTADT, topics=frozenset({"digitale-verwaltung", "energie-klimaschutz", "jugend", "bildung-kita"})
    )
    narrow = replace(MUSTERSTADT, topics=frozenset({"digitale-verwaltung", "energie-klimaschutz"}))
    half = replace(MUSTERSTADT, topics=frozenset({"digitale-verwaltung"}))
    broad_score, narrow_score, half_score = (pair_score(BARLEBEN, m)[0] for m in (broad, narrow, half))
    # Covering all of the mentee's topics beats covering half, even with many extra topics of the mentor.
    assert narrow_score > broad_score > half_score


def test_unknown_coordinates_and_density_are_neutral():
    unknown = replace(MUSTERSTADT, lat=None, lon=None, density=None)
    components = tandem_matching.score_components(BARLEBEN, unknown)
    assert components.distance == components.density == tandem_matching.NEUTRAL
    assert components.distance_km is None


# --- hard constraints -------------------------------------------------------------------------------


def test_acceptable_pair_has_no_violation():
    assert constraint_violation(BARLEBEN, MUSTERSTADT) is None


def test_distance_limit_of_either_side():
    mentee = replace(BARLEBEN, max_distance_km=50.0)
    assert (
        constraint_violation(mentee, HEMMINGEN)
        == "Barleben (Mentee) wünscht höchstens 50 km Entfernung, es sind 129 km"
    )
    mentor = replace(HEMMINGEN, max_distance_km=100.0)
    assert constraint_violation(BARLEBEN, mentor) == (
        "Hemmingen (Mentor:in) wünscht höchstens 100 km Entfernung, es sind 129 km"
    )
    assert constraint_violation(replace(BARLEBEN, max_distance_km=150.0), HEMMINGEN) is None


def test_missing_coordinates_violate_only_a_set_distance_limit():
    nowhere = replace(MUSTERSTADT, lat=None, lon=None)
    assert constraint_violation(BARLEBEN, nowhere) is None
    reason = constraint_violation(replace(BARLEBEN, max_distance_km=300.0), nowhere)
    assert reason == "Barleben (Mentee) wünscht höchstens 300 km Entfernung, Koordinaten fehlen"


def test_same_state_wish_of_either_side():
    assert constraint_violation(replace(BARLEBEN, same_state_only=True), MUSTERSTADT) is None
    reason = constraint_violation(replace(BARLEBEN, same_state_only=True), HEMMINGEN)
    assert reason == "Barleben (Mentee) sucht nur in Sachsen-Anhalt, Hemmingen liegt in Niedersachsen"
    reason = constraint_violation(BARLEBEN, replace(CALW, same_state_only=True))
    assert reason == "Calw (Mentor:in) sucht nur in Baden-Württemberg, Barleben liegt in Sachsen-Anhalt"


def test_partner_size_classes_of_either_side():
    mentee = replace(BARLEBEN, partner_size_classes=frozenset({"landgemeinde", "mittelstadt"}))
    assert constraint_violation(mentee, CALW) is None
    assert constraint_violation(mentee, MAGDEBURG) == (
        "Barleben (Mentee) sucht nur Landgemeinden oder Mittelstädte, Magdeburg ist eine Großstadt"
    )
    mentor = replace(MAGDEBURG, partner_size_classes=frozenset({"grossstadt"}))
    assert constraint_violation(BARLEBEN, mentor) == (
        "Magdeburg (Mentor:in) sucht nur Großstädte, Barleben ist eine Kleinstadt"
    )


def test_same_municipality_is_never_a_tandem():
    same = replace(MUSTERSTADT, ags=BARLEBEN.ags, name="Barleben")
    assert constraint_violation(BARLEBEN, same) == "beide Bewerbungen kommen aus derselben Gemeinde (Barleben)"


def test_applicant_validation():
    with pytest.raises(ValueError):
        replace(BARLEBEN, role="buddy")
    with pytest.raises(ValueError):
        replace(BARLEBEN, capacity=2)
    with pytest.raises(ValueError):
        replace(MUSTERSTADT, capacity=4)
    with pytest.raises(ValueError):
        replace(MUSTERSTADT, size_class="metropole")
    with pytest.raises(ValueError):
        match_round([BARLEBEN], [replace(MUSTERSTADT, id=BARLEBEN.id)])
    with pytest.raises(ValueError):
        match_round([MUSTERSTADT], [HEMMINGEN])


# --- random instances ---------------------------------------------------------------------------------

TOPICS = [
    "digitale-verwaltung",
    "energie-klimaschutz",
    "mobilitaet",
    "jugend",
    "finanzen-foerdermittel",
    "wohnen-bauen",
]
# Small pools make exact score ties common, so tie-breaking is exercised.
PLACES = [(52.2, 11.6), (52.3, 9.7), (48.7, 8.7), (51.3, 12.4), (53.6, 10.0), (52.2, 11.6)]
POPULATIONS = [800, 3_500, 9_238, 18_885, 60_000, 241_000]


def random_applicant(rng: random.Random, applicant_id: int, role: str, constraint_rate: float) -> Applicant:
    population = rng.choice(POPULATIONS)
    lat, lon = rng.choice(PLACES) if rng.random() > 0.05 else (None, None)
    state = rng.choice(["03", "08", "14", "15"])
    wants_sizes = rng.random() < constraint_rate / 2
    return Applicant(
        id=applicant_id,
        role=role,
        ags=f"{state}0000{rng.randint(0, 40):02d}",
        name=f"Gemeinde {applicant_id}",
        state=state,
        size_class=SIZE_CLASSES[rng.randint(0, 3)],
        population=population,
        density=rng.choice([None, 80.0, 250.0, 1200.0]),
        lat=lat,
        lon=lon,
        topics=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
        max_distance_km=rng.choice([100.0, 250.0, 400.0]) if rng.random() < constraint_rate else None,
        same_state_only=rng.random() < constraint_rate / 2,
        partner_size_classes=frozenset(rng.sample(SIZE_CLASSES, rng.randint(1, 3))) if wants_sizes else frozenset(),
        capacity=rng.randint(1, 3) if role == MENTOR else 1,
    )


def random_round(seed: int) -> tuple[list[Applicant], list[Applicant]]:
    rng = random.Random(seed)
    rate = rng.choice([0.0, 0.2, 0.5])
    mentees = [random_applicant(rng, i, MENTEE, rate) for i in rng.sample(range(1, 500), rng.randint(1, 40))]
    mentors = [random_applicant(rng, i, MENTOR, rate) for i in rng.sample(range(500, 900), rng.randint(1, 25))]
    return mentees, mentors


def assert_valid(mentees: list[Applicant], mentors: list[Applicant], result: TandemResult) -> None:
    mentee_ids = [p.mentee_id for p in result.pairs]
    assert len(mentee_ids) == len(set(mentee_ids)), "a mentee is matched twice"
    by_id = {a.id: a for a in [*mentees, *mentors]}
    for mentor in mentors:
        held = sum(1 for p in result.pairs if p.mentor_id == mentor.id)
        assert held <= mentor.capacity
        assert (mentor.id in result.unmatched) == (held < mentor.capacity)
    for p in result.pairs:
        assert constraint_violation(by_id[p.mentee_id], by_id[p.mentor_id]) is None
    assert {m.id for m in mentees} == set(mentee_ids) | {m.id for m in mentees if m.id in result.unmatched}
    assert not set(mentee_ids) & set(result.unmatched)


@pytest.mark.parametrize("seed", range(50))
def test_random_rounds_are_stable_and_respect_capacities(seed):
    mentees, mentors = random_round(seed)
    result = match_round(mentees, mentors)
    assert_valid(mentees, mentors, result)
    assert blocking_pairs(mentees, mentors, result) == []


@pytest.mark.parametrize("seed", range(10))
def test_shuffled_input_gives_identical_result(seed):
    mentees, mentors = random_round(seed)
    expected = match_round(mentees, mentors)
    rng = random.Random(seed)
    rng.shuffle(mentees)
    rng.shuffle(mentors)
    again = match_round(mentees, mentors)
    assert again.pairs == expected.pairs
    assert list(again.unmatched.items()) == list(expected.unmatched.items())


@pytest.mark.parametrize("seed", range(10))
def test_short_preference_heads_fall_back_to_full_order(seed, monkeypatch):
    mentees, mentors = random_round(100 + seed)
    expected = match_round(mentees, mentors)
    monkeypatch.setattr(tandem_matching, "HEAD_SIZE", 1)
    monkeypatch.setattr(tandem_matching, "BLOCK_ROWS", 3)
    assert match_round(mentees, mentors) == expected


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_scores_and_constraints_equal_scalar_reference(seed):
    rng = random.Random(seed)
    mentees = [random_applicant(rng, i, MENTEE, 0.4) for i in range(60)]
    mentors = [random_applicant(rng, 100 + i, MENTOR, 0.4) for i in range(45)]
    # Continuous values too, not only the tie-prone pools.
    mentees += [
        replace(
            a,
            id=1000 + a.id,
            lat=rng.uniform(47.3, 55.0),
            lon=rng.uniform(5.9, 15.0),
            population=rng.randint(300, 600_000),
        )
        for a in mentees[:30]
    ]
    scalar = np.array([[pair_score(e, r)[0] for r in mentors] for e in mentees])
    assert np.max(np.abs(score_matrix(mentees, mentors) - scalar)) <= 1e-9
    scalar_ok = np.array([[constraint_violation(e, r) is None for r in mentors] for e in mentees])
    assert (acceptable_matrix(mentees, mentors) == scalar_ok).all()


def stable_assignments(mentees: list[Applicant], mentors: list[Applicant]) -> list[dict[int, int]]:
    """Every stable assignment by brute force (tiny instances only)."""
    options = [[None, *(r.id for r in mentors if constraint_violation(e, r) is None)] for e in mentees]
    capacity = {r.id: r.capacity for r in mentors}
    found = []
    for choice in itertools.product(*options):
        taken = [c for c in choice if c is not None]
        if any(taken.count(r) > capacity[r] for r in set(taken)):
            continue
        pairs = [tandem_matching.Pair(e.id, c, 0.0, []) for e, c in zip(mentees, choice, strict=True) if c is not None]
        if not blocking_pairs(mentees, mentors, TandemResult(pairs, {})):
            found.append({p.mentee_id: p.mentor_id for p in pairs})
    return found


@pytest.mark.parametrize("seed", range(15))
def test_result_is_the_mentee_optimal_stable_assignment(seed):
    rng = random.Random(1000 + seed)
    mentees = [random_applicant(rng, i, MENTEE, 0.3) for i in range(1, rng.randint(2, 6))]
    mentors = [random_applicant(rng, 100 + i, MENTOR, 0.3) for i in range(1, rng.randint(2, 4))]
    ours = {p.mentee_id: p.mentor_id for p in match_round(mentees, mentors).pairs}
    stable = stable_assignments(mentees, mentors)
    assert ours in stable

    def key(mentee: Applicant, mentor_id: int | None) -> tuple[float, int]:
        if mentor_id is None:
            return (-1.0, 0)
        return (pair_score(mentee, next(r for r in mentors if r.id == mentor_id))[0], -mentor_id)

    for other in stable:
        assert all(key(e, ours.get(e.id)) >= key(e, other.get(e.id)) for e in mentees)


# --- unmatched reasons --------------------------------------------------------------------------------


def test_unmatched_without_any_acceptable_mentor():
    picky = replace(BARLEBEN, same_state_only=True)
    result = match_round([picky], [HEMMINGEN, CALW])
    assert result.pairs == []
    assert result.unmatched == {1: NO_ACCEPTABLE_MENTOR, 12: NO_ACCEPTABLE_MENTEE, 14: NO_ACCEPTABLE_MENTEE}


def test_unmatched_because_acceptable_mentors_are_full():
    rival = replace(BARLEBEN, id=2, ags="15083111", name="Rivalen", topics=frozenset({"digitale-verwaltung"}))
    result = match_round([BARLEBEN, rival], [HEMMINGEN])
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 12)]
    assert result.unmatched == {2: MENTORS_FULL}


def test_mentor_with_free_places_and_mentor_left_over():
    result = match_round([BARLEBEN], [replace(HEMMINGEN, capacity=3), MUSTERSTADT])
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 12)]
    assert result.unmatched == {12: "noch 2 Plätze frei: keine weitere passende Bewerbung", 11: MENTEES_TAKEN}


def test_pairs_carry_score_and_reasons_of_the_reference():
    result = match_round([BARLEBEN], [MUSTERSTADT], topic_names=TOPIC_NAMES)
    (pair,) = result.pairs
    score, reasons = pair_score(BARLEBEN, MUSTERSTADT, TOPIC_NAMES)
    assert pair.score == pytest.approx(score, abs=1e-9)
    assert pair.reasons == reasons


def test_equal_scores_break_ties_by_id():
    twin_a = replace(MUSTERSTADT, id=21, ags="15083021")
    twin_b = replace(MUSTERSTADT, id=20, ags="15083020")
    result = match_round([BARLEBEN], [twin_a, twin_b])
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(1, 20)]
    mentee_a = replace(BARLEBEN, id=3, ags="15083003")
    mentee_b = replace(BARLEBEN, id=2, ags="15083002")
    result = match_round([mentee_a, mentee_b], [MUSTERSTADT])
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [(2, 11)]


# --- deferred acceptance on textbook preferences ------------------------------------------------------


def run_textbook(proposer_prefs: list[list[int]], receiver_prefs: list[list[int]], capacities: list[int]) -> list[int]:
    rank = [{p: position for position, p in enumerate(prefs)} for prefs in receiver_prefs]
    return deferred_acceptance(proposer_prefs, lambda i, j: -rank[j][i], capacities)


def test_gale_shapley_1962_example():
    # Gale & Shapley, "College Admissions and the Stability of Marriage" (1962): men α, β, γ and women
    # A, B, C where every man's first choice ranks him last. Men proposing: each man gets his first
    # choice; women proposing: each woman gets hers.
    men = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]  # α: A > B > C, β: B > C > A, γ: C > A > B
    women = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]  # A: β > γ > α, B: γ > α > β, C: α > β > γ
    assert run_textbook(men, women, [1, 1, 1]) == [0, 1, 2]
    assert run_textbook(women, men, [1, 1, 1]) == [1, 2, 0]


def test_hospitals_residents_example_with_capacity():
    # Worked by hand: H1 (2 places) prefers r2 > r3 > r4 > r1, H2 (1 place) prefers r1 > r2 > r4 > r3.
    # r1 and r4 are pushed out of H1, r1 displaces r2 at H2, r2 displaces r4 at H1; r4 ends unmatched.
    residents = [[0, 1], [1, 0], [0, 1], [0, 1]]
    hospitals = [[1, 2, 3, 0], [0, 1, 3, 2]]
    assert run_textbook(residents, hospitals, [2, 1]) == [1, 0, 0, -1]


def test_incomplete_lists_leave_unacceptable_pairs_out():
    assert run_textbook([[0], [], [0]], [[2, 0]], [1]) == [-1, -1, 0]


@pytest.mark.parametrize("head_size", [1, 4, 16])
def test_preference_heads_are_prefixes_of_the_stable_order(head_size, monkeypatch):
    monkeypatch.setattr(tandem_matching, "HEAD_SIZE", head_size)
    keys = np.random.default_rng(head_size).integers(0, 6, size=(50, 200)).astype(float)
    keys[keys == 5] = np.inf  # unacceptable
    full = np.argsort(keys, axis=1, kind="stable").tolist()
    for head, order in zip(tandem_matching._heads(keys), full, strict=True):
        assert head == order[: len(head)]


def test_empty_sides():
    assert match_round([], []) == TandemResult([], {})
    assert match_round([BARLEBEN], []) == TandemResult([], {1: NO_ACCEPTABLE_MENTOR})
    assert match_round([], [MUSTERSTADT]) == TandemResult([], {11: NO_ACCEPTABLE_MENTEE})
