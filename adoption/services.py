"""Writes of the adoption workflow: declaring („Wir setzen das auch um“), moving a plan on, answering a reminder,
and what the lead town is told.

The status machine is one pure rule (``adoption_transition_allowed``): forward only, planned → pilot →
in_operation → completed (skipping forward is fine); „abgebrochen“ from any other status, with a reason; from
„abgebrochen“ nothing but a new declaration. Every write of the status goes through
``solutions.services.solution_adopter_save`` (the adopter row is page content, published as a revision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from adoption.models import AdoptionEvent, AdoptionPlan, AdoptionReminder, EventVia
from municipalities.models import Municipality, MunicipalityMember
from notifications.models import NoticeKind
from notifications.selectors import members_approved
from notifications.services import notify_town
from solutions.choices import OPERATING_STATUSES, AdoptionStatus
from solutions.models import FIRST_YEAR, SolutionAdopter, SolutionPage
from solutions.services import AdopterNotSaved, solution_adopter_save

# The way forward; „abgebrochen“ stands beside it.
STATUS_ORDER: tuple[str, ...] = (
    AdoptionStatus.PLANNED,
    AdoptionStatus.PILOT,
    AdoptionStatus.IN_OPERATION,
    AdoptionStatus.COMPLETED,
)
# A declaration starts on the way forward, never with „abgebrochen“.
DECLARABLE_STATUSES = STATUS_ORDER
MAX_REASON = 2000
MAX_NOTES = 4000
MAX_OUTCOMES = 10
# How far ahead a „geplant“ may start: a council decision rarely looks further; years beyond would stretch the
# case's diffusion picture into an empty future.
PLANNED_YEARS_AHEAD = 3


class AdoptionRefused(Exception):
    """The change is not possible; the message is German and shown to the member as is."""


# --- the status machine (pure) ---------------------------------------------------------------------------


def adoption_transition_allowed(current: str | None, new: str) -> bool:
    """May a plan go from ``current`` (None: no status yet) to ``new`` by an update (not a new declaration)?

    Staying is allowed (texts and figures change without a status change), and so is „abgebrochen“ from any
    status; otherwise only forward. From „abgebrochen“ only staying: taking it up again is a new declaration."""
    if new not in STATUS_ORDER and new != AdoptionStatus.STOPPED:
        return False
    if current is None:
        return new in STATUS_ORDER
    if new == current:
        return True
    if current == AdoptionStatus.STOPPED:
        return False
    if new == AdoptionStatus.STOPPED:
        return True
    return current in STATUS_ORDER and STATUS_ORDER.index(new) > STATUS_ORDER.index(current)


def adoption_statuses_next(current: str | None) -> list[str]:
    """The statuses an update may choose from ``current``, in the order a form lists them."""
    return [s for s in (*STATUS_ORDER, AdoptionStatus.STOPPED) if adoption_transition_allowed(current, s)]


def _label(status: str) -> str:
    return str(AdoptionStatus(status).label)


# --- reading the current row --------------------------------------------------------------------------------


def adopter_row(page_id: int, municipality_id: int) -> SolutionAdopter | None:
    """The town's adopter row on the live case (the status lives there)."""
    return SolutionAdopter.objects.filter(page_id=page_id, municipality_id=municipality_id).first()


def _number(value: Decimal | float | int | None) -> int | float | None:
    """Figures as the case's outcome format stores them: whole numbers stay whole."""
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def outcomes_clean(rows: list[dict]) -> list[dict]:
    """The figures in the case's outcome format ({metric, value, unit, baseline}); empty rows dropped."""
    cleaned = []
    for row in rows:
        metric = (row.get("metric") or "").strip()
        if not metric or row.get("value") is None:
            continue
        cleaned.append(
            {
                "metric": metric[:200],
                "value": _number(row["value"]),
                "unit": (row.get("unit") or "").strip()[:40],
                "baseline": _number(row.get("baseline")),
            }
        )
    if len(cleaned) > MAX_OUTCOMES:
        raise AdoptionRefused(f"Bitte höchstens {MAX_OUTCOMES} Kennzahlen angeben.")
    return cleaned


