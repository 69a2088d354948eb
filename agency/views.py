"""Pages of the Matching-Agentur: the public list and page of needs, posting and managing a town's needs,
the town's opt-out, and introductions with consent (also in „Meine Anfragen“)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from adoption.selectors import plans_of_town
from agency import matches
from agency import services as agency
from agency.forms import NeedFilterForm, NeedForm
from agency.introductions import (
    agree_label,
    introduction_contacts,
    introduction_reasons_for,
    introduction_side,
    introductions_of_town,
)
from agency.models import Introduction, IntroductionSide, IntroductionStatus, Need, NeedKind, NeedState
from agency.selectors import needs_filtered
from core.ratelimit import ratelimit
from matching.my_requests import requests_overview
from solutions.models import SolutionPage

PAGE_SIZE = 20
logger = logging.getLogger(__name__)


def _member(request: HttpRequest):
    return getattr(request.user, "membership", None) if request.user.is_authenticated else None


def need_list(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "agency/need_list.html", {"form": form, "page": None}, status=400)
    values = form.cleaned_data if request.GET else {}
    chosen = {name: values.get(name, "") for name in ("topic", "state", "size_class", "kind")}
    needs = needs_filtered(**chosen)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in chosen.items() if value})
    return render(
        request,
        "agency/need_list.html",
        {"form": form, "page": page, "query": query, "filtered": any(chosen.values())},
    )


def _visible_need(request: HttpRequest, ref: str) -> tuple[Need, bool]:
    """The need if the public may see it (or, closed, may learn that it is closed), or the viewer belongs to
    its town; else 404."""
    need = Need.objects.select_related("municipality").prefetch_related("topics").filter(ref=ref[:80]).first()
    if need is None:
        raise Http404
    member = _member(request)
    own = member is not None and member.municipality_id == need.municipality_id
    was_public = need.state == NeedState.CLOSED and need.published_at is not None
    if not own and not agency.need_is_public(need) and not was_public:
        raise Http404  # pending, hidden or expired needs (and one closed before approval) look missing
    return need, own


def need_detail(request: HttpRequest, ref: str) -> HttpResponse:
    need, own = _visible_need(request, ref)
    if need.state == NeedState.CLOSED and not own:
        # Links to a closed need live on in mails and notes: say what happened instead of „gibt es nicht“.
        return render(request, "agency/need_closed.html", {"need": need}, status=410)
    found = matches.NeedMatches()
    unavailable = False
    if need.state == NeedState.OPEN:
        try:
            found = matches.need_matches(need)
        except Exception:  # the page (town, text) is worth showing even when matching fails (index down)
            logger.exception("Treffer für das Gesuch %s nicht verfügbar", need.ref)
            unavailable = True
    return render(
        request,
        "agency/need_detail.html",
        {
            "need": need,
            "own": own,
            "public": agency.need_is_public(need),
            "found": found,
            "unavailable": unavailable,
            "is_partner": need.kind == NeedKind.PARTNER,
            "introduced": need.introductions.count() if own else 0,
            "renewable": own and agency.need_renewable(need),
        },
    )


@login_required
@ratelimit("submission")
def need_new(request: HttpRequest) -> HttpResponse:
    member = _member(request)  # pending members may post too; their needs wait for the editors
    if member is None:
        return render(request, "agency/need_no_member.html", status=403)
    form = NeedForm(request.POST or None)
    context = {"form": form, "member": member, "editing": None}
    if request.method == "POST" and form.is_valid():
        try:
            need = agency.need_create(member, **form.cleaned_data)
        except agency.NeedRefused as exc:
            form.add_error(None, str(exc))
            return render(request, "agency/need_form.html", context, status=400)
        if need.state == NeedState.OPEN:
            messages.success(request, "Ihr Gesuch ist veröffentlicht. Passende Kommunen werden vorgestellt.")
        else:
            messages.success(
                request,
                "Ihr Gesuch ist eingegangen. Es erscheint, sobald die Redaktion Ihre Mitgliedschaft oder das "
                "Gesuch bestätigt hat.",
            )
        return redirect("agency:need", ref=need.ref)
    return render(request, "agency/need_form.html", context, status=400 if form.errors else 200)


def _own_need(request: HttpRequest, ref: str) -> Need:
    try:
        return agency.need_of_town(ref[:80], _member(request))
    except Need.DoesNotExist:
        raise Http404 from None  # another town's need looks exactly like a missing one


@login_required
@ratelimit("submission")
def need_edit(request: HttpRequest, ref: str) -> HttpResponse:
    need = _own_need(request, ref)
    initial = {
        "title": need.title,
        "description": need.description,
        "topics": list(need.topics.all()),
        "kind": need.kind,
        "radius_km": need.radius_km,
        "expires": need.expires,
    }
    form = NeedForm(request.POST or None, initial=initial)
    context = {"form": form, "member": _member(request), "editing": need}
    if request.method == "POST" and form.is_valid():
        try:
            agency.need_update(need.ref, _member(request), **form.cleaned_data)
        except agency.NeedRefused as exc:
            form.add_error(None, str(exc))
            return render(request, "agency/need_form.html", context, status=409)
        except Need.DoesNotExist:
            raise Http404 from None
        messages.success(request, "Ihre Änderungen sind gespeichert.")
        return redirect("agency:need", ref=need.ref)
    return render(request, "agency/need_form.html", context, status=400 if form.errors else 200)


CONFIRM_FIELD = "bestaetigt"


@require_http_methods(["GET", "POST"])
@login_required
def need_action(request: HttpRequest, ref: str, action: str) -> HttpResponse:
    need = _own_need(request, ref)
    act = {"verlaengern": agency.need_renew, "schliessen": agency.need_close}.get(action)
    if act is None:
        raise Http404
    # Back to where the member pressed the button: the need's page or the town's list.
    back = redirect("agency:need", ref=need.ref) if request.POST.get("zurueck") == "gesuch" else redirect("agency:mine")
    if action == "schliessen" and (request.method == "GET" or request.POST.get(CONFIRM_FIELD) != "ja"):
        # Closing cannot be undone: it is asked once more, on a page of its own (works without JavaScript).
        if need.state == NeedState.CLOSED:
            messages.error(request, "Dieses Gesuch ist bereits geschlossen.")
            return redirect("agency:mine")
        return render(request, "agency/need_close_confirm.html", {"need": need, "confirm_field": CONFIRM_FIELD})
    if request.method == "GET":
        return redirect("agency:need", ref=need.ref)  # renewing is a POST; a GET of its address shows the need
    try:
        changed = act(need.ref, _member(request))
    except agency.NeedRefused as exc:
        messages.error(request, str(exc))
        return back
    if action == "verlaengern":
        messages.success(request, f"Verlängert bis {changed.expires:%d.%m.%Y}.")
        return back
    messages.success(request, "Das Gesuch ist geschlossen und erscheint nicht mehr in der Liste.")
    return redirect("agency:mine")


@login_required
def my_needs(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return render(request, "agency/need_no_member.html", status=403)
    needs = list(Need.objects.filter(municipality_id=member.municipality_id).order_by("-created_at"))
    return render(
        request,
        "agency/my_needs.html",
        {
            "member": member,
            "needs": needs,
            "renewable": {need.pk for need in needs if agency.need_renewable(need)},
            "introductions_on": agency.town_introductions_on(member.municipality),
        },
    )


@require_POST
@login_required
def town_setting(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None or not member.approved:
        messages.error(request, "Diese Einstellung können nur bestätigte Mitglieder der Kommune ändern.")
        return redirect("agency:mine") if member is not None else redirect("agency:list")
    on = request.POST.get("introductions") == "1"
    agency.town_introductions_set(member.municipality, on=on, by=request.user)
    if on:
        messages.success(request, "Die Matching-Agentur darf Ihre Kommune wieder vorstellen.")
    else:
        messages.success(request, "Die Matching-Agentur stellt Ihre Kommune niemandem mehr vor.")
    return redirect("agency:mine")


# --- introductions --------------------------------------------------------------------------------------


def _introduction_rows(municipality_id: int) -> list[dict]:
    rows = []
    for item in introductions_of_town(municipality_id):
        side = introduction_side(item, municipality_id)
        mine_agreed = item.seeker_agreed_at if side == IntroductionSide.SEEKER else item.helper_agreed_at
        rows.append(
            {
                "item": item,
                "other": item.municipality if side == IntroductionSide.SEEKER else item.need.municipality,
                "side": side,
                "waiting_for_us": item.status == IntroductionStatus.OFFERED and mine_agreed is None,
            }
        )
    return rows


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """„Meine Anfragen“: hospitation and tandems (from matching) plus the agency's introductions."""
    context = requests_overview(request.user)
    member = context.get("member")
    context["introductions"] = _introduction_rows(member.municipality_id) if member is not None else []
    context["plans"] = plans_of_town(member.municipality_id) if member is not None and member.approved else []
    return render(request, "agency/my_requests.html", context)


