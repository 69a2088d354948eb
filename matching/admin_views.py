"""Editors' views: a tandem round (applications, assignment, close, confirm) and the queue of hospitation
requests that have no other addressee."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from matching import hospitation, tandem_rounds
from matching.hospitation import RefusedError
from matching.models import HOSPITATION_OPEN_STATES, Addressee, HospitationRequest, TandemRound


def _editor(request) -> None:
    if not request.user.has_perm("matching.change_tandemround"):
        raise PermissionDenied


def round_assignment(request, pk: int):
    _editor(request)
    round = get_object_or_404(TandemRound, pk=pk)
    applications = round.applications.select_related("municipality", "user").prefetch_related("topics")
    pairs = round.pairs.select_related("mentee__municipality", "mentor__municipality")
    return TemplateResponse(
        request,
        "matching/admin/round_assignment.html",
        {
            "round": round,
            "applications": applications,
            "pairs": pairs,
            "unmatched": [a for a in applications if a.unmatched_reason],
            "header_title": round.title,
        },
    )


def _run(request, pk: int, action, success: str):
    _editor(request)
    try:
        action(pk)
        messages.success(request, success)
    except RefusedError as exc:
        messages.error(request, str(exc))
    return redirect("matching_admin:round", pk=pk)


@require_POST
def round_close(request, pk: int):
    return _run(
        request,
        pk,
        tandem_rounds.tandem_round_close,
        "Bewerbung geschlossen, Zuordnung berechnet. Bitte prüfen und bestätigen.",
    )


@require_POST
def round_confirm(request, pk: int):
    return _run(
        request,
        pk,
        tandem_rounds.tandem_round_confirm,
        "Zuordnung bestätigt; alle Bewerber:innen werden benachrichtigt.",
    )


# --- Hospitation requests that only the editors can pass on -------------------------------------------


def _queue_editor(request) -> None:
    if not request.user.has_perm("matching.view_hospitationrequest"):
        raise PermissionDenied


def hospitation_queue(request):
    """Requests whose host has neither an approved member nor a contact with an address: the editors
    forward them (answer link to an address they found), answer them themselves, or decline them."""
    _queue_editor(request)
    items = (
        HospitationRequest.objects.filter(addressee=Addressee.EDITORS)
        .select_related("solution", "host", "visitor")
        .prefetch_related("links")
        .order_by("-created_at")
    )
    open_items = [i for i in items if i.status in HOSPITATION_OPEN_STATES]
    done_items = [i for i in items if i.status not in HOSPITATION_OPEN_STATES][:50]
    return TemplateResponse(
        request,
        "matching/admin/hospitation_queue.html",
        {"open_items": open_items, "done_items": done_items, "header_title": "Hospitationsanfragen an die Redaktion"},
    )


@require_POST
def hospitation_queue_action(request, pk: int):
    _queue_editor(request)
    action = request.POST.get("action", "")
    try:
        if action == "weiterleiten":
            email = request.POST.get("email", "").strip()
            try:
                validate_email(email)
            except ValidationError:
                raise RefusedError("Bitte eine gültige E-Mail-Adresse zum Weiterleiten angeben.") from None
            hospitation.hospitation_editor_forward(pk, request.user, email)
            messages.success(request, f"Weitergeleitet an {email}; die Antwort kommt über einen Einmal-Link.")
        elif action in hospitation.ANSWERS:
            hospitation.hospitation_editor_answer(
                pk,
                request.user,
                action,
                request.POST.get("note", "")[:2000],
                request.POST.get("proposed_date", "")[:200],
            )
            messages.success(request, "Antwort gespeichert; die anfragende Kommune ist informiert.")
        else:
            raise RefusedError("Unbekannte Aktion.")
    except RefusedError as exc:
        messages.error(request, str(exc))
    return redirect("matching_queue:list")