def learned_from_choices(page: SolutionPage, town: Municipality) -> list[Municipality]:
    """Whom a town may name as its teacher: the lead town first, then every other town listed on the case."""
    towns = []
    if page.lead_municipality_id and page.lead_municipality_id != town.pk:
        towns.append(page.lead_municipality)
    seen = {t.pk for t in towns} | {town.pk}
    for row in page.adopters.select_related("municipality").order_by("municipality__name"):
        if row.municipality_id not in seen:
            towns.append(row.municipality)
            seen.add(row.municipality_id)
    return towns


# --- writes -------------------------------------------------------------------------------------------------


@dataclass
class PlanChanges:
    """What a member enters on the form or through the link."""

    status: str
    started_on: dt.date | None = None
    learned_from: Municipality | None = None
    notes: str = ""
    outcomes: list[dict] = field(default_factory=list)
    stopped_reason: str = ""


def _approved(member: MunicipalityMember | None) -> MunicipalityMember:
    if member is None or not members_approved().filter(pk=member.pk).exists():
        raise AdoptionRefused(
            "Vorhaben erklären und ändern können nur bestätigte Mitglieder einer Kommune. Ihr Konto ist noch "
            "keiner Kommune zugeordnet oder noch nicht von der Redaktion bestätigt."
        )
    return member


def _locked_live_page(page_id: int) -> SolutionPage:
    # The page row is the lock every writer of this case's adopters takes (solution_adopter_save takes it too):
    # two members of one town declaring at once end up with one plan.
    page = SolutionPage.objects.select_for_update().filter(pk=page_id).first()
    if page is None or not page.live:
        raise AdoptionRefused("Dieses Praxisbeispiel ist nicht (mehr) veröffentlicht.")
    return page


def _learned_from_check(page: SolutionPage, town: Municipality, teacher: Municipality | None) -> None:
    if teacher is not None and teacher.pk not in {t.pk for t in learned_from_choices(page, town)}:
        raise AdoptionRefused(
            "Als „gelernt von“ kommen nur die federführende Kommune und Kommunen in Frage, die auf diesem "
            "Praxisbeispiel stehen – oder „über die Plattform“."
        )


def adoption_start_latest(status: str, today: dt.date | None = None) -> dt.date:
    """The latest „Beginn“ a plan with ``status`` may have: today once it runs (or ran), a few years ahead while
    it is only planned."""
    today = today or timezone.localdate()
    if status != AdoptionStatus.PLANNED:
        return today
    try:
        return today.replace(year=today.year + PLANNED_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + PLANNED_YEARS_AHEAD, day=28)


def adoption_start_problem(started_on: dt.date | None, status: str, today: dt.date | None = None) -> str:
    """The one rule for „Beginn“ (forms and services): not before FIRST_YEAR – the platform's cases start
    there, and the diffusion picture spans the years from the lead town on –, not in the future once the plan
    runs, at most PLANNED_YEARS_AHEAD years ahead while planned. Empty when the date is fine."""
    if started_on is None:
        return ""
    latest = adoption_start_latest(status, today)
    if started_on.year >= FIRST_YEAR and started_on <= latest:
        return ""
    if status == AdoptionStatus.PLANNED:
        return (
            f"Bitte einen Beginn zwischen dem 01.01.{FIRST_YEAR} und dem {latest:%d.%m.%Y} angeben "
            f"(bei „geplant“ höchstens {PLANNED_YEARS_AHEAD} Jahre im Voraus)."
        )
    return (
        f"Bitte einen Beginn zwischen dem 01.01.{FIRST_YEAR} und heute ({latest:%d.%m.%Y}) angeben – bei "
        f"„{_label(status)}“ hat es schon begonnen. Liegt der Beginn noch in der Zukunft, wählen Sie „geplant“."
    )


def _start_check(changes: PlanChanges) -> None:
    problem = adoption_start_problem(changes.started_on, changes.status)
    if problem:
        raise AdoptionRefused(problem)


def _text_checks(changes: PlanChanges) -> None:
    if changes.status == AdoptionStatus.STOPPED and not changes.stopped_reason.strip():
        raise AdoptionRefused(
            "Bitte nennen Sie kurz den Grund für den Abbruch. Er geht nur an die Redaktion und hilft anderen "
            "Kommunen; öffentlich wird er erst, wenn die Redaktion ihn freigibt."
        )
    if len(changes.stopped_reason) > MAX_REASON:
        raise AdoptionRefused(f"Der Grund für den Abbruch ist zu lang (höchstens {MAX_REASON} Zeichen).")
    if len(changes.notes) > MAX_NOTES:
        raise AdoptionRefused(f"Die Anmerkungen sind zu lang (höchstens {MAX_NOTES} Zeichen).")


