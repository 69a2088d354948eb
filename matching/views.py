from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.ratelimit import ratelimit
from matching import hospitation as flow
from matching import tandem_rounds
from matching.addressee import hospitation_addressee
from matching.consent import hospitation_contacts_shared
from matching.forms import DecisionForm, FeedbackForm, HospitationRequestForm, TandemApplicationForm
from matching.links import LinkProblem, hospitation_link_get
from matching.models import (
    HOSPITATION_OPEN_STATES,
    Addressee,
    HospitationRequest,
)
from matching.my_requests import requests_overview
from municipalities.models import Municipality
from solutions.models import SolutionPage
from solutions.selectors import solutions_with_hosts


def _member(request: HttpRequest):
    return getattr(request.user, "membership", None)


SENT = {
    Addressee.MEMBERS: gettext_lazy("Ihre Anfrage wurde an die Verwaltung von %(host)s gesendet."),
    Addressee.CONTACT: gettext_lazy(
        "Ihre Anfrage wurde an die Ansprechperson des Praxisbeispiels in %(host)s gesendet; sie antwortet über "
        "einen persönlichen Link."
    ),
    Addressee.EDITORS: gettext_lazy(
        "Ihre Anfrage wurde an die Redaktion gesendet. Sie leitet sie an %(host)s weiter und meldet sich bei Ihnen."
    ),
}


def _hospitation_start(request: HttpRequest, *, unknown: bool = False) -> HttpResponse:
    """Without a case: how to ask for a visit, and the cases whose towns receive visitors."""
    cases = solutions_with_hosts(SolutionPage.objects.live()).select_related("lead_municipality").order_by("title")
    return render(
        request,
        "matching/hospitation_start.html",
        {"cases": cases[:100], "unknown": unknown},
        status=404 if unknown else 200,
    )


