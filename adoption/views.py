"""Thin views: „Wir setzen das auch um“ (declare), a plan of „Unsere Vorhaben“ (edit), and the reminder's status
link (no login: GET shows, POST applies)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from adoption import services
from adoption.forms import PLATFORM, PlanForm, StatusLinkForm, declaration_form, outcome_formset
from adoption.links import VALID_DAYS, LinkProblem, status_check
from adoption.models import AdoptionPlan
from adoption.services import AdoptionRefused, PlanChanges, adopter_row, adoption_statuses_next, learned_from_choices
from core.fields import MAX_ID
from core.ratelimit import ratelimit
from notifications.selectors import member_approved_get
from solutions.choices import AdoptionStatus
from solutions.models import SolutionPage

NOT_A_MEMBER = (
    "„Wir setzen das auch um“ können bestätigte Mitglieder einer Kommune erklären. Ihr Konto ist noch keiner "
    "Kommune zugeordnet oder noch nicht von der Redaktion bestätigt."
)


def _live_case(page_id: int) -> SolutionPage:
    if page_id > MAX_ID:
        raise Http404
    page = SolutionPage.objects.live().select_related("lead_municipality").filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


def _outcomes(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@login_required
@ratelimit("submission")
def declare(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _live_case(page_id)
    member = member_approved_get(request.user)
    if member is None:
        return render(
            request, "adoption/refused.html", {"title": "Nur für Mitglieder", "text": NOT_A_MEMBER}, status=403
        )
    town = member.municipality
    if page.lead_municipality_id == town.pk:
        text = (
            f"{town.name} ist die federführende Kommune dieses Praxisbeispiels. „Wir setzen das auch um“ erklären "
            "Kommunen, die die Lösung von Ihnen übernehmen – sie erscheinen dann auf Ihrem Praxisbeispiel."
        )
        return render(
            request, "adoption/refused.html", {"title": "Ihre eigene Lösung", "text": text, "case": page}, status=409
        )
    plan = AdoptionPlan.objects.filter(page=page, municipality=town).first()
    row = adopter_row(page.pk, town.pk)
    if plan is not None and row is not None and row.status != AdoptionStatus.STOPPED:
        messages.info(request, f"{town.name} hat dieses Vorhaben schon erklärt. Hier können Sie den Stand ändern.")
        return redirect("adoption:edit", pk=plan.pk)
    teachers = learned_from_choices(page, town)
    form = declaration_form(request.POST or None, teachers=teachers, lead_id=page.lead_municipality_id)
    formset = outcome_formset(request.POST or None)
    context = {"form": form, "formset": formset, "case": page, "town": town, "plan": None, "restart": plan is not None}
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                plan = services.adoption_declare(page.pk, member, form.changes(_outcomes(formset)))
            except AdoptionRefused as exc:
                form.add_error(None, str(exc))
                return render(request, "adoption/plan_form.html", context, status=409)
            messages.success(
                request,
                f"Danke! {town.name} steht jetzt auf „{page.title}“. Wir fragen in drei Monaten nach, wie weit "
                "Sie sind.",
            )
            return redirect(reverse("agency:requests") + "#vorhaben")
        return render(request, "adoption/plan_form.html", context, status=400)
    return render(request, "adoption/plan_form.html", context)


@login_required
@ratelimit("hospitation")  # updates are frequent and small: the hourly budget of a request, not a day's submissions
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_approved_get(request.user)
    try:
        plan = services.plan_of_town(min(pk, MAX_ID), member)
    except AdoptionPlan.DoesNotExist:
        raise Http404 from None  # another town's plan looks exactly like a missing one
    page = plan.page
    row = adopter_row(plan.page_id, plan.municipality_id)
    if row is None:
        messages.info(
            request, "Die Redaktion hat Ihre Kommune von diesem Praxisbeispiel genommen. Sie können es neu erklären."
        )
        return redirect("adoption:declare", page_id=page.pk)
    teachers = learned_from_choices(page, plan.municipality)
    form = PlanForm(request.POST or None, statuses=adoption_statuses_next(row.status), teachers=teachers)
    initial = {
        "status": row.status,
        "started_on": row.started_on,
        "learned_from": str(row.learned_from_id) if row.learned_from_id else PLATFORM,
        "notes": row.notes,
        "stopped_reason": row.stopped_reason,
    }
    if request.method != "POST":
        form.initial = initial
    formset = outcome_formset(request.POST or None, initial=row.outcomes or [])
    context = {
        "form": form,
        "formset": formset,
        "case": page,
        "town": plan.municipality,
        "plan": plan,
        "current": row,
        "events": plan.events.order_by("-at", "-pk")[:10],
    }
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                services.adoption_update(plan.pk, member, form.changes(_outcomes(formset)))
            except AdoptionRefused as exc:
                form.add_error(None, str(exc))
                return render(request, "adoption/plan_form.html", context, status=409)
            label = AdoptionStatus(form.cleaned_data["status"]).label
            messages.success(request, f"Gespeichert: „{page.title}“ – Stand „{label}“.")
            return redirect(reverse("agency:requests") + "#vorhaben")
        return render(request, "adoption/plan_form.html", context, status=400)
    return render(request, "adoption/plan_form.html", context)


PROBLEMS = {
    "invalid": (
        "Link ungültig",
        "Dieser Link ist ungültig – vielleicht wurde er beim Kopieren verändert. Den Stand Ihres Vorhabens "
        "können Sie nach der Anmeldung unter „Meine Anfragen“ ändern.",
    ),
    "expired": (
        "Link abgelaufen",
        f"Dieser Link galt {VALID_DAYS} Tage und ist abgelaufen. Den Stand Ihres Vorhabens können Sie nach der "
        "Anmeldung unter „Meine Anfragen“ ändern.",
    ),
    "used": (
        "Link bereits benutzt",
        "Mit diesem Link wurde schon geantwortet – danke! Ändern können Sie den Stand nach der Anmeldung unter "
        "„Meine Anfragen“.",
    ),
}
STATUS_BY_PROBLEM = {"invalid": 400, "expired": 410, "used": 409}


def _problem(request: HttpRequest, kind: str, text: str = "") -> HttpResponse:
    title, default = PROBLEMS.get(kind, ("Nicht möglich", ""))
    context = {"title": title, "text": text or default, "login": True}
    return render(request, "adoption/refused.html", context, status=STATUS_BY_PROBLEM.get(kind, 409))


@csrf_exempt  # the signed token is the proof; it arrives from a mail, often in a browser without a session
@ratelimit("login")  # no account to count: per address, like guessing a login
def status_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the current status and the choices (mail scanners open links: nothing changes on GET);
    POST applies the answer, once."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        reminder, user = status_check(token)
    except LinkProblem as problem:
        return _problem(request, problem.kind)
    plan = reminder.plan
    row = adopter_row(plan.page_id, plan.municipality_id)
    if row is None or row.status == AdoptionStatus.STOPPED:
        text = (
            "Dieses Vorhaben ist inzwischen abgebrochen oder von der Redaktion entfernt. Wenn Ihre Kommune es "
            "wieder aufnimmt, erklären Sie es nach der Anmeldung neu."
        )
        return _problem(request, "closed", text)
    form = StatusLinkForm(
        request.POST or None,
        current=row.status,
        statuses=adoption_statuses_next(row.status),
        started_on=row.started_on,
    )
    context = {"form": form, "plan": plan, "current": row, "token": token}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "adoption/status_link.html", context, status=400)
        changes = PlanChanges(
            status=form.cleaned_data["status"],
            started_on=form.cleaned_data.get("started_on") or row.started_on,
            learned_from=row.learned_from,
            notes=row.notes,
            outcomes=row.outcomes or [],
            stopped_reason=form.cleaned_data.get("stopped_reason") or "",
        )
        try:
            with transaction.atomic():
                services.reminder_answer(reminder.pk, user, changes)
        except AdoptionRefused as exc:
            return _problem(request, "used" if "bereits benutzt" in str(exc) else "closed", str(exc))
        label = AdoptionStatus(changes.status).label
        return render(request, "adoption/status_done.html", {"plan": plan, "label": label})
    return render(request, "adoption/status_link.html", context)
