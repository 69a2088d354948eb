"""„Abbruchgründe“ in the Wagtail admin: every stopped adoption with the town's reason, and the editors' choice to
publish it on the case (for „Was schiefging“) or to withdraw it again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from adoption.selectors import stopped_adoptions, stopped_dates
from adoption.services import MAX_REASON, AdoptionRefused, stopped_reason_publish
from core.fields import MAX_ID
from solutions.models import SolutionIndexPage


def may_review(user) -> bool:
    """Publishing a reason changes a case's public content: whoever may publish cases may do it."""
    if not user.is_active:
        return False
    index = SolutionIndexPage.objects.first()
    return index is not None and index.permissions_for_user(user).can_publish_subpage()


ACTIONS = ("veroeffentlichen", "speichern", "zurueckziehen")


def stopped_list(request):
    if not may_review(request.user):
        raise PermissionDenied
    edited: dict[int, str] = {}
    problems: dict[int, str] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        raw = request.POST.get("adopter", "")
        if action not in ACTIONS or not raw.isdigit() or int(raw) > MAX_ID:
            messages.error(request, "Diese Aktion gibt es nicht.")
            return redirect("adoption_admin:stopped")
        # Without the field (an older form) the reason is published as it stands.
        text = request.POST.get("reason")
        public = action == "veroeffentlichen" or (action == "speichern" and request.POST.get("public") == "1")
        try:
            row = stopped_reason_publish(int(raw), public=public, user=request.user, text=text)
        except AdoptionRefused as exc:
            if text is None:
                messages.error(request, str(exc))
                return redirect("adoption_admin:stopped")
            # The editor's wording stays in the field, with the problem next to it.
            edited[int(raw)], problems[int(raw)] = text, str(exc)
        else:
            if row.stopped_reason_public:
                messages.success(request, f"Der Grund von {row.municipality.name} steht jetzt auf „{row.page.title}“.")
            elif action == "speichern":
                messages.success(request, f"Der Grund von {row.municipality.name} ist gespeichert (nicht öffentlich).")
            else:
                messages.success(request, f"Der Grund von {row.municipality.name} ist nicht mehr öffentlich.")
            return redirect("adoption_admin:stopped")
    rows = list(stopped_adoptions())
    dates = stopped_dates(rows)
    return TemplateResponse(
        request,
        "adoption/admin/stopped_list.html",
        {
            "rows": [
                (row, dates.get(row.pk), edited.get(row.pk, row.stopped_reason), problems.get(row.pk, ""))
                for row in rows
            ],
            "header_title": "Abbruchgründe",
            "max_reason": MAX_REASON,
        },
        status=400 if problems else 200,
    )
