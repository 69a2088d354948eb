"""Explainable similarity between municipalities ("Kommunen wie wir"), on plain numpy arrays.

The score is a weighted mean of per-feature similarities, each in [0, 1]. Only features known for
*both* municipalities count (numerator and denominator), so a missing value never punishes a
pair, the score stays in [0, 1], and every term is symmetric in (i, j).

No ORM here: ``matching.peers`` loads the register into a ``Features`` and these functions
do the arithmetic, so benchmarks and tests can run the maths on any array. Size classes and Länder
are the register's vocabularies (``municipalities``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from municipalities.size_classes import SIZE_CLASS_ORDER
from municipalities.states import State

# Weights: size and settlement structure decide most of what a town's administration can do and
# which solutions transfer, hence population and density weigh most. The same Land means the same
# municipal law and funding programmes, so it weighs more than the same district (which implies it
# anyway). What a town already works on (topics of its live cases) is a strong hint of shared
# problems, but only a minority of towns have cases, so it counts only where both have some.
W_POPULATION = 3.0
W_DENSITY = 2.0
W_AREA = 1.0
W_SIZE_CLASS = 1.0
W_URBANISATION = 1.0
W_STATE = 2.0
W_DISTRICT = 1.0
W_ORTSTEILE = 0.5
W_TOPICS = 2.0

FEATURE_WEIGHTS: dict[str, float] = {
    "population": W_POPULATION,
    "density": W_DENSITY,
    "area": W_AREA,
    "size_class": W_SIZE_CLASS,
    "urbanisation": W_URBANISATION,
    "state": W_STATE,
    "district": W_DISTRICT,
    "ortsteile": W_ORTSTEILE,
    "topics": W_TOPICS,
}

# exp(-SHARPNESS·|Δz|): with 2, a population ratio of 1.3 still scores ≈ 0.75, a ratio of 2 ≈ 0.45.
SHARPNESS = 2.0
# A numeric feature becomes a reason only from this per-feature similarity on ("ähnlich" must be true).
REASON_MIN_SIMILARITY = 0.7
MAX_REASONS = 4
SIZE_CLASS_SPAN = len(SIZE_CLASS_ORDER) - 1  # size classes are indices into SIZE_CLASS_ORDER
URBANISATION_SPAN = 2  # codes 1 … 3

URBANISATION_REASONS = (
    "",
    "ebenfalls dicht besiedelt",
    "ebenfalls mit mittlerer Besiedlungsdichte",
    "ebenfalls gering besiedelt",
)

_NUMERIC = ("population", "density", "area", "ortsteile")


def _zscore(values: np.ndarray) -> np.ndarray:
    """z-scores over the known (non-NaN) values; NaN stays NaN."""
    known = values[~np.isnan(values)]
    if known.size == 0:
        return np.full_like(values, np.nan)
    std = known.std()
    return (values - known.mean()) / (std if std > 0 else 1.0)


def _ids(codes: list[str]) -> np.ndarray:
    """Codes as small integers (equality on ints is fast in blocks); "" becomes -1."""
    lookup = {code: k for k, code in enumerate(sorted(set(codes) - {""}))}
    return np.array([lookup.get(code, -1) for code in codes], dtype=np.int32)


@dataclass(frozen=True, eq=False)
class Features:
    """The register as aligned arrays, sorted by AGS (so index order breaks ties by AGS)."""

    ags: list[str]
    names: list[str]
    states: list[str]  # "15", …
    district_codes: list[str]  # "" when unknown
    district_names: list[str]
    population: np.ndarray  # float
    area: np.ndarray  # km², NaN when unknown
    density: np.ndarray  # inhabitants per km², NaN when area unknown
    size_class: np.ndarray  # index into SIZE_CLASS_ORDER
    urbanisation: np.ndarray  # 1 … 3, 0 = unknown
    ortsteile: np.ndarray  # float, NaN when unknown
    topics: np.ndarray  # bool n × T
    topic_slugs: list[str]
    # Derived: z-scores of the logs, integer ids for fast equality, topics per municipality.
    z: dict[str, np.ndarray] = field(repr=False)
    state_ids: np.ndarray = field(repr=False)
    district_ids: np.ndarray = field(repr=False)  # -1 when unknown
    topic_counts: np.ndarray = field(repr=False)
    index: dict[str, int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.ags)


def build_features(
    *,
    ags: Sequence[str],
    names: Sequence[str],
    states: Sequence[str],
    district_codes: Sequence[str],
    district_names: Sequence[str],
    population: Sequence[float],
    area: Sequence[float | None],
    size_class: Sequence[int],
    urbanisation: Sequence[int],
    ortsteile: Sequence[float | None],
    topics: np.ndarray | None = None,
    topic_slugs: Sequence[str] = (),
) -> Features:
    """Aligns, sorts by AGS and standardises (z-scores of the logs over the whole register)."""
    order = sorted(range(len(ags)), key=lambda k: ags[k])
    pick = np.asarray(order, dtype=np.intp)

    def floats(values: Sequence[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)[pick]

    pop = floats(population)
    area_arr = floats(area)
    area_arr[~(area_arr > 0)] = np.nan  # 0 km² is a data error, not a tiny town
    density = pop / area_arr
    ortsteile_arr = floats(ortsteile)
    if topics is None:
        topics = np.zeros((len(ags), len(topic_slugs)), dtype=bool)
    topic_matrix = np.asarray(topics, dtype=bool).reshape(len(ags), len(topic_slugs))[pick]
    sorted_ags = [ags[k] for k in order]
    sorted_states = [states[k] for k in order]
    sorted_districts = [district_codes[k] or "" for k in order]
    z = {
        # max(…, 1) keeps log finite for empty places; such towns are outliers either way.
        "population": _zscore(np.log(np.maximum(pop, 1.0))),
        "density": _zscore(np.log(np.maximum(density, 1.0))),
        "area": _zscore(np.log(np.maximum(area_arr, 0.01))),
        "ortsteile": _zscore(np.log1p(ortsteile_arr)),
    }
    return Features(
        ags=sorted_ags,
        names=[names[k] for k in order],
        states=sorted_states,
        district_codes=sorted_districts,
        district_names=[district_names[k] for k in order],
        population=pop,
        area=area_arr,
        density=density,
        size_class=np.asarray(size_class, dtype=np.int8)[pick],
        urbanisation=np.asarray(urbanisation, dtype=np.int8)[pick],
        ortsteile=ortsteile_arr,
        topics=topic_matrix,
        topic_slugs=list(topic_slugs),
        z=z,
        state_ids=_ids(sorted_states),
        district_ids=_ids(sorted_districts),
        topic_counts=topic_matrix.sum(axis=1).astype(np.float32),
        index={a: k for k, a in enumerate(sorted_ags)},
    )


def peer_candidates(features: Features, i: int) -> np.ndarray:
    """Indices of the municipalities in i's size class ±1, without i itself (ascending = AGS order)."""
    mask = np.abs(features.size_class.astype(np.int16) - int(features.size_class[i])) <= 1
    mask[i] = False
    return np.flatnonzero(mask)


