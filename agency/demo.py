"""Sample needs (Gesuche) for the demo, so that the Matching-Agentur has something to show: a pair of
partner needs in two neighbouring towns of the Börde (Wanzleben-Börde and Barleben, about 20 km apart),
and a search for a town that has solved lower heating costs in schools.

Only ``setup_demo`` calls this. The towns never posted these needs: every title ends in „(Beispieldaten)“
and every text begins with „Beispieldaten: …“, which the need page shows. The texts state no fact about
the towns. Running it again changes nothing except giving an expired sample need a current date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from agency.models import DEFAULT_LIFETIME_DAYS, Need, NeedKind, NeedSource, NeedState
from municipalities.models import Municipality
from solutions.models import Topic

DEMO_LABEL = "Beispieldaten"


@dataclass(frozen=True)
class DemoNeed:
    ref: str
    ags: str
    kind: str
    title: str
    text: str
    topics: tuple[str, ...]
    author_email: str = ""  # a demo login of that town, if there is one
    radius_km: int | None = None

    def description(self, town: str) -> str:
        return f"{DEMO_LABEL}: Dieses Gesuch ist für die Demo erfunden; {town} hat es nicht gestellt.\n\n{self.text}"


DEMO_NEEDS = (
    DemoNeed(
        ref="beispiel-wanzleben-boerde-klimaschutzstelle-teilen",
        ags="15083531",
        kind=NeedKind.PARTNER,
        title=f"Eine Klimaschutzstelle mit Nachbarn teilen ({DEMO_LABEL})",
        text=(
            "Eine eigene Stelle für Klimaschutzmanagement ist für eine Kommune allein zu groß. Gesucht sind "
            "Nachbarkommunen, die sich eine Stelle teilen und gemeinsam Fördermittel beantragen möchten."
        ),
        topics=("energie-klimaschutz", "interkommunale-zusammenarbeit"),
        author_email="buergermeisterin@beispieldaten.invalid",
        radius_km=30,
    ),
    DemoNeed(
        ref="beispiel-barleben-klimaschutz-gemeinsam",
        ags="15083040",
        kind=NeedKind.PARTNER,
        title=f"Klimaschutzmanagement gemeinsam mit Nachbarn ({DEMO_LABEL})",
        text=(
            "Gesucht sind Kommunen in der Nähe, die Klimaschutz gemeinsam angehen wollen: eine geteilte Stelle, "
            "ein gemeinsamer Förderantrag, Erfahrungen austauschen."
        ),
        topics=("energie-klimaschutz", "interkommunale-zusammenarbeit"),
        author_email="gastgeber@beispieldaten.invalid",
        radius_km=30,
    ),
    DemoNeed(
        ref="beispiel-wanzleben-boerde-heizkosten-schulen",
        ags="15083531",
        kind=NeedKind.SOLUTION,
        title=f"Heizkosten in Schulen senken ({DEMO_LABEL})",
        text=(
            "Gesucht ist eine Kommune, die den Energieverbrauch ihrer Schulgebäude messbar gesenkt hat, etwa mit "
            "Sensoren an der Heizung, und von ihren Erfahrungen erzählt."
        ),
        topics=("energie-klimaschutz",),
        author_email="buergermeisterin@beispieldaten.invalid",
    ),
)


def demo_needs_ensure(today: dt.date | None = None) -> list[Need]:
    """Creates the sample needs whose towns are in the register; returns those that exist now."""
    today = today or timezone.localdate()
    users = get_user_model()
    ready = []
    for sample in DEMO_NEEDS:
        town = Municipality.objects.filter(ags=sample.ags).first()
        if town is None:  # a register without the town: no need rather than a broken one
            continue
        need = Need.objects.filter(ref=sample.ref).first()
        if need is None:
            need = Need.objects.create(
                ref=sample.ref,
                kind=sample.kind,
                municipality=town,
                title=sample.title,
                description=sample.description(town.name),
                radius_km=sample.radius_km,
                expires=today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS),
                state=NeedState.OPEN,
                source=NeedSource.MEMBER,
                author=users.objects.filter(username=sample.author_email).first(),
                published_at=timezone.now(),
            )
            need.topics.set(Topic.objects.filter(slug__in=sample.topics))
        elif need.state == NeedState.OPEN and need.expires < today:
            need.expires = today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
            need.save(update_fields=["expires", "updated_at"])
        ready.append(need)
    return ready
