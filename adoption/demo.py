"""Sample adoptions for the demo, so that „Wo es läuft“, the transfer record, /wirkung/ and „Unsere Vorhaben“
have something to show: a chain Barleben → Haldensleben → Wanzleben-Börde on the road-condition case, towns of
several size classes and Länder from 2021 to 2026 (never before the town they learned from), every status
including two stopped ones (one reason published, one new for the editors), and a plan of the demo mayor's town
whose first reminder is due.

Only ``setup_demo`` calls this. None of these towns has really taken over the solution: every row is marked
``is_sample`` (the case page labels it „Beispieldaten“) and its public note says that it is invented. The lead
towns of the cases and the towns PRODUCT.md names as adopters are left alone. Running it again changes nothing:
a town that is on the case already is skipped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adoption.links import status_url
from adoption.models import AdoptionEvent, AdoptionPlan, AdoptionReminder, EventVia
from adoption.reminders import adoption_reminders_send
from adoption.services import lead_town_tell
from municipalities.models import Municipality
from solutions.choices import AdoptionStatus
from solutions.models import SolutionAdopter, SolutionPage
from solutions.services import solution_adopter_save

DEMO_LABEL = "Beispieldaten"
MEMORY_MAIL = "django.core.mail.backends.locmem.EmailBackend"
MAYOR_EMAIL = "buergermeisterin@beispieldaten.invalid"  # pages.demo.DEMO_LOGINS[0]; pages sits above this app


@dataclass(frozen=True)
class DemoAdoption:
    slug: str
    ags: str
    status: str
    year: int
    learned_from: str | None = None  # AGS of a town on the case; None: „über die Plattform“
    reason: str = ""  # for „abgebrochen“
    reason_public: bool = False
    days_ago: int | None = None  # declared this many days ago (recent plans); else in March of ``year``
    stopped_days_ago: int | None = None
    mayor: bool = False  # declared by the demo mayor's account

    def declared_at(self, now: dt.datetime) -> dt.datetime:
        if self.days_ago is not None:
            return now - dt.timedelta(days=self.days_ago)
        return timezone.make_aware(dt.datetime(self.year, 3, 15, 10, 0))


ROAD = "barleben-strassenzustand-ki"  # Barleben, 2023
KITA = "calw-kita-online-anmeldung"  # Calw, 2023
EAKTE = "calw-lean-digitalisierung-e-akte"  # Calw, 2019
SOCIAL = "heidenheim-social-media-junge-zielgruppen"  # Heidenheim, 2021
AZUBI = "heidenheim-azubi-kampagne-aus-liebe-zum-job"  # Heidenheim, 2023
HEAT = "hemmingen-heizungsoptimierung-sensoren"  # Hemmingen, 2023

# In creation order: a town named as „gelernt von“ is on the case before the town that names it. Nobody adopts
# before the town it learned from started (the lead town: the case's year, see solutions/demo/cases.jsonl): the
# early years (2021, 2022) come from the two cases that began before 2023. Their lines in cases.jsonl carry no
# „adopters“ key, so that setup_demo's next import leaves the sample adopters alone (an empty list would clear
# them and every run would publish the cases anew).
DEMO_ADOPTIONS = (
    DemoAdoption(ROAD, "15083270", AdoptionStatus.IN_OPERATION, 2023, learned_from="15083040"),  # Haldensleben
    DemoAdoption(ROAD, "12070296", AdoptionStatus.IN_OPERATION, 2024, learned_from="15083040"),  # Perleberg
    DemoAdoption(  # Wanzleben-Börde, the demo mayor's town: pilot, first reminder due
        ROAD, "15083531", AdoptionStatus.PILOT, 2026, learned_from="15083270", days_ago=100, mayor=True
    ),
    DemoAdoption(ROAD, "15083130", AdoptionStatus.PLANNED, 2026, days_ago=40),  # Colbitz, via the platform
    DemoAdoption(  # Sülzetal: stopped a few days ago, the reason waits for the editors
        ROAD,
        "15083490",
        AdoptionStatus.STOPPED,
        2025,
        learned_from="15083040",
        reason=(
            f"{DEMO_LABEL}: Die Fahrzeuge des Bauhofs fahren zu selten durch die Ortsteile; ohne regelmäßige "
            "Fahrten bleibt das Straßenbild lückenhaft."
        ),
        stopped_days_ago=12,
    ),
    DemoAdoption(KITA, "08235046", AdoptionStatus.IN_OPERATION, 2023, learned_from="08235085"),  # Nagold
    DemoAdoption(KITA, "08235029", AdoptionStatus.PILOT, 2025, learned_from="08235046"),  # Gechingen
    DemoAdoption(EAKTE, "08235008", AdoptionStatus.COMPLETED, 2021, learned_from="08235085"),  # Bad Liebenzell
    DemoAdoption(SOCIAL, "14628130", AdoptionStatus.IN_OPERATION, 2022, learned_from="08135019"),  # Glashütte
    DemoAdoption(AZUBI, "09371151", AdoptionStatus.PILOT, 2025),  # Sulzbach-Rosenberg
    DemoAdoption(  # Wittenberge: stopped, the editors published the reason
        AZUBI,
        "12070424",
        AdoptionStatus.STOPPED,
        2024,
        learned_from="08135019",
        reason=(
            f"{DEMO_LABEL}: Niemand im Haus hatte Zeit, die Kanäle regelmäßig zu bespielen; eine Kampagne ohne "
            "feste Zuständigkeit schläft nach wenigen Wochen ein."
        ),
        reason_public=True,
        stopped_days_ago=400,
    ),
    DemoAdoption(AZUBI, "12070316", AdoptionStatus.PLANNED, 2026, learned_from="08135019"),  # Pritzwalk
    DemoAdoption(HEAT, "09371136", AdoptionStatus.IN_OPERATION, 2024, learned_from="03241007"),  # Kümmersbruck
)


def demo_note(town: str) -> str:
    return f"{DEMO_LABEL}: Für die Demo erfunden – {town} hat diese Lösung nicht übernommen."


@dataclass
class DemoResult:
    created: list[str]
    mayor_link: str = ""


def _create(item: DemoAdoption, page: SolutionPage, towns: dict[str, Municipality], mayor: User | None, now) -> bool:
    town = towns[item.ags]
    declared_at = item.declared_at(now)
    started_on = timezone.localtime(declared_at).date()
    with transaction.atomic():
        row = solution_adopter_save(
            page.pk,
            town,
            only_if_new=True,
            status=item.status,
            since_year=item.year,
            started_on=started_on,
            learned_from=towns.get(item.learned_from) if item.learned_from else None,
            notes=demo_note(town.name),
            stopped_reason=item.reason,
            stopped_reason_public=item.reason_public,
            is_sample=True,
        )
        if row is None:
            return False  # the town is on the case already (an earlier run, or editors entered it)
        by = mayor if item.mayor else None
        plan, _ = AdoptionPlan.objects.get_or_create(
            page=page, municipality=town, defaults={"declared_at": declared_at, "declared_by": by}
        )
        first = AdoptionStatus.PLANNED if item.status == AdoptionStatus.STOPPED else item.status
        AdoptionEvent.objects.create(plan=plan, status=first, at=declared_at, by=by, via=EventVia.DECLARATION)
        if item.stopped_days_ago is not None:
            stopped_at = now - dt.timedelta(days=item.stopped_days_ago)
            AdoptionEvent.objects.create(plan=plan, status=item.status, at=stopped_at, via=EventVia.FORM)
        if now - declared_at < dt.timedelta(days=365):
            # Recent news for the lead town's members (the demo's sample administration account of Barleben).
            lead_town_tell(plan, page, item.status, declared=True)
    return True


def _sample_plan_ids() -> list[int]:
    samples = SolutionAdopter.objects.filter(is_sample=True).values_list("page_id", "municipality_id")
    wanted = Q(pk__in=[])
    for page_id, town_id in samples:
        wanted |= Q(page_id=page_id, municipality_id=town_id)
    return list(AdoptionPlan.objects.filter(wanted).values_list("pk", flat=True))


def demo_adoptions_ensure() -> DemoResult:
    """Creates the sample adoptions that are missing, then sends the reminders that are due (the demo mayor's
    first one); returns what was created and the mayor's one-click status link."""
    now = timezone.now()
    pages = {p.slug: p for p in SolutionPage.objects.live().filter(slug__in={a.slug for a in DEMO_ADOPTIONS})}
    wanted = {a.ags for a in DEMO_ADOPTIONS} | {a.learned_from for a in DEMO_ADOPTIONS if a.learned_from}
    towns = {t.ags: t for t in Municipality.objects.filter(ags__in=wanted)}
    mayor = User.objects.filter(username=MAYOR_EMAIL).first()
    created = []
    for item in DEMO_ADOPTIONS:
        page = pages.get(item.slug)
        if page is None or item.ags not in towns or page.lead_municipality_id == towns[item.ags].pk:
            continue  # a register or case list without it: leave it out rather than break
        if _create(item, page, towns, mayor, now):
            created.append(f"{towns[item.ags].name} – „{page.title}“ ({AdoptionStatus(item.status).label})")
    # Only the sample plans, and into memory: the demo's reminders go to invented addresses, and printed by the
    # console backend they buried the lines that matter in setup_demo's output. The rows still count as sent.
    adoption_reminders_send(plan_ids=_sample_plan_ids(), connection=get_connection(MEMORY_MAIL))
    result = DemoResult(created=created)
    mayor_plan = AdoptionPlan.objects.filter(page__slug=ROAD, municipality__ags="15083531").first()
    reminder = AdoptionReminder.objects.filter(plan=mayor_plan).order_by("-due_on").first() if mayor_plan else None
    if reminder is not None and reminder.answered_at is None and mayor is not None:
        result.mayor_link = status_url(reminder, mayor)
    return result
