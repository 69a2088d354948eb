"""When two towns see each other's contacts: one rule for every kind of introduction.

A hospitation request and an introduction by the Matching-Agentur (``agency``) both put two sides in touch.
Names and e-mail addresses are shown only once *both* sides have agreed, and never after one side declined
(or withdrew). Each caller says who agreed; this module alone decides whether contacts are shared, so a
change of the rule reaches hospitation and introductions alike."""

from __future__ import annotations

from matching.models import HospitationRequest, HospitationStatus


def contacts_shared(first_agreed: bool, second_agreed: bool, *, declined: bool = False) -> bool:
    """True only when both sides have agreed and neither declined."""
    return bool(first_agreed and second_agreed and not declined)


def hospitation_contacts_shared(request: HospitationRequest) -> bool:
    """The visitor agrees by asking (the form tells them their contact goes to the host once it accepts);
    the host agrees by accepting. A declined or withdrawn request never shares contacts."""
    return contacts_shared(
        request.status != HospitationStatus.CANCELLED,
        request.status == HospitationStatus.ACCEPTED,
        declined=request.status in (HospitationStatus.DECLINED, HospitationStatus.CANCELLED),
    )