def similarity_block(features: Features, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Similarity of every row municipality to every column municipality (len(rows) × len(cols)).

    Every term is symmetric and they are added in a fixed order, so block[i, j] == block[j, i].
    """
    rows = np.asarray(rows, dtype=np.intp)
    cols = np.asarray(cols, dtype=np.intp)
    total = np.zeros((len(rows), len(cols)))
    weight = np.zeros_like(total)

    def add(name: str, sim: np.ndarray, known: np.ndarray | None = None) -> None:
        w = FEATURE_WEIGHTS[name]
        if known is None:  # known for every pair
            np.add(total, w * sim, out=total)
            np.add(weight, w, out=weight)
        else:
            np.add(total, np.where(known, w * sim, 0.0), out=total)
            np.add(weight, w * known, out=weight)

    def pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return values[rows][:, None], values[cols][None, :]

    for name in _NUMERIC:
        z_r, z_c = pairs(features.z[name])
        delta = np.abs(z_r - z_c)
        known = ~np.isnan(delta)
        add(name, np.exp(-SHARPNESS * np.where(known, delta, 0.0)), known)
    sc_r, sc_c = pairs(features.size_class.astype(np.int16))
    add("size_class", 1.0 - np.abs(sc_r - sc_c) / SIZE_CLASS_SPAN)
    urb_r, urb_c = pairs(features.urbanisation.astype(np.int16))
    add("urbanisation", 1.0 - np.abs(urb_r - urb_c) / URBANISATION_SPAN, (urb_r > 0) & (urb_c > 0))
    state_r, state_c = pairs(features.state_ids)
    add("state", (state_r == state_c).astype(float))
    dist_r, dist_c = pairs(features.district_ids)
    add("district", (dist_r == dist_c).astype(float), (dist_r >= 0) & (dist_c >= 0))
    if features.topics.shape[1]:
        t = features.topics.astype(np.float32)
        inter = (t[rows] @ t[cols].T).astype(float)  # small integers: exact in float32
        cnt_r, cnt_c = pairs(features.topic_counts)
        known = (cnt_r > 0) & (cnt_c > 0)
        add("topics", inter / np.where(known, cnt_r + cnt_c - inter, 1.0), known)
    return total / weight


def similarity_row(features: Features, i: int, candidates: np.ndarray) -> np.ndarray:
    """Similarity of municipality i to each candidate (vectorised; same maths as the block)."""
    return similarity_block(features, np.array([i]), candidates)[0]


def _feature_similarities(features: Features, i: int, j: int) -> dict[str, float]:
    """Per-feature similarity for the features known for both, computed with scalar maths."""
    sims: dict[str, float] = {}
    for name in _NUMERIC:
        zi, zj = float(features.z[name][i]), float(features.z[name][j])
        if not (math.isnan(zi) or math.isnan(zj)):
            sims[name] = math.exp(-SHARPNESS * abs(zi - zj))
    sims["size_class"] = 1.0 - abs(int(features.size_class[i]) - int(features.size_class[j])) / SIZE_CLASS_SPAN
    ui, uj = int(features.urbanisation[i]), int(features.urbanisation[j])
    if ui and uj:
        sims["urbanisation"] = 1.0 - abs(ui - uj) / URBANISATION_SPAN
    sims["state"] = float(features.states[i] == features.states[j])
    if features.district_codes[i] and features.district_codes[j]:
        sims["district"] = float(features.district_codes[i] == features.district_codes[j])
    ti, tj = features.topics[i], features.topics[j]
    if ti.any() and tj.any():
        sims["topics"] = float((ti & tj).sum()) / float((ti | tj).sum())
    return sims


def similarity_pair(features: Features, i: int, j: int) -> tuple[float, dict[str, float]]:
    """Scalar reference: the score and each feature's contribution to it (they sum to the score)."""
    sims = _feature_similarities(features, i, j)
    weight = sum(FEATURE_WEIGHTS[name] for name in sims)
    contributions = {name: FEATURE_WEIGHTS[name] * sim / weight for name, sim in sims.items()}
    return sum(contributions.values()), contributions


def top_k(scores: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    """Positions (into candidates) of the k best scores, best first; ties go to the lower index,
    which is the lower AGS because Features are sorted by AGS."""
    if k <= 0 or len(candidates) == 0:
        return np.zeros(0, dtype=np.intp)
    if k < len(scores):
        # Everything tied with the k-th score is kept, so the tie-break below sees all ties.
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        pool = np.flatnonzero(scores >= kth)
    else:
        pool = np.arange(len(scores))
    order = np.lexsort((candidates[pool], -scores[pool]))
    return pool[order[:k]]


def top_k_all(features: Features, k: int, *, block_size: int = 256) -> list[tuple[np.ndarray, np.ndarray]]:
    """For every municipality: (indices, scores) of its k best peers in size class ±1, in blocks of
    rows so memory stays at a few block × n matrices."""
    n = len(features)
    cols = np.arange(n)
    size_class = features.size_class.astype(np.int16)
    result: list[tuple[np.ndarray, np.ndarray]] = []
    for start in range(0, n, block_size):
        rows = cols[start : start + block_size]
        block = similarity_block(features, rows, cols)
        allowed = np.abs(size_class[rows][:, None] - size_class[None, :]) <= 1
        allowed[np.arange(len(rows)), rows] = False
        for r in range(len(rows)):
            candidates = np.flatnonzero(allowed[r])
            scores = block[r, candidates]
            best = top_k(scores, candidates, k)
            result.append((candidates[best], scores[best]))
    return result


def _de_int(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


def _de_area(value: float) -> str:
    text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


_KREIS_STATES = {State.SH.value, State.NW.value}


def _district_phrase(name: str, state: str) -> str:
    """German for "also in district X"; the register stores no district type, so read it from the name."""
    if name.startswith(("Region ", "Städteregion ")):
        return f"ebenfalls in der {name}"
    if name.startswith(("Landkreis ", "Regionalverband ")):
        return f"ebenfalls im {name}"
    if "kreis" in name.lower():
        return f"ebenfalls im selben Kreis ({name})"
    # Schleswig-Holstein and Nordrhein-Westfalen call their districts "Kreis".
    return f"ebenfalls im {'Kreis' if state in _KREIS_STATES else 'Landkreis'} {name}"


def _topic_phrase(names: list[str]) -> str:
    quoted = [f"„{name}“" for name in names]
    if len(quoted) == 1:
        return f"beide arbeiten am Thema {quoted[0]}"
    return f"beide arbeiten an den Themen {', '.join(quoted[:-1])} und {quoted[-1]}"


def reasons(
    features: Features,
    i: int,
    j: int,
    contributions: Mapping[str, float],
    topic_names: Mapping[str, str],
    state_names: Mapping[str, str],
) -> list[str]:
    """Why j is a peer of i, in German: only features that are really alike, strongest contribution
    first, at most MAX_REASONS. Numbers are shown as "i / j"."""
    sims = _feature_similarities(features, i, j)
    texts: dict[str, str] = {}
    strength = {name: contributions.get(name, 0.0) for name in FEATURE_WEIGHTS}
    f = features
    if sims.get("population", 0) >= REASON_MIN_SIMILARITY:
        texts["population"] = f"ähnliche Einwohnerzahl ({_de_int(f.population[i])} / {_de_int(f.population[j])})"
    elif sims["size_class"] == 1.0:  # the class says less than the numbers, so only as a fallback
        texts["size_class"] = f"ebenfalls {SIZE_CLASS_ORDER[int(f.size_class[i])].label}"
    if sims.get("density", 0) >= REASON_MIN_SIMILARITY:
        texts["density"] = (
            f"ähnlich dicht besiedelt ({_de_int(f.density[i])} / {_de_int(f.density[j])} Einwohner je km²)"
        )
    if sims.get("area", 0) >= REASON_MIN_SIMILARITY:
        texts["area"] = f"ähnliche Fläche ({_de_area(f.area[i])} / {_de_area(f.area[j])} km²)"
    if sims.get("ortsteile", 0) >= REASON_MIN_SIMILARITY:
        texts["ortsteile"] = f"ähnlich viele Ortsteile ({_de_int(f.ortsteile[i])} / {_de_int(f.ortsteile[j])})"
    if sims.get("urbanisation") == 1.0:
        texts["urbanisation"] = URBANISATION_REASONS[int(f.urbanisation[i])]
    state = state_names.get(f.states[i], f.states[i])
    if sims.get("district") == 1.0 and f.district_names[i]:
        # The same district implies the same Land: one reason, ranked by both contributions.
        texts["district"] = f"{_district_phrase(f.district_names[i], f.states[i])} ({state})"
        strength["district"] += strength.pop("state", 0.0)
    elif sims["state"] == 1.0:
        texts["state"] = f"ebenfalls in {state}"
    if sims.get("topics", 0) > 0:
        shared = [slug for slug, a, b in zip(f.topic_slugs, f.topics[i], f.topics[j], strict=True) if a and b]
        texts["topics"] = _topic_phrase([topic_names.get(slug, slug) for slug in shared])
    feature_order = list(FEATURE_WEIGHTS)
    ranked = sorted(texts, key=lambda name: (-strength[name], feature_order.index(name)))
    return [texts[name] for name in ranked[:MAX_REASONS]]
