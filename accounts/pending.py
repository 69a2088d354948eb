"""An account whose membership the editors have not approved yet: what the person is told.

After login (accounts/views.py LoginView) and on every page: ``pending_context`` is a template
context processor for the banner templates/registration/pending_banner.html (in base.html)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts.selectors import membership_pending_get
from municipalities.models import MunicipalityMember


def pending_notice(member: MunicipalityMember) -> str:
    return _(
        "Ihr Konto wartet auf die Freigabe durch die Redaktion: Sie prüft, ob Sie für %(town)s handeln dürfen. "
        "Bis dahin können Sie Praxisbeispiele lesen und suchen; Hospitationen anfragen, Praxisbeispiele "
        "einreichen und sich für Tandems bewerben können Sie nach der Freigabe. Sie erhalten dann eine E-Mail."
    ) % {"town": member.municipality.name}


def pending_context(request: HttpRequest) -> dict:
    """``pending_notice``: the notice while the signed-in person's membership waits, else "" (looked up
    only when a template asks)."""

    def notice() -> str:
        member = membership_pending_get(getattr(request, "user", None))
        return pending_notice(member) if member is not None else ""

    return {"pending_notice": SimpleLazyObject(notice)}
