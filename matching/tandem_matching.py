"""Tandem-Programm: stable mentee/mentor assignment for one round (pure Python + numpy, no ORM).

Mentees (in office < 2 years) propose, mentors (≥ 5 years, 1–3 places) hold their best proposals:
mentee-proposing deferred acceptance (Gale–Shapley, hospitals/residents variant). The result is
stable (no blocking pair) and the best stable assignment for every mentee.

Preferences on both sides come from one symmetric score in [0, 1] (municipality similarity, topic
overlap, distance), restricted to pairs that meet both sides' hard constraints. ``pair_score`` is the
scalar reference; ``score_matrix`` is the vectorised version the matching uses, equal to within 1e-9.
Scores are quantised to 1e-9 in both so that ties break identically (by id) in either implementation.

Size classes, Länder and distances come from the register (``municipalities``); the size-class names
in the reasons are translatable labels, so reasons need Django's settings loaded (no database).
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from municipalities.geography import distance_km, haversine_km_matrix
from municipalities.size_classes import SIZE_CLASS_ORDER, SIZE_CLASS_PLURALS, SizeClass
from municipalities.states import State

MENTEE = "mentee"
MENTOR = "mentor"
ROLES = (MENTEE, MENTOR)
MAX_MENTOR_CAPACITY = 3

# Index in the register's size order (small → large); adjacent classes count as "similar size".
_SIZE_INDEX = {size_class.value: k for k, size_class in enumerate(SIZE_CLASS_ORDER)}
# Names of the Länder when the caller passes no state_names.
_STATE_NAMES: dict[str, str] = {state.value: state.label for state in State}

# Score weights, summing to 1. Topics dominate because a tandem works on concrete questions; a
# comparable municipality comes next (same problems, same administrative scale); distance matters
# least since tandems mostly meet online, but a nearby partner makes a visit realistic.
W_SIZE_CLASS = 0.15
W_POPULATION = 0.15
W_DENSITY = 0.05
W_TOPICS = 0.45
W_DISTANCE = 0.20

SIZE_ADJACENT = 0.5  # neighbouring size class: half as similar as the same class
POPULATION_SPAN = 2.0  # log10 difference at which population similarity reaches 0 (factor 100)
DENSITY_SPAN = 2.0  # the same for density
DENSITY_FLOOR = 0.1  # inhabitants/km², keeps log10 finite for empty or bogus values
TOPIC_COVERAGE_SHARE = 0.75  # share of "mentee's topics covered"; the rest is plain Jaccard
DISTANCE_SCALE_KM = 150.0  # closeness = exp(-d / 150): 1 at 0 km, ~0.5 at 100 km, ~0.14 at 300 km
NEUTRAL = 0.5  # unknown density or coordinates: neither reward nor punish

SCORE_QUANTUM = 1e9  # scores are rounded to 1e-9 so scalar and vector ties coincide

# Reasons are only stated for components that really carry the score.
REASON_POPULATION_MIN = 0.85  # within a factor of ~1.5
REASON_DENSITY_MIN = 0.85
REASON_DISTANCE_MAX_KM = 150.0

BLOCK_ROWS = 256  # mentee rows per vectorised block: bounds temporary memory to a few MB
HEAD_SIZE = 16  # preferences sorted up front per mentee; deferred acceptance rarely needs more

NO_ACCEPTABLE_MENTOR = "keine Mentorin/kein Mentor erfüllt die Bedingungen (Entfernung, Bundesland, Größe)"
MENTORS_FULL = "alle passenden Mentor:innen sind mit besser passenden Tandems ausgelastet"
NO_ACCEPTABLE_MENTEE = "keine Bewerbung als Mentee erfüllt die Bedingungen (Entfernung, Bundesland, Größe)"
MENTEES_TAKEN = "alle passenden Mentees haben ein besser passendes Tandem gefunden"


@dataclass(frozen=True)
class Applicant:
    id: int
    role: str
    ags: str
    name: str
    state: str
    size_class: str
    population: int
    density: float | None
    lat: float | None
    lon: float | None
    topics: frozenset[str]
    max_distance_km: float | None
    same_state_only: bool
    partner_size_classes: frozenset[str]
    capacity: int = 1

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.size_class not in _SIZE_INDEX:
            raise ValueError(f"unknown size class {self.size_class!r}")
        if not self.partner_size_classes.issubset(_SIZE_INDEX):
            raise ValueError(f"unknown partner size classes {sorted(self.partner_size_classes)}")
        highest = MAX_MENTOR_CAPACITY if self.role == MENTOR else 1
        if not 1 <= self.capacity <= highest:
            raise ValueError(f"capacity of a {self.role} must be between 1 and {highest}")


@dataclass
class Pair:
    mentee_id: int
    mentor_id: int
    score: float
    reasons: list[str]


@dataclass
class TandemResult:
    pairs: list[Pair]
    unmatched: dict[int, str]


# --- scalar reference -------------------------------------------------------------------------------


def _label(applicant: Applicant) -> str:
    return f"{applicant.name} ({'Mentee' if applicant.role == MENTEE else 'Mentor:in'})"


def _size_name(size_class: str) -> str:
    return str(SizeClass(size_class).label)


def _size_names(size_classes: Iterable[str]) -> str:
    names = [str(SIZE_CLASS_PLURALS[c.value]) for c in SIZE_CLASS_ORDER if c.value in size_classes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " oder " + names[-1]


def _distance_violation(side: Applicant, distance: float | None) -> str | None:
    if side.max_distance_km is None:
        return None
    limit = _de_int(side.max_distance_km)
    if distance is None:
        return f"{_label(side)} wünscht höchstens {limit} km Entfernung, Koordinaten fehlen"
    if distance > side.max_distance_km:
        return f"{_label(side)} wünscht höchstens {limit} km Entfernung, es sind {_de_int(distance)} km"
    return None


def _state_violation(side: Applicant, other: Applicant, state_names: Mapping[str, str]) -> str | None:
    if not side.same_state_only or side.state == other.state:
        return None
    own, theirs = state_names.get(side.state, side.state), state_names.get(other.state, other.state)
    return f"{_label(side)} sucht nur in {own}, {other.name} liegt in {theirs}"


def _size_violation(side: Applicant, other: Applicant) -> str | None:
    if not side.partner_size_classes or other.size_class in side.partner_size_classes:
        return None
    wanted = _size_names(side.partner_size_classes)
    return f"{_label(side)} sucht nur {wanted}, {other.name} ist eine {_size_name(other.size_class)}"


def constraint_violation(
    mentee: Applicant, mentor: Applicant, state_names: Mapping[str, str] | None = None
) -> str | None:
    """The first hard constraint the pair breaks, as a German sentence, or None if the pair is acceptable."""
    if mentee.ags == mentor.ags:
        return f"beide Bewerbungen kommen aus derselben Gemeinde ({mentee.name})"
    names = _STATE_NAMES if state_names is None else state_names
    distance = distance_km(mentee, mentor)
    for side, other in ((mentee, mentor), (mentor, mentee)):
        reason = (
            _distance_violation(side, distance) or _state_violation(side, other, names) or _size_violation(side, other)
        )
        if reason:
            return reason
    return None


class Components(NamedTuple):
    size_class: float
    population: float
    density: float
    topics: float
    distance: float
    distance_km: float | None
    shared_topics: frozenset[str]


def _log_closeness(a: float, b: float, span: float) -> float:
    return max(0.0, 1.0 - abs(math.log10(a) - math.log10(b)) / span)


def _size_component(mentee_size: int, mentor_size: int) -> float:
    gap = abs(mentee_size - mentor_size)
    return 1.0 if gap == 0 else SIZE_ADJACENT if gap == 1 else 0.0


def _topic_component(shared: int, mentee_count: int, mentor_count: int) -> float:
    union = mentee_count + mentor_count - shared
    coverage = shared / mentee_count if mentee_count else 0.0
    jaccard = shared / union if union else 0.0
    return TOPIC_COVERAGE_SHARE * coverage + (1.0 - TOPIC_COVERAGE_SHARE) * jaccard


def score_components(mentee: Applicant, mentor: Applicant) -> Components:
    size = _size_component(_SIZE_INDEX[mentee.size_class], _SIZE_INDEX[mentor.size_class])
    population = _log_closeness(max(mentee.population, 1), max(mentor.population, 1), POPULATION_SPAN)
    if mentee.density is None or mentor.density is None:
        density = NEUTRAL
    else:
        density = _log_closeness(max(mentee.density, DENSITY_FLOOR), max(mentor.density, DENSITY_FLOOR), DENSITY_SPAN)
    shared = mentee.topics & mentor.topics
    topics = _topic_component(len(shared), len(mentee.topics), len(mentor.topics))
    km = distance_km(mentee, mentor)
    closeness = NEUTRAL if km is None else math.exp(-km / DISTANCE_SCALE_KM)
    return Components(size, population, density, topics, closeness, km, frozenset(shared))


def _quantise(value: float) -> float:
    return math.floor(value * SCORE_QUANTUM + 0.5) / SCORE_QUANTUM


def _total(c: Components) -> float:
    # Same summation order as _score_block, so both round the same way.
    total = W_SIZE_CLASS * c.size_class + W_POPULATION * c.population + W_DENSITY * c.density
    return _quantise(total + W_TOPICS * c.topics + W_DISTANCE * c.distance)


def _de_int(value: float) -> str:
    """German thousands separator: 9238 → "9.238"."""
    return f"{round(value):,}".replace(",", ".")


def _quoted_list(names: list[str]) -> str:
    quoted = [f"„{name}“" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " und " + quoted[-1]


def _topic_reason(shared: frozenset[str], topic_names: Mapping[str, str]) -> str:
    names = sorted(topic_names.get(slug, slug) for slug in shared)
    noun = "am Thema" if len(names) == 1 else "an den Themen"
    return f"beide arbeiten {noun} {_quoted_list(names)}"


def _size_reason(mentee: Applicant, mentor: Applicant, c: Components) -> str | None:
    if c.size_class == 1.0:
        return f"gleiche Größenklasse ({_size_name(mentee.size_class)})"
    if c.size_class > 0.0:
        return f"ähnliche Größenklasse ({_size_name(mentee.size_class)} / {_size_name(mentor.size_class)})"
    return None


def _distance_reason(mentee: Applicant, mentor: Applicant, c: Components, state_names: Mapping[str, str]) -> str | None:
    parts = []
    if c.distance_km is not None and c.distance_km <= REASON_DISTANCE_MAX_KM:
        parts.append("unter 1 km entfernt" if c.distance_km < 1 else f"{_de_int(c.distance_km)} km entfernt")
    if mentee.state == mentor.state:
        parts.append(f"ebenfalls in {state_names.get(mentor.state, mentor.state)}")
    return ", ".join(parts) or None


def _reasons(
    mentee: Applicant,
    mentor: Applicant,
    c: Components,
    topic_names: Mapping[str, str],
    state_names: Mapping[str, str],
) -> list[str]:
    """Reasons ordered by how much their component adds to the score; weak components stay silent."""
    candidates: list[tuple[float, str | None]] = [
        (W_TOPICS * c.topics, _topic_reason(c.shared_topics, topic_names) if c.shared_topics else None),
        (W_SIZE_CLASS * c.size_class, _size_reason(mentee, mentor, c)),
        (W_DISTANCE * c.distance, _distance_reason(mentee, mentor, c, state_names)),
    ]
    if c.population >= REASON_POPULATION_MIN:
        pops = f"{_de_int(mentee.population)} / {_de_int(mentor.population)}"
        candidates.append((W_POPULATION * c.population, f"ähnliche Einwohnerzahl ({pops})"))
    if mentee.density is not None and mentor.density is not None and c.density >= REASON_DENSITY_MIN:
        dens = f"{_de_int(mentee.density)} / {_de_int(mentor.density)} Einw./km²"
        candidates.append((W_DENSITY * c.density, f"ähnliche Siedlungsdichte ({dens})"))
    ranked = sorted((item for item in candidates if item[1]), key=lambda item: -item[0])  # stable on ties
    return [text for _, text in ranked if text]


def pair_score(
    mentee: Applicant,
    mentor: Applicant,
    topic_names: Mapping[str, str] | None = None,
    state_names: Mapping[str, str] | None = None,
) -> tuple[float, list[str]]:
    """Reference score in [0, 1] with German reasons. Ignores hard constraints (see constraint_violation)."""
    c = score_components(mentee, mentor)
    names = _STATE_NAMES if state_names is None else state_names
    return _total(c), _reasons(mentee, mentor, c, topic_names or {}, names)


# --- vectorised scores and constraints ----------------------------------------------------------------


@dataclass
class _Features:
    """Column arrays of one side; NaN stands for unknown."""

    size: np.ndarray
    log_pop: np.ndarray
    log_density: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    topics: np.ndarray  # bool (n, vocabulary)
    topic_count: np.ndarray
    ags: np.ndarray
    state: np.ndarray
    max_distance: np.ndarray  # inf = any
    same_state_only: np.ndarray
    partner_sizes: np.ndarray  # bitmask over the size classes (SIZE_CLASS_ORDER); all bits set = any

    def rows(self, start: int, stop: int) -> _Features:
        return _Features(**{name: getattr(self, name)[start:stop] for name in self.__dataclass_fields__})


def _size_mask(size_classes: frozenset[str]) -> int:
    if not size_classes:
        return (1 << len(_SIZE_INDEX)) - 1
    return sum(1 << _SIZE_INDEX[c] for c in size_classes)


def _features(applicants: Sequence[Applicant], vocabulary: Mapping[str, int], codes: Mapping[str, int]) -> _Features:
    def column(values: Iterable[Any], dtype: Any) -> np.ndarray:
        return np.fromiter(values, dtype=dtype, count=len(applicants))

    topics = np.zeros((len(applicants), len(vocabulary)), dtype=bool)
    for row, a in enumerate(applicants):
        topics[row, [vocabulary[t] for t in a.topics]] = True
    nan = math.nan
    return _Features(
        size=column((_SIZE_INDEX[a.size_class] for a in applicants), np.int64),
        log_pop=np.log10(column((max(a.population, 1) for a in applicants), np.float64)),
        log_density=np.log10(
            column((nan if a.density is None else max(a.density, DENSITY_FLOOR) for a in applicants), np.float64)
        ),
        lat=column((nan if a.lat is None or a.lon is None else a.lat for a in applicants), np.float64),
        lon=column((nan if a.lat is None or a.lon is None else a.lon for a in applicants), np.float64),
        topics=topics,
        topic_count=column((len(a.topics) for a in applicants), np.int64),
        ags=column((codes[a.ags] for a in applicants), np.int64),
        state=column((codes[a.state] for a in applicants), np.int64),
        max_distance=column((math.inf if a.max_distance_km is None else a.max_distance_km for a in applicants), float),
        same_state_only=column((a.same_state_only for a in applicants), bool),
        partner_sizes=column((_size_mask(a.partner_size_classes) for a in applicants), np.int64),
    )


def _both_features(mentees: Sequence[Applicant], mentors: Sequence[Applicant]) -> tuple[_Features, _Features]:
    everyone = [*mentees, *mentors]
    vocabulary = {slug: i for i, slug in enumerate(sorted({t for a in everyone for t in a.topics}))}
    # One integer code per AGS and per state string, so equality tests are integer comparisons.
    labels = sorted({a.ags for a in everyone} | {a.state for a in everyone})
    codes = {label: i for i, label in enumerate(labels)}
    return _features(mentees, vocabulary, codes), _features(mentors, vocabulary, codes)


def _distance_matrix(e: _Features, r: _Features) -> np.ndarray:
    return haversine_km_matrix(e.lat, e.lon, r.lat, r.lon)


def _log_closeness_matrix(a: np.ndarray, b: np.ndarray, span: float) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(a[:, None] - b[None, :]) / span)


@functools.cache
def _size_table() -> np.ndarray:
    n = len(_SIZE_INDEX)
    return np.array([_size_component(i // n, i % n) for i in range(n * n)])


@functools.cache
def _topic_table(most: int) -> np.ndarray:
    """Topic component for every (shared, mentee count, mentor count), flattened; built with the scalar
    formula, so the vectorised values are bit-identical. Cubic in the largest topic count (≈ 20 here)."""
    n = most + 1
    return np.array([_topic_component(i // (n * n), i // n % n, i % n) for i in range(n**3)])


def _score_block(e: _Features, r: _Features, km: np.ndarray) -> np.ndarray:
    size = _size_table().take(e.size[:, None] * len(_SIZE_INDEX) + r.size[None, :])
    population = _log_closeness_matrix(e.log_pop, r.log_pop, POPULATION_SPAN)
    density = _log_closeness_matrix(e.log_density, r.log_density, DENSITY_SPAN)
    density = np.where(np.isnan(density), NEUTRAL, density)
    # Shared-topic counts are small integers, exact in float32 BLAS; the component is a table lookup.
    shared = (e.topics.astype(np.float32) @ r.topics.T.astype(np.float32)).astype(np.int64)
    n = int(max(e.topic_count.max(initial=0), r.topic_count.max(initial=0))) + 1
    topics = _topic_table(n - 1).take((shared * n + e.topic_count[:, None]) * n + r.topic_count[None, :])
    closeness = np.where(np.isnan(km), NEUTRAL, np.exp(-km / DISTANCE_SCALE_KM))
    total = W_SIZE_CLASS * size + W_POPULATION * population + W_DENSITY * density
    total = total + W_TOPICS * topics + W_DISTANCE * closeness
    return np.floor(total * SCORE_QUANTUM + 0.5) / SCORE_QUANTUM


def _acceptable_block(e: _Features, r: _Features, km: np.ndarray) -> np.ndarray:
    limit = np.minimum(e.max_distance[:, None], r.max_distance[None, :])
    # NaN (unknown distance) fails "<= limit" unless no limit is set at all.
    ok = (km <= limit) | np.isinf(limit)
    ok &= e.ags[:, None] != r.ags[None, :]
    same_state = e.state[:, None] == r.state[None, :]
    ok &= same_state | ~(e.same_state_only[:, None] | r.same_state_only[None, :])
    ok &= ((e.partner_sizes[:, None] >> r.size[None, :]) & 1).astype(bool)
    ok &= ((r.partner_sizes[None, :] >> e.size[:, None]) & 1).astype(bool)
    return ok


def score_matrix(mentees: Sequence[Applicant], mentors: Sequence[Applicant]) -> np.ndarray:
    """Vectorised pair_score for all pairs: float64 array (len(mentees), len(mentors)) in input order."""
    e, r = _both_features(mentees, mentors)
    return _score_block(e, r, _distance_matrix(e, r))


def acceptable_matrix(mentees: Sequence[Applicant], mentors: Sequence[Applicant]) -> np.ndarray:
    """Vectorised ``constraint_violation(...) is None`` for all pairs, in input order."""
    e, r = _both_features(mentees, mentors)
    return _acceptable_block(e, r, _distance_matrix(e, r))


# --- deferred acceptance ---------------------------------------------------------------------------


def deferred_acceptance(
    proposals: Sequence[Sequence[int]],
    priority: Callable[[int, int], Any],
    capacities: Sequence[int],
) -> list[int]:
    """Mentee-proposing deferred acceptance with mentor capacities.

    ``proposals[i]`` lists the mentors mentee i accepts, best first (only mutually acceptable ones);
    ``priority(i, j)`` is mentor j's strict, comparable preference for mentee i (higher is better).
    Returns the mentor index per mentee, -1 for unmatched. Every mentor keeps a min-heap of the
    proposals it holds, so replacing its worst is O(log capacity); the loop is O(total proposals).
    """
    assigned = [-1] * len(proposals)
    next_choice = [0] * len(proposals)
    held: list[list[tuple[Any, int]]] = [[] for _ in capacities]
    free = list(range(len(proposals) - 1, -1, -1))  # popped in index order; the result does not depend on it
    while free:
        i = free.pop()
        k = next_choice[i]
        if k >= len(proposals[i]):
            continue  # list exhausted: stays unmatched
        j = int(proposals[i][k])
        next_choice[i] = k + 1
        offer = (priority(i, j), i)
        heap = held[j]
        if len(heap) < capacities[j]:
            heapq.heappush(heap, offer)
            assigned[i] = j
        elif offer[0] > heap[0][0]:
            rejected = heapq.heapreplace(heap, offer)[1]
            assigned[i], assigned[rejected] = j, -1
            free.append(rejected)
        else:
            free.append(i)
    return assigned


# --- round ---------------------------------------------------------------------------------------


def _check_round(mentees: Sequence[Applicant], mentors: Sequence[Applicant]) -> None:
    if any(a.role != MENTEE for a in mentees) or any(a.role != MENTOR for a in mentors):
        raise ValueError("mentees and mentors must carry the matching role")
    ids = [a.id for a in (*mentees, *mentors)]
    if len(set(ids)) != len(ids):
        raise ValueError("applicant ids must be unique across mentees and mentors")


class _Ranking(Sequence[int]):
    """One mentee's acceptable mentors, best first (ties: lower index = lower id). Only a short head is
    sorted up front; the full order is computed the first time deferred acceptance runs past it."""

    __slots__ = ("_count", "_keys", "_order")

    def __init__(self, keys: np.ndarray, count: int, head: list[int]) -> None:
        self._keys, self._count, self._order = keys, count, head

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, k: int) -> int:  # type: ignore[override]
        if k >= self._count:
            raise IndexError(k)
        if k >= len(self._order):
            self._order = np.argsort(self._keys, kind="stable")[: self._count].tolist()
        return self._order[k]


def _heads(keys: np.ndarray) -> list[list[int]]:
    """The first HEAD_SIZE entries of every row's stable ascending order, cut before any key tied with
    an entry outside the head (argpartition does not keep ties in index order)."""
    if keys.shape[1] <= HEAD_SIZE:
        return np.argsort(keys, axis=1, kind="stable").tolist()
    part = np.argpartition(keys, HEAD_SIZE, axis=1)
    head, pivot = part[:, :HEAD_SIZE], np.take_along_axis(keys, part[:, HEAD_SIZE:], axis=1)[:, :1]
    head_keys = np.take_along_axis(keys, head, axis=1)
    order = np.lexsort((head, head_keys), axis=1)
    head, head_keys = np.take_along_axis(head, order, axis=1), np.take_along_axis(head_keys, order, axis=1)
    safe = (head_keys < pivot).sum(axis=1)
    return [row[:cut] for row, cut in zip(head.tolist(), safe.tolist(), strict=True)]


def _preferences(e: _Features, r: _Features) -> tuple[np.ndarray, list[_Ranking], np.ndarray]:
    """Sort keys (-score, +inf where unacceptable), every mentee's ranking of acceptable mentors and
    whether each mentor is acceptable to anyone. Works in row blocks to bound temporary memory."""
    n_e, n_r = len(e.size), len(r.size)
    keys = np.empty((n_e, n_r))
    rankings: list[_Ranking] = []
    wanted = np.zeros(n_r, dtype=bool)
    for start in range(0, n_e, BLOCK_ROWS):
        block = e.rows(start, min(start + BLOCK_ROWS, n_e))
        km = _distance_matrix(block, r)
        ok = _acceptable_block(block, r, km)
        stop = start + len(block.size)
        keys[start:stop] = np.where(ok, -_score_block(block, r, km), np.inf)
        wanted |= ok.any(axis=0)
        counts = ok.sum(axis=1).tolist()
        for i, count, head in zip(range(start, stop), counts, _heads(keys[start:stop]), strict=True):
            rankings.append(_Ranking(keys[i], count, head[:count]))
    return keys, rankings, wanted


def _mentor_reason(held: int, capacity: int, wanted: bool) -> str:
    if not wanted:
        return NO_ACCEPTABLE_MENTEE
    if held == 0:
        return MENTEES_TAKEN
    places = "1 Platz" if capacity - held == 1 else f"{capacity - held} Plätze"
    return f"noch {places} frei: keine weitere passende Bewerbung"


def match_round(
    mentees: Iterable[Applicant],
    mentors: Iterable[Applicant],
    topic_names: Mapping[str, str] | None = None,
    state_names: Mapping[str, str] | None = None,
) -> TandemResult:
    """Stable, mentee-optimal tandem assignment. Same applicants in any order give the same result."""
    mentees = sorted(mentees, key=lambda a: a.id)
    mentors = sorted(mentors, key=lambda a: a.id)
    _check_round(mentees, mentors)
    e, r = _both_features(mentees, mentors)
    keys, proposals, wanted = _preferences(e, r)
    # Mentor priority: higher score first, then lower id (= lower index, hence -i). Keys hold -score.
    assigned = deferred_acceptance(proposals, lambda i, j: (-keys.item(i, j), -i), [m.capacity for m in mentors])

    pairs, unmatched, held = [], {}, [0] * len(mentors)
    for i, j in enumerate(assigned):
        if j < 0:
            unmatched[mentees[i].id] = MENTORS_FULL if len(proposals[i]) else NO_ACCEPTABLE_MENTOR
            continue
        held[j] += 1
        _, reasons = pair_score(mentees[i], mentors[j], topic_names, state_names)
        pairs.append(Pair(mentees[i].id, mentors[j].id, -keys.item(i, j), reasons))
    for j, mentor in enumerate(mentors):
        if held[j] < mentor.capacity:
            unmatched[mentor.id] = _mentor_reason(held[j], mentor.capacity, bool(wanted[j]))
    return TandemResult(pairs=pairs, unmatched=unmatched)


def blocking_pairs(
    mentees: Iterable[Applicant], mentors: Iterable[Applicant], result: TandemResult
) -> list[tuple[int, int]]:
    """(mentee id, mentor id) pairs that would both rather be together than with their assignment.

    Uses the scalar reference (pair_score, constraint_violation), independent of the vectorised path;
    O(mentees × mentors) in pure Python, so meant for tests and moderate instances.
    """
    mentor_of = {p.mentee_id: p.mentor_id for p in result.pairs}
    by_id = {m.id: m for m in mentors}
    mentees_by_id = {m.id: m for m in mentees}
    held: dict[int, list[int]] = {}
    for p in result.pairs:
        held.setdefault(p.mentor_id, []).append(p.mentee_id)

    def score(mentee_id: int, mentor_id: int) -> float:
        return _total(score_components(mentees_by_id[mentee_id], by_id[mentor_id]))

    found = []
    for mentee in sorted(mentees_by_id.values(), key=lambda a: a.id):
        current = mentor_of.get(mentee.id)
        current_key = (score(mentee.id, current), -current) if current is not None else None
        for mentor in sorted(by_id.values(), key=lambda a: a.id):
            if mentor.id == current or constraint_violation(mentee, mentor) is not None:
                continue
            s = score(mentee.id, mentor.id)
            if current_key is not None and current_key >= (s, -mentor.id):
                continue
            holders = held.get(mentor.id, [])
            if len(holders) < mentor.capacity or (s, -mentee.id) > min((score(h, mentor.id), -h) for h in holders):
                found.append((mentee.id, mentor.id))
    return found