def _save_row(page: SolutionPage, town: Municipality, changes: PlanChanges, user: User | None, **extra):
    values = {
        "status": changes.status,
        "learned_from": changes.learned_from,
        "notes": changes.notes.strip(),
        "outcomes": changes.outcomes,
        "stopped_reason": changes.stopped_reason.strip() if changes.status == AdoptionStatus.STOPPED else "",
        **extra,
    }
    if changes.status != AdoptionStatus.STOPPED:
        values["stopped_reason_public"] = False
    if changes.started_on is not None:
        values["started_on"] = changes.started_on
        values["since_year"] = changes.started_on.year
    try:
        return solution_adopter_save(page.pk, town, user=user, **values)
    except AdopterNotSaved as exc:
        raise AdoptionRefused(str(exc)) from None


def adoption_declare(
    page_id: int, member: MunicipalityMember | None, changes: PlanChanges, *, is_sample: bool = False
) -> AdoptionPlan:
    """„Wir setzen das auch um“: the member's town declares that it takes over the case's solution.

    A town that is listed already (and has not stopped) can only move on from where it stands; after
    „abgebrochen“ a declaration starts anew (new date, reminders count from it). The lead town is told."""
    member = _approved(member)
    town = member.municipality
    if changes.status not in DECLARABLE_STATUSES:
        raise AdoptionRefused(
            "Bitte wählen Sie, wie weit Ihre Kommune ist: geplant, Pilot, im Betrieb oder abgeschlossen."
        )
    _text_checks(changes)
    _start_check(changes)
    with transaction.atomic():
        page = _locked_live_page(page_id)
        if page.lead_municipality_id == town.pk:
            raise AdoptionRefused(
                f"{town.name} ist die federführende Kommune dieses Praxisbeispiels – übernehmen können es "
                "andere Kommunen."
            )
        _learned_from_check(page, town, changes.learned_from)
        plan = AdoptionPlan.objects.filter(page=page, municipality=town).first()
        row = adopter_row(page.pk, town.pk)
        current = row.status if row is not None else None
        if current is not None and current != AdoptionStatus.STOPPED:
            if plan is not None:
                raise AdoptionRefused(
                    f"{town.name} hat dieses Vorhaben schon erklärt (Stand: {_label(current)}). Ändern Sie es "
                    "unter „Unsere Vorhaben“."
                )
            if not adoption_transition_allowed(current, changes.status):
                raise AdoptionRefused(
                    f"{town.name} steht auf diesem Praxisbeispiel schon mit dem Stand „{_label(current)}“; "
                    "zurück geht es nicht. Bitte wählen Sie diesen Stand oder einen späteren."
                )
        extra = {"is_sample": True} if is_sample else {}
        _save_row(page, town, changes, member.user, **extra)
        now = timezone.now()
        if plan is None:
            plan = AdoptionPlan.objects.create(page=page, municipality=town, declared_by=member.user, declared_at=now)
        else:
            plan.declared_by, plan.declared_at = member.user, now
            plan.save(update_fields=["declared_by", "declared_at"])
        AdoptionEvent.objects.create(plan=plan, status=changes.status, at=now, by=member.user, via=EventVia.DECLARATION)
        lead_town_tell(plan, page, changes.status, declared=True)
    return plan


def plan_of_town(plan_id: int, member: MunicipalityMember | None) -> AdoptionPlan:
    """The plan if it belongs to the member's town (approved members only); else AdoptionPlan.DoesNotExist, so
    that another town's plan looks exactly like a missing one."""
    if member is None or not members_approved().filter(pk=member.pk).exists():
        raise AdoptionPlan.DoesNotExist
    return AdoptionPlan.objects.select_related("page", "municipality").get(
        pk=plan_id, municipality_id=member.municipality_id
    )


