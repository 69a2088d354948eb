"""Tandem matching speed: 2,000 mentees × 2,000 mentors, one round computed five times.

    .venv/bin/python bench/tandem.py [--mentees 2000] [--mentors 2000] [--rounds 5] [--seed 7] [--skip-scalar-check]

Applicants are synthetic but realistic: coordinates inside Germany's bounding box, populations
log-uniform 300–600,000 with BBSR size classes, 16 Länder, 1–4 of 20 topics, some hard constraints
(30 % maximum distance 100–300 km, 20 % same Land only, 10 % partner size classes), mentor capacities
1–3. Prints p50/max seconds, pairs, unmatched, blocking pairs and peak memory. Target: ≤ 2 s.

Blocking pairs are counted twice on the full instance: with numpy (from the same score matrix the
matching uses, about a second) and with the independent scalar reference ``blocking_pairs`` (pure
Python over all 4 million pairs, about 10 s; skip it with --skip-scalar-check).

Django's settings are loaded (no database) because the reasons use the register's translatable
size-class names.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from matching.tandem_matching import (  # noqa: E402
    MENTEE,
    MENTOR,
    Applicant,
    TandemResult,
    acceptable_matrix,
    blocking_pairs,
    match_round,
    score_matrix,
)
from municipalities.size_classes import SIZE_CLASS_ORDER, size_class_for  # noqa: E402

SIZE_CLASSES = [size_class.value for size_class in SIZE_CLASS_ORDER]

TOPICS = [
    "digitale-verwaltung",
    "energie-klimaschutz",
    "mobilitaet",
    "strassen-infrastruktur",
    "personal-fachkraefte",
    "buergerbeteiligung",
    "jugend",
    "ehrenamt-vereine",
    "finanzen-foerdermittel",
    "innenstadt-leerstand",
    "wohnen-bauen",
    "gesundheit-pflege",
    "klimaanpassung",
    "bildung-kita",
    "kultur-tourismus",
    "kommunikation",
    "beschaffung-innovation",
    "interkommunale-zusammenarbeit",
    "sicherheit-ordnung",
    "wasser-abwasser",
]


def applicant(rng: random.Random, applicant_id: int, role: str) -> Applicant:
    state = f"{rng.randint(1, 16):02d}"
    population = round(10 ** rng.uniform(np.log10(300), np.log10(600_000)))
    area_km2 = 10 ** rng.uniform(0.7, 2.6)  # 5–400 km²
    wants_sizes = rng.random() < 0.10
    return Applicant(
        id=applicant_id,
        role=role,
        ags=f"{state}{rng.randint(0, 999_999):06d}",
        name=f"Gemeinde {applicant_id}",
        state=state,
        size_class=size_class_for(population).value,
        population=population,
        density=None if rng.random() < 0.03 else population / area_km2,
        lat=None if rng.random() < 0.01 else rng.uniform(47.3, 55.0),
        lon=rng.uniform(5.9, 15.0),
        topics=frozenset(rng.sample(TOPICS, rng.randint(1, 4))),
        max_distance_km=rng.uniform(100, 300) if rng.random() < 0.30 else None,
        same_state_only=rng.random() < 0.20,
        partner_size_classes=frozenset(rng.sample(SIZE_CLASSES, rng.randint(1, 3))) if wants_sizes else frozenset(),
        capacity=rng.randint(1, 3) if role == MENTOR else 1,
    )


def generate(n_mentees: int, n_mentors: int, seed: int) -> tuple[list[Applicant], list[Applicant]]:
    rng = random.Random(seed)
    mentees = [applicant(rng, i, MENTEE) for i in range(1, n_mentees + 1)]
    mentors = [applicant(rng, 100_000 + i, MENTOR) for i in range(1, n_mentors + 1)]
    return mentees, mentors


def blocking_count_numpy(mentees: list[Applicant], mentors: list[Applicant], result: TandemResult) -> int:
    """Blocking pairs on the full instance, vectorised (inputs must be sorted by id, as match_round does)."""
    scores, ok = score_matrix(mentees, mentors), acceptable_matrix(mentees, mentors)
    row = {a.id: i for i, a in enumerate(mentees)}
    col = {a.id: j for j, a in enumerate(mentors)}
    cur_score, cur_col = np.full(len(mentees), -np.inf), np.full(len(mentees), len(mentors))
    worst_score, worst_row = np.full(len(mentors), np.inf), np.full(len(mentors), -1)
    held = np.zeros(len(mentors), dtype=int)
    matched = np.zeros_like(ok)
    for p in result.pairs:
        i, j = row[p.mentee_id], col[p.mentor_id]
        matched[i, j] = True
        cur_score[i], cur_col[i] = scores[i, j], j
        held[j] += 1
        if (scores[i, j], -i) < (worst_score[j], -worst_row[j]):
            worst_score[j], worst_row[j] = scores[i, j], i
    i_idx, j_idx = np.arange(len(mentees))[:, None], np.arange(len(mentors))[None, :]
    mentee_wants = (scores > cur_score[:, None]) | ((scores == cur_score[:, None]) & (j_idx < cur_col[:, None]))
    capacity = np.array([m.capacity for m in mentors])
    mentor_wants = (held < capacity)[None, :] | (scores > worst_score[None, :])
    mentor_wants |= (scores == worst_score[None, :]) & (i_idx < worst_row[None, :])
    return int((ok & ~matched & mentee_wants & mentor_wants).sum())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-scalar-check", action="store_true", help="ohne die langsame Skalar-Prüfung (~10 s)")
    args = parser.parse_args()

    mentees, mentors = generate(args.mentees, args.mentors, args.seed)
    print(f"Tandem-Matching: {len(mentees)} Mentees × {len(mentors)} Mentor:innen, {args.rounds} Durchläufe")
    times, result = [], None
    for _ in range(args.rounds):
        start = time.perf_counter()
        result = match_round(mentees, mentors)
        times.append(time.perf_counter() - start)
    assert result is not None
    places = sum(m.capacity for m in mentors)
    unmatched_mentees = sum(1 for a in mentees if a.id in result.unmatched)
    print(f"Zeit p50 {statistics.median(times):.3f} s, max {max(times):.3f} s   Ziel: ≤ 2 s")
    print(f"Tandems: {len(result.pairs)} (Plätze: {places})")
    open_mentors = len(result.unmatched) - unmatched_mentees
    print(f"ohne Tandem: {unmatched_mentees} Mentees; Mentor:innen mit freien Plätzen: {open_mentors}")
    print(f"Spitzenspeicher nach dem Matching: {peak_mb():.0f} MB")

    start = time.perf_counter()
    full = blocking_count_numpy(mentees, mentors, result)
    print(f"blockierende Paare (numpy): {full} ({time.perf_counter() - start:.1f} s)")
    if args.skip_scalar_check:
        return
    start = time.perf_counter()
    scalar = blocking_pairs(mentees, mentors, result)
    print(f"blockierende Paare (Skalar-Referenz): {len(scalar)} ({time.perf_counter() - start:.1f} s)")
    print(f"Spitzenspeicher gesamt (mit Prüfungen): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