def _introduction_for(request: HttpRequest, pk: int) -> tuple[Introduction, str]:
    member = _member(request)
    municipality_id = member.municipality_id if member is not None else None
    item = introductions_of_town(municipality_id).select_related("seeker_agreed_by", "helper_agreed_by")
    item = item.filter(pk=pk).first()
    if item is None:
        raise Http404  # another town's introduction looks exactly like a missing one
    return item, introduction_side(item, municipality_id)


@login_required
def introduction_detail(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    item, side = _introduction_for(request, pk)
    mine_agreed = item.seeker_agreed_at if side == IntroductionSide.SEEKER else item.helper_agreed_at
    other_agreed = item.helper_agreed_at if side == IntroductionSide.SEEKER else item.seeker_agreed_at
    member = _member(request)
    return render(
        request,
        "agency/introduction_detail.html",
        {
            "item": item,
            "side": side,
            "is_seeker": side == IntroductionSide.SEEKER,
            "other": item.municipality if side == IntroductionSide.SEEKER else item.need.municipality,
            "contacts": introduction_contacts(item),
            "cases": SolutionPage.objects.live().filter(slug__in=item.cases or []).order_by("title"),
            "can_answer": item.status == IntroductionStatus.OFFERED and mine_agreed is None and member.approved,
            "mine_agreed": mine_agreed,
            "other_agreed": other_agreed,
            "agree_label": agree_label(item, side),
            "reasons": introduction_reasons_for(item, side),
        },
        status=status,
    )


@require_POST
@login_required
@ratelimit("hospitation")
def introduction_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in agency.ACTIONS:
        raise Http404
    try:
        agency.introduction_answer(pk, _member(request), action)
    except Introduction.DoesNotExist:
        raise Http404 from None
    except agency.NeedRefused as exc:
        messages.error(request, str(exc))
        return introduction_detail(request, pk, status=409)
    if action == "ablehnen":
        messages.success(request, "Abgelehnt. Die andere Kommune wurde informiert.")
    else:
        messages.success(request, "Danke für Ihre Zusage. Die andere Kommune wurde informiert.")
    return redirect("agency:introduction", pk=pk)