def _update(plan: AdoptionPlan, changes: PlanChanges, *, user: User | None, via: str) -> AdoptionPlan:
    """Moves a plan on (the caller holds the transaction and has checked who acts)."""
    _text_checks(changes)
    page = _locked_live_page(plan.page_id)
    town = plan.municipality
    row = adopter_row(page.pk, town.pk)
    if row is None:
        raise AdoptionRefused(
            "Die Redaktion hat Ihre Kommune von diesem Praxisbeispiel genommen. Wenn Sie die Lösung weiter "
            "übernehmen, erklären Sie es bitte neu („Wir setzen das auch um“)."
        )
    current = row.status
    if not adoption_transition_allowed(current, changes.status):
        if current == AdoptionStatus.STOPPED:
            raise AdoptionRefused(
                "Dieses Vorhaben ist abgebrochen. Wenn Ihre Kommune es wieder aufnimmt, erklären Sie es bitte "
                "neu („Wir setzen das auch um“ auf dem Praxisbeispiel)."
            )
        raise AdoptionRefused(
            f"Von „{_label(current)}“ geht es nur vorwärts (oder „abgebrochen“), nicht zurück zu "
            f"„{_label(changes.status)}“."
        )
    if (changes.learned_from.pk if changes.learned_from else None) != row.learned_from_id:
        # Only a new teacher is checked: one the editors have since taken off the case may stay named.
        _learned_from_check(page, town, changes.learned_from)
    if changes.started_on is None and row.started_on is not None:
        changes.started_on = row.started_on
    if changes.started_on != row.started_on or changes.status != current:
        # A date the editors entered long ago stays as it is while nothing touches it.
        _start_check(changes)
    wanted = {
        "status": changes.status,
        "learned_from_id": changes.learned_from.pk if changes.learned_from else None,
        "notes": changes.notes.strip(),
        "outcomes": changes.outcomes,
        "stopped_reason": changes.stopped_reason.strip() if changes.status == AdoptionStatus.STOPPED else "",
        "started_on": changes.started_on,
    }
    if any(getattr(row, name) != value for name, value in wanted.items()):
        # Only a real change makes a revision of the case. A reason the editors published and the town now
        # rewrites goes back to them: what the case shows is always what an editor has read.
        extra = {"stopped_reason_public": False} if wanted["stopped_reason"] != row.stopped_reason else {}
        _save_row(page, town, changes, user, **extra)
    if changes.status != current or via == EventVia.LINK:
        # The link's „unverändert“ is an answer too: the history shows that the town confirmed its status.
        AdoptionEvent.objects.create(plan=plan, status=changes.status, by=user, via=via)
    if current not in OPERATING_STATUSES:
        lead_town_tell(plan, page, changes.status, declared=False)
    return plan


def adoption_update(plan_id: int, member: MunicipalityMember | None, changes: PlanChanges) -> AdoptionPlan:
    """A member of the plan's town changes its status, texts or figures („Unsere Vorhaben“)."""
    with transaction.atomic():
        plan = plan_of_town(plan_id, member)
        return _update(plan, changes, user=member.user, via=EventVia.FORM)


def reminder_answer(reminder_id: int, user: User, changes: PlanChanges) -> AdoptionPlan:
    """The status link of a reminder was used: applies the answer and marks the reminder answered, once.
    Raises AdoptionRefused when the link was used already (two clicks at once: the row lock decides)."""
    with transaction.atomic():
        reminder = AdoptionReminder.objects.select_for_update().select_related("plan__municipality").get(pk=reminder_id)
        if reminder.answered_at is not None:
            raise AdoptionRefused("Dieser Link wurde bereits benutzt.")
        member = members_approved().filter(user=user, municipality_id=reminder.plan.municipality_id).first()
        if member is None:
            raise AdoptionRefused("Sie sind kein bestätigtes Mitglied dieser Kommune (mehr).")
        plan = _update(reminder.plan, changes, user=user, via=EventVia.LINK)
        reminder.answered_at = timezone.now()
        reminder.save(update_fields=["answered_at"])
        return plan


# --- telling the lead town ------------------------------------------------------------------------------------


def lead_town_tell(plan: AdoptionPlan, page: SolutionPage, status: str, *, declared: bool) -> None:
    """Tells the lead town's members that a town declared (``declared``) and/or reached operation with ``status``;
    each event once (the notification key)."""
    if declared:
        _tell_lead_declared(plan, page, status)
    if status in OPERATING_STATUSES:
        _tell_lead_operating(plan, page, status)


