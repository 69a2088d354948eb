"""Editors' view of a tandem round: applications, the computed assignment, close and confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from matching import tandem_rounds
from matching.hospitation import RefusedError
from matching.models import TandemRound


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
