"""Matching a need (issue 17, item 2) on the demo's 25 cases and the demo register's towns (real
coordinates): what a mayor sees under her need, with the German reasons."""

from __future__ import annotations

import pytest

from agency.demo import DEMO_NEEDS
from agency.matches import matches_version, need_matches
from agency.models import NeedKind, NeedState
from municipalities.models import Municipality
from tests.factories.needs import need

pytestmark = pytest.mark.django_db

STRASSEN = "Straßenzustand per Smartphone und KI erfassen"


def town(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


def schlagloecher(where: Municipality, ref: str = "schlagloecher"):
    return need(
        where,
        ref,
        "Schlaglöcher erfassen",
        "Unsere Gemeindestraßen haben viele Schlaglöcher. Wir möchten den Zustand aller Straßen erfassen, "
        "ohne zusätzliche Kontrollfahrten, und die Sanierung besser planen.",
        topics=("strassen-infrastruktur",),
    )


def test_schlagloecher_in_a_small_town_finds_barleben_its_case_and_its_supplier(demo):
    colbitz = town("Colbitz")  # 3.260 Einwohner, 13 km north of Barleben
    matches = need_matches(schlagloecher(colbitz))

    assert matches.cases[0].slug == "barleben-strassenzustand-ki"
    assert "Thema „Straßen & Infrastruktur“ wie im Gesuch" in matches.cases[0].reasons
    assert "heidenheim-azubi-kampagne-aus-liebe-zum-job" not in [c.slug for c in matches.cases]

    names = [t.municipality.name for t in matches.towns]
    assert names[0] == "Barleben"
    assert "Colbitz" not in names  # never the need's own town
    barleben = matches.towns[0]
    assert [c.slug for c in barleben.cases] == ["barleben-strassenzustand-ki"]
    assert f"führt „{STRASSEN}“ seit 2023" in barleben.reasons
    assert f"„{STRASSEN}“ passt zum Thema „Straßen & Infrastruktur“ des Gesuchs" in barleben.reasons
    assert "13 km entfernt" in barleben.reasons and "ebenfalls in Sachsen-Anhalt" in barleben.reasons
    assert barleben.distance_km == pytest.approx(13.0, abs=0.5) and 0 < barleben.similarity <= 1

    vialytics = matches.suppliers[0]
    assert (vialytics.name, vialytics.references) == ("vialytics", ["barleben-strassenzustand-ki"])
    assert f"liefert „{STRASSEN}“, das zum Gesuch passt" in vialytics.reasons
    assert matches.partners == []  # only a partner search looks for partners


def test_the_towns_own_case_is_shown_but_the_town_is_never_its_own_helper(demo):
    matches = need_matches(schlagloecher(town("Barleben")))
    own = next(c for c in matches.cases if c.slug == "barleben-strassenzustand-ki")
    assert "aus der eigenen Kommune" in own.reasons
    assert "Barleben" not in [t.municipality.name for t in matches.towns]

    neighbour = need_matches(schlagloecher(town("Wolmirstedt"), "wolmirstedt-schlagloecher"))
    assert "ähnliche Größe: 9.238 Einwohner" in neighbour.towns[0].reasons  # Barleben, from 11.782


def test_an_adopter_that_runs_the_case_is_a_town_that_has_solved_it(demo):
    matches = need_matches(
        need(
            town("Hahnbach"),
            "hahnbach-app",
            "Orts-App für Vereine und Gemeindenachrichten",
            "Wir suchen eine App, in der die Gemeinde und die Vereine Neuigkeiten als Push-Nachricht verschicken.",
            topics=("kommunikation", "digitale-verwaltung"),
        )
    )
    assert "illschwang-orts-app" in [c.slug for c in matches.cases]
    by_name = {t.municipality.name: t for t in matches.towns}
    assert {"Illschwang", "Birgland"} <= set(by_name)
    app = next(c.title for c in matches.cases if c.slug == "illschwang-orts-app")
    assert f"hat „{app}“ übernommen (2023)" in by_name["Birgland"].reasons
    assert by_name["Birgland"].reasons[-1].endswith(" km entfernt")
    assert "ebenfalls in Bayern" in by_name["Birgland"].reasons
    assert "Hahnbach" not in by_name


def test_nothing_fits_a_need_outside_the_library(demo):
    matches = need_matches(
        need(town("Colbitz"), "socken", "Strickmuster für Socken", "Wer hat ein gutes Strickmuster für Wollsocken?")
    )
    assert (matches.cases, matches.towns) == ([], [])


def test_a_need_read_through_its_description_lists_only_cases_and_towns_on_its_topics(demo):
    """The demo's „Eine Klimaschutzstelle mit Nachbarn teilen“: its title finds nothing, its description
    („Nachbarkommunen“, „gemeinsam“, „Fördermittel“) brought in half the library as fitting."""
    sample = next(d for d in DEMO_NEEDS if d.ref == "beispiel-wanzleben-boerde-klimaschutzstelle-teilen")
    wanzleben = town("Wanzleben-Börde")
    matches = need_matches(
        need(
            wanzleben,
            sample.ref,
            sample.title,
            sample.description(wanzleben.name),
            topics=sample.topics,
            kind=sample.kind,
            radius_km=sample.radius_km,
        )
    )
    slugs = [c.slug for c in matches.cases]
    assert slugs and slugs[0] == "resilienz-verbuende-geteilte-fachkraefte", slugs
    for unrelated in (
        "illschwang-orts-app",
        "barleben-strassenzustand-ki",
        "jugendbudgets",
        "buergerraete",
        "groeningen",
    ):
        assert not any(slug.startswith(unrelated) for slug in slugs), (unrelated, slugs)
    for case in matches.cases:
        assert "passt zum Text des Gesuchs" not in case.reasons
        assert any(r.startswith("Thema „") and r.endswith("“ wie im Gesuch") for r in case.reasons), case
    names = {t.municipality.name for t in matches.towns}
    assert not names & {"Gröningen", "Barleben", "Illschwang", "Birgland", "Bonn"}, names


def test_a_shared_word_part_without_a_shared_topic_is_no_match(demo):
    """„Straßenbeleuchtung“ shares „Straßen…“ with „Straßenzustand per Smartphone und KI erfassen“: no topic
    in common, so neither the case nor Barleben is offered."""
    matches = need_matches(
        need(
            town("Colbitz"),
            "colbitz-led",
            "Straßenbeleuchtung auf LED umstellen",
            "Wir möchten Strom sparen und die Straßenlaternen der Gemeinde auf LED umrüsten.",
            topics=("energie-klimaschutz",),
        )
    )
    assert "barleben-strassenzustand-ki" not in [c.slug for c in matches.cases]
    assert "Barleben" not in [t.municipality.name for t in matches.towns]
    assert all("Thema „Energie & Klimaschutz“ wie im Gesuch" in c.reasons for c in matches.cases)


def partner_need(where: Municipality, ref: str, **fields):
    fields.setdefault("topics", ("jugend",))
    return need(
        where,
        ref,
        fields.pop("title", "Jugendpflegerin gemeinsam anstellen"),
        "Wir möchten uns mit Nachbargemeinden eine Stelle für Jugendarbeit teilen.",
        kind=fields.pop("kind", NeedKind.PARTNER),
        **fields,
    )


def test_partners_within_both_radii_with_a_shared_topic_and_no_one_else(demo):
    hahnbach = partner_need(town("Hahnbach"), "hahnbach-jugend", radius_km=25)
    partner_need(town("Illschwang"), "illschwang-jugend")  # ≈ 13 km, no radius of its own
    # ≈ 9 km and on the topic, but it looks for a town that solved it, not for partners (and has no radius)
    partner_need(town("Vilseck"), "vilseck-jugend", kind=NeedKind.SOLUTION, topics=("jugend", "ehrenamt-vereine"))
    partner_need(town("Vilseck"), "vilseck-anbieter", kind=NeedKind.SUPPLIER)
    partner_need(town("Schmidmühlen"), "schmidmuehlen-jugend")  # ≈ 31 km: beyond Hahnbach's 25 km
    partner_need(town("Kastl"), "kastl-jugend", radius_km=10)  # ≈ 20 km: within 25, but Kastl wants 10 at most
    partner_need(town("Hirschau"), "hirschau-kultur", topics=("kultur-tourismus",))  # no shared topic
    partner_need(town("Poppenricht"), "poppenricht-jugend", state=NeedState.CLOSED)
    partner_need(town("Hahnbach"), "hahnbach-jugend-2")  # its own town

    partners = need_matches(hahnbach).partners
    assert [p.need.ref for p in partners] == ["illschwang-jugend"]
    assert partners[0].reasons == [
        "Gemeinsam angehen: Illschwang sucht dasselbe, 13 km entfernt",
        "gemeinsames Thema „Jugend“",
    ]


def test_matches_are_cached_and_recomputed_when_a_need_changes(demo):
    hahnbach = partner_need(town("Hahnbach"), "hahnbach-jugend", radius_km=25)
    version = matches_version()
    first = need_matches(hahnbach)
    assert need_matches(hahnbach) is first  # nothing changed: the cached result
    assert first.partners == []
    partner_need(town("Illschwang"), "illschwang-jugend")
    assert matches_version() != version
    assert [p.need.ref for p in need_matches(hahnbach).partners] == ["illschwang-jugend"]
