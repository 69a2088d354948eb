"""Editors' moderation of needs: approve a pending (or hidden) need, hide one with a note."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from agency import services as agency
from agency.forms import HideForm
from agency.models import Need


def _editor(request) -> None:
    if not request.user.has_perm("agency.change_need"):
        raise PermissionDenied


def need_moderation(request, pk: int):
    _editor(request)
    need = get_object_or_404(Need.objects.select_related("municipality").prefetch_related("topics"), pk=pk)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "freigeben":
                agency.need_approve(need.pk, request.user)
                messages.success(request, f"„{need.title}“ ist freigegeben und öffentlich.")
                return redirect("agency_moderation:need", pk=need.pk)
            if request.POST.get("action") == "verbergen" and form.is_valid():
                agency.need_hide(need.pk, request.user, form.cleaned_data["note"])
                messages.success(request, f"„{need.title}“ ist verborgen; die Kommune sieht den Grund.")
                return redirect("agency_moderation:need", pk=need.pk)
        except agency.NeedRefused as exc:
            messages.error(request, str(exc))
    return TemplateResponse(
        request,
        "agency/admin/need_moderation.html",
        {
            "need": need,
            "form": form,
            "introductions": need.introductions.select_related("municipality"),
            "header_title": need.title,
        },
        status=400 if form.errors else 200,
    )
