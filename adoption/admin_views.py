"""„Abbruchgründe“ in the Wagtail admin: every stopped adoption with the town's reason, and the editors' choice to
publish it on the case (for „Was schiefging“) or to withdraw it again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from adoption.selectors import stopped_adoptions, stopped_dates
from adoption.services import AdoptionRefused, stopped_reason_publish
from core.fields import MAX_ID
from solutions.models import SolutionIndexPage


def may_review(user) -> bool:
    """Publishing a reason changes a case's public content: whoever may publish cases may do it."""
    if not user.is_active:
        return False
    index = SolutionIndexPage.objects.first()
    return index is not None and index.permissions_for_user(user).can_publish_subpage()


def stopped_list(request):
    if not may_review(request.user):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action")
        raw = request.POST.get("adopter", "")
        if action not in ("veroeffentlichen", "zurueckziehen") or not raw.isdigit() or int(raw) > MAX_ID:
            messages.error(request, "Diese Aktion gibt es nicht.")
            return redirect("adoption_admin:stopped")
        try:
            row = stopped_reason_publish(int(raw), public=action == "veroeffentlichen", user=request.user)
        except AdoptionRefused as exc:
            messages.error(request, str(exc))
        else:
            if row.stopped_reason_public:
                messages.success(request, f"Der Grund von {row.municipality.name} steht jetzt auf „{row.page.title}“.")
            else:
                messages.success(request, f"Der Grund von {row.municipality.name} ist nicht mehr öffentlich.")
        return redirect("adoption_admin:stopped")
    rows = list(stopped_adoptions())
    dates = stopped_dates(rows)
    return TemplateResponse(
        request,
        "adoption/admin/stopped_list.html",
        {"rows": [(row, dates.get(row.pk)) for row in rows], "header_title": "Abbruchgründe"},
    )
