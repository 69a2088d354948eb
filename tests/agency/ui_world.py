"""Shared setup of the agency page, introduction and consent tests: towns of the Börde and beyond with real
coordinates, members, and matches made by hand.

The ranking itself is another module's job (``agency.matches``); where it is not the point, the tests put
in a ``NeedMatches`` built here, so that they state exactly which towns were matched and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import get_resolver

from agency import matches
from agency.matches import NeedMatches, PartnerMatch, TownMatch
from agency.models import Need, NeedState
from municipalities.models import Municipality

NEED_FORM = {
    "title": "Heizungssensoren für Schulen „ohne Anbieterbindung“",
    "description": "Unsere Grundschule verbraucht zu viel Gas. Wir suchen eine Kommune, die Sensoren an der "
    "Heizung eingebaut hat – und wissen möchte, was das gekostet hat. Straßenbeleuchtung später.",
    "kind": "loesung",
}


@dataclass
class Recorder:
    """Stands in for the notification services: remembers every call (the e-mail side is tested there)."""

    calls: list[dict] = field(default_factory=list)

    def notify_town(self, municipality: Municipality, **kwargs):
        self.calls.append({"town": municipality.ags, **kwargs})
        return []

    def notify(self, users, **kwargs):
        self.calls.append({"users": [u.username for u in users], **kwargs})
        return []

    def kinds_for(self, ags: str) -> list[str]:
        return [call["kind"] for call in self.calls if call.get("town") == ags]


@dataclass
class FakeMatching:
    """``need_matches`` and ``matches_version`` as a test wants them: which towns per need ref."""

    towns: dict[str, list[Municipality]] = field(default_factory=dict)
    partners: dict[str, list[str]] = field(default_factory=dict)  # need ref → refs of partner needs
    version: str = "v1"

    def need_matches(self, need: Need) -> NeedMatches:
        towns = [
            TownMatch(
                municipality=town,
                similarity=0.9,
                distance_km=12.0,
                cases=[],
                score=1.0 - rank / 10,
                reasons=[f"Hat „{need.title}“ gelöst", "ähnlich groß"],
            )
            for rank, town in enumerate(self.towns.get(need.ref, []))
        ]
        partners = [
            PartnerMatch(
                need=other,
                distance_km=15.0,
                score=0.8,
                reasons=[f"Gemeinsam angehen: {other.municipality.name} sucht dasselbe, 15 km entfernt"],
            )
            for other in Need.objects.filter(ref__in=self.partners.get(need.ref, []), state=NeedState.OPEN)
        ]
        return NeedMatches(towns=towns, partners=partners)

    def matches_version(self) -> str:
        return self.version


def install(monkeypatch) -> tuple[FakeMatching, Recorder]:
    # Load the URL configuration first: modules it imports that bind ``need_matches`` by name (the API) must
    # bind the real one, not this test's stand-in, or later tests in the process would see the fake.
    get_resolver().url_patterns  # noqa: B018
    fake, recorder = FakeMatching(), Recorder()
    monkeypatch.setattr(matches, "need_matches", fake.need_matches)
    monkeypatch.setattr(matches, "matches_version", fake.matches_version)
    monkeypatch.setattr("agency.services.notify_town", recorder.notify_town)
    monkeypatch.setattr("agency.services.notify", recorder.notify)
    return fake, recorder


def towns() -> dict[str, Municipality]:
    """Five towns; Barleben, Wolmirstedt and Gröningen lie in the Börde (Wolmirstedt about 6 km from Barleben)."""
    from tests.factories.register import municipality

    return {
        "barleben": municipality("15083040", "Barleben", 9238, district_name="Börde", lat=52.2, lon=11.6),
        "wolmirstedt": municipality("15083565", "Wolmirstedt", 11782, district_name="Börde", lat=52.25, lon=11.63),
        "groeningen": municipality("15083245", "Gröningen", 3525, district_name="Börde", lat=51.94, lon=11.21),
        "hemmingen": municipality("03241007", "Hemmingen", 18885, district_name="Region Hannover", lat=52.31, lon=9.72),
        "calw": municipality("08235085", "Calw", 24448, district_name="Calw", lat=48.71, lon=8.74),
    }