def _tell_lead_declared(plan: AdoptionPlan, page: SolutionPage, status: str) -> None:
    lead = page.lead_municipality
    if lead is None or lead.pk == plan.municipality_id:
        return
    town = plan.municipality.name
    # One notice per declaration: a new declaration after „abgebrochen“ is news again.
    stamp = int(plan.declared_at.timestamp())
    notify_town(
        lead,
        kind=NoticeKind.ADOPTION_NEWS,
        key=f"adoption:{plan.pk}:declared:{stamp}",
        title=f"{town} übernimmt Ihre Lösung „{page.title}“",
        body=f"{town} hat erklärt, die Lösung zu übernehmen (Stand: {_label(status)}).",
        url=page.url or "",
    )


def _tell_lead_operating(plan: AdoptionPlan, page: SolutionPage, status: str) -> None:
    lead = page.lead_municipality
    if lead is None or lead.pk == plan.municipality_id:
        return
    town = plan.municipality.name
    reached = "abgeschlossen" if status == AdoptionStatus.COMPLETED else "in Betrieb genommen"
    # Once per plan: „im Betrieb“ and later „abgeschlossen“ are one piece of news for the lead town.
    notify_town(
        lead,
        kind=NoticeKind.ADOPTION_NEWS,
        key=f"adoption:{plan.pk}:operating",
        title=f"{town} hat Ihre Lösung „{page.title}“ {reached}",
        body=f"{town} hat die Lösung erfolgreich übernommen – ein Beleg mehr, dass sie anderswo funktioniert.",
        url=page.url or "",
    )


# --- editors ------------------------------------------------------------------------------------------------


def stopped_reason_publish(adopter_id: int, *, public: bool, user: User, text: str | None = None) -> SolutionAdopter:
    """An editor publishes (or withdraws) the reason a town gave for stopping; with ``text`` the editor's
    shortened wording replaces the town's first (towns write „Bürgermeisterin Müller wollte nicht“; the case
    must not name people), in the same revision as the publication."""
    row = SolutionAdopter.objects.select_related("municipality").filter(pk=adopter_id).first()
    if row is None or row.status != AdoptionStatus.STOPPED:
        raise AdoptionRefused("Diese Übernahme ist nicht (mehr) abgebrochen.")
    changes: dict = {"stopped_reason_public": public}
    if text is not None:
        text = text.strip()
        if len(text) > MAX_REASON:
            raise AdoptionRefused(f"Der Grund ist zu lang (höchstens {MAX_REASON} Zeichen).")
        if not text and not public:
            raise AdoptionRefused(
                "Bitte lassen Sie den Grund nicht leer – die Redaktion braucht ihn für „Was schiefging“."
            )
        if text != row.stopped_reason:
            changes["stopped_reason"] = text
    if public and not changes.get("stopped_reason", row.stopped_reason).strip():
        raise AdoptionRefused("Ohne Grund gibt es nichts zu veröffentlichen.")
    try:
        saved = solution_adopter_save(row.page_id, row.municipality, user=user, **changes)
    except AdopterNotSaved as exc:
        raise AdoptionRefused(str(exc)) from None
    plan = AdoptionPlan.objects.filter(page_id=row.page_id, municipality_id=row.municipality_id).first()
    if plan is not None:
        AdoptionEvent.objects.create(plan=plan, status=AdoptionStatus.STOPPED, by=user, via=EventVia.EDITOR)
    return saved


# --- Meine Daten --------------------------------------------------------------------------------------------


def adoption_personal_data(user: User) -> dict:
    """The plans the person declared and the steps they took, for the export."""
    plans = AdoptionPlan.objects.filter(declared_by=user).select_related("page", "municipality").order_by("pk")
    events = AdoptionEvent.objects.filter(by=user).select_related("plan__page", "plan__municipality").order_by("pk")
    return {
        "adoption_plans": [
            {
                "case": p.page.title,
                "municipality": {"ags": p.municipality.ags, "name": p.municipality.name},
                "declared_at": p.declared_at.isoformat(),
            }
            for p in plans
        ],
        "adoption_steps": [
            {"case": e.plan.page.title, "status": e.status, "via": e.via, "at": e.at.isoformat()} for e in events
        ],
    }


def adoption_delete_for(user: User) -> dict[str, int]:
    """The plans belong to the town and stay; only the link to the person goes."""
    return {
        "adoption_plans_unlinked": AdoptionPlan.objects.filter(declared_by=user).update(declared_by=None),
        "adoption_steps_unlinked": AdoptionEvent.objects.filter(by=user).update(by=None),
    }


def plan_edit_url(plan: AdoptionPlan) -> str:
    return reverse("adoption:edit", args=[plan.pk])