@ratelimit("hospitation")
def hospitation_new(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("fall", "")[:255]
    if not slug:
        return _hospitation_start(request)
    solution = SolutionPage.objects.live().filter(slug=slug).first()
    if solution is None:
        return _hospitation_start(request, unknown=True)
    hosts = flow.hosts_with_capacity_left(solution)
    wanted = request.POST.get("host") or request.GET.get("gastgeber", "")
    host = next((m for m in hosts if m.ags == wanted[:8]), hosts[0] if hosts else None)
    # Each host with the sentence naming who will receive the request, chosen by the one rule.
    choices = [(m, hospitation_addressee(solution, m)) for m in hosts]
    context = {"solution": solution, "hosts": hosts, "host": host, "choices": choices}
    if not request.user.is_authenticated:
        return render(request, "matching/hospitation_login.html", context)
    member = _member(request)
    form = HospitationRequestForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        chosen = Municipality.objects.filter(ags=request.POST.get("host", "")[:8]).first()
        try:
            created = flow.hospitation_request(
                member=member, solution=solution, host=chosen or host, **form.cleaned_data
            )
        except flow.RefusedError as exc:
            # The bound form keeps everything typed; nothing was stored.
            messages.error(request, str(exc))
            if isinstance(exc, flow.DeliveryError):
                status = 503
            else:
                status = 429 if isinstance(exc, flow.DailyQuotaError) else 400
            return render(request, "matching/hospitation_form.html", context, status=status)
        messages.success(request, SENT[created.addressee] % {"host": created.host.name})
        return redirect("matching:request", pk=created.pk)
    return render(request, "matching/hospitation_form.html", context, status=400 if form.errors else 200)


LINK_PAGES = {
    "invalid": (
        404,
        gettext_lazy("Dieser Link ist ungültig"),
        gettext_lazy(
            "Der Link ist unvollständig oder wurde verändert. Bitte öffnen Sie ihn direkt aus der E-Mail oder "
            "kopieren Sie ihn vollständig."
        ),
    ),
    "expired": (
        410,
        gettext_lazy("Dieser Link ist abgelaufen"),
        gettext_lazy(
            "Aus Sicherheitsgründen gilt ein Antwort-Link nur begrenzte Zeit. Bitte schreiben Sie der Redaktion; "
            "sie schickt Ihnen einen neuen."
        ),
    ),
    "used": (
        410,
        gettext_lazy("Dieser Link wurde bereits verwendet"),
        gettext_lazy(
            "Mit diesem Link wurde schon geantwortet; jeder Link gilt nur für eine Antwort. Die anfragende Kommune "
            "ist informiert."
        ),
    ),
}


def _link_problem(request: HttpRequest, kind: str) -> HttpResponse:
    status, title, text = LINK_PAGES[kind]
    return render(request, "matching/answer_problem.html", {"title": title, "text": text}, status=status)


@ratelimit("hospitation")
def hospitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page of a single-use answer link: accept, decline or propose a date, without an account."""
    try:
        link = hospitation_link_get(token)
    except LinkProblem as problem:
        return _link_problem(request, problem.kind)
    item = link.request
    form = DecisionForm(request.POST or None)
    context = {"item": item, "form": form, "is_open": item.status in HOSPITATION_OPEN_STATES}
    if request.method != "POST":
        return render(request, "matching/answer.html", context)
    action = request.POST.get("action", "")
    if not form.is_valid() or action not in flow.ANSWERS:
        form.add_error(None, _("Bitte wählen Sie Annehmen, Ablehnen oder einen anderen Termin."))
        return render(request, "matching/answer.html", context, status=400)
    try:
        answered = flow.hospitation_link_answer(
            token, action, form.cleaned_data["note"], form.cleaned_data["proposed_date"]
        )
    except LinkProblem as problem:  # used or expired between showing the form and sending it
        return _link_problem(request, problem.kind)
    except flow.RefusedError as exc:
        form.add_error(None, str(exc))
        status = 503 if isinstance(exc, flow.DeliveryError) else 409
        return render(request, "matching/answer.html", context, status=status)
    return render(request, "matching/answer_done.html", {"item": answered})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """Hospitation and tandems only; the site serves „Meine Anfragen“ from agency.views.my_requests, which
    adds the agency's introductions to the same context."""
    return render(request, "matching/my_requests.html", requests_overview(request.user))


@login_required
@ratelimit("tandem")
def tandem_apply(request: HttpRequest) -> HttpResponse:
    round = tandem_rounds.tandem_round_open_now()
    form = TandemApplicationForm(request.POST or None)
    context = {"round": round, "form": form}
    if round is None:
        return render(request, "matching/tandem_form.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tandem_rounds.tandem_apply(
                member=_member(request),
                round=round,
                role=data["role"],
                in_office_since=data["in_office_since"],
                topics=list(data["topics"]),
                capacity=data["capacity"] or 1,
                max_distance_km=data["max_distance_km"],
                same_state_only=data["same_state_only"],
                partner_size_classes=data["partner_size_classes"],
                note=data["note"],
            )
        except flow.RefusedError as exc:
            form.add_error(None, str(exc))
            return render(request, "matching/tandem_form.html", context, status=400)
        messages.success(request, _("Ihre Bewerbung ist eingegangen. Nach Ende der Bewerbungsfrist melden wir uns."))
        return redirect("matching:requests")
    return render(request, "matching/tandem_form.html", context, status=400 if form.errors else 200)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    municipality_id = member.municipality_id if member else None
    item = (
        HospitationRequest.objects.select_related("solution", "host", "visitor", "requested_by", "decided_by")
        .filter(Q(visitor_id=municipality_id) | Q(host_id=municipality_id), pk=pk)
        .first()
    )
    if item is None:  # another municipality's request looks exactly like a missing one
        raise Http404
    is_host = item.host_id == municipality_id
    shared = hospitation_contacts_shared(item)
    return render(
        request,
        "matching/request_detail.html",
        {
            "item": item,
            "is_host": is_host,
            "is_open": item.status in HOSPITATION_OPEN_STATES,
            "contact_visible": shared,
            "answerer": flow.hospitation_answerer(item) if shared else None,
            "addressee": item.get_addressee_display(),
            "decision_form": DecisionForm(),
            "feedback_form": FeedbackForm(),
        },
    )


@require_POST
@login_required
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = _member(request)
    form = DecisionForm(request.POST) if action in ("annehmen", "ablehnen", "termin") else None
    note = form.cleaned_data["note"] if form is not None and form.is_valid() else ""
    try:
        if action == "annehmen":
            flow.hospitation_accept(pk, member, note)
            messages.success(request, _("Angenommen. Beide Seiten sehen jetzt die Kontaktdaten."))
        elif action == "ablehnen":
            flow.hospitation_decline(pk, member, note)
            messages.success(request, _("Abgelehnt. Die anfragende Kommune wurde informiert."))
        elif action == "termin":
            proposed = form.cleaned_data.get("proposed_date", "") if form is not None and form.is_valid() else ""
            flow.hospitation_propose_date(pk, member, proposed, note)
            messages.success(request, _("Ihr Terminvorschlag wurde übermittelt."))
        elif action == "termin-annehmen":
            flow.hospitation_agree_date(pk, member)
            messages.success(request, _("Termin bestätigt; die Gastgeber entscheiden jetzt."))
        elif action == "zurueckziehen":
            flow.hospitation_cancel(pk, member)
            messages.success(request, _("Anfrage zurückgezogen."))
        elif action == "rueckmeldung":
            feedback = FeedbackForm(request.POST)
            if not feedback.is_valid():
                raise flow.RefusedError(_("Bitte beide Fragen beantworten."))
            flow.hospitation_feedback(pk, member, **feedback.cleaned_data)
            messages.success(request, _("Danke für Ihre Rückmeldung!"))
        else:
            raise Http404
    except flow.RefusedError as exc:
        messages.error(request, str(exc))
        response = request_detail(request, pk)  # 404 if the request is not theirs at all
        response.status_code = 409
        return response
    return redirect("matching:request", pk=pk)
