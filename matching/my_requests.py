"""What „Meine Anfragen“ lists from this floor: the town's hospitation requests (sent and received) and the
account's tandems. The page itself is composed above (``agency.views.my_requests`` adds the agency's
introductions), so that matching need not know the floors above it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from matching import tandem_rounds
from matching.models import HospitationRequest, TandemApplication


def requests_overview(user: User) -> dict[str, Any]:
    """The template context of ``matching/my_requests.html`` for one account; ``member`` is None for an
    account without a municipality."""
    member = getattr(user, "membership", None)
    if member is None:
        return {"member": None}
    related = HospitationRequest.objects.select_related("solution", "host", "visitor")
    return {
        "member": member,
        "sent": related.filter(visitor=member.municipality),
        "received": related.filter(host=member.municipality),
        "tandems": tandem_rounds.tandems_list(user),
        "applications": TandemApplication.objects.filter(user=user).select_related("round"),
        "open_round": tandem_rounds.tandem_round_open_now(),
    }
