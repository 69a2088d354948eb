"""The arithmetic of matching a need, on hand-made numbers (agency.need_ranking)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agency import need_ranking as r


def test_topic_share_is_the_share_of_the_needs_topics():
    assert r.topic_share({"jugend", "ehrenamt-vereine"}, ["jugend", "kommunikation"]) == 0.5
    assert r.topic_share({"jugend"}, set()) == 0.0
    assert r.topic_share(set(), ["jugend"]) == 0.0


def test_case_fit_is_relative_to_the_best_hit_and_raised_by_shared_topics():
    fits = r.case_fits([2.0, 2.0, 1.0], [1.0, 0.0, 1.0])
    assert fits[0] == pytest.approx(1.0)
    assert fits[1] == pytest.approx(1 / 1.2)  # the same words, none of the topics
    assert fits[2] == pytest.approx(0.5)
    assert r.case_fits([], []).size == 0


def test_a_similar_town_close_by_beats_an_unlike_one_far_away_but_neither_drops_to_zero():
    scores = r.town_scores([0.9, 0.9, 0.9], [0.8, 0.0, 0.8], [10.0, 600.0, None])
    near_like, far_unlike, unknown = scores
    assert near_like > unknown > far_unlike > 0
    assert far_unlike == pytest.approx(0.9 * 0.3 * (0.5 + 0.5 * math.exp(-4)))
    # a better fitting case outweighs a little more similarity
    better_fit, more_similar = r.town_scores([1.0, 0.5], [0.5, 0.6], [50.0, 50.0])
    assert better_fit > more_similar


def test_a_town_running_more_matching_cases_counts_a_little_more_at_most_three_times():
    assert r.town_fit([]) == 0.0
    assert r.town_fit([0.5]) == 0.5
    assert r.town_fit([0.5, 0.2]) == pytest.approx(0.55)
    assert r.town_fit([0.5] * 10) == pytest.approx(0.65)


def test_partners_must_be_within_both_radii_and_share_a_topic():
    scores = r.partner_scores(
        shares=[1.0, 1.0, 1.0, 0.0, 0.5, 1.0],
        distances_km=[0.0, 25.0, 26.0, 5.0, 12.5, 15.0],
        own_radius_km=25,
        other_radii_km=[None, None, None, None, None, 10],
    )
    assert list(scores) == pytest.approx([1.0, 0.5, 0.0, 0.0, 0.375, 0.0])
    assert r.partner_scores([1.0], [float("nan")], 25, [None])[0] == 0.0  # no coordinates: not reachable


def test_bounding_box_holds_the_circle():
    lat_min, lat_max, lon_min, lon_max = r.bounding_box(49.53, 11.80, 25)
    assert lat_max - 49.53 == pytest.approx(25 / 111.32)
    # a degree of longitude is shorter at 49.5° north, so the box is wider in degrees
    assert lon_max - 11.80 == pytest.approx(25 / (111.32 * math.cos(math.radians(49.53))))
    assert lat_min < 49.53 < lat_max and lon_min < 11.80 < lon_max


def test_german_numbers():
    assert r.format_km(38.4) == "38 km"
    assert r.format_km(1234.0) == "1.234 km"
    assert r.format_km(0.4) == "unter 1 km"
    assert r.format_count(4200) == "4.200"
    assert np.all(r.closeness([0.0, None]) == np.array([1.0, r.UNKNOWN_CLOSENESS]))
