"""Reads about introductions: which a town takes part in, on which side, and — through the one consent rule
of ``matching.consent`` — whether and which contacts are shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from agency.models import Introduction, IntroductionKind, IntroductionSide
from matching import consent


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    town: str


def introductions_of_town(municipality_id: int | None) -> QuerySet[Introduction]:
    """Introductions the town takes part in: as the one introduced, or as the town of the need."""
    if municipality_id is None:
        return Introduction.objects.none()
    return (
        Introduction.objects.filter(Q(municipality_id=municipality_id) | Q(need__municipality_id=municipality_id))
        .select_related("need__municipality", "municipality", "other_need")
        .order_by("-created_at", "pk")
    )


def introduction_side(introduction: Introduction, municipality_id: int | None) -> str | None:
    if municipality_id is None:
        return None
    if introduction.municipality_id == municipality_id:
        return IntroductionSide.HELPER
    if introduction.need.municipality_id == municipality_id:
        return IntroductionSide.SEEKER
    return None


def introduction_contacts_shared(introduction: Introduction) -> bool:
    return consent.contacts_shared(
        introduction.seeker_agreed_at is not None,
        introduction.helper_agreed_at is not None,
        declined=introduction.declined_at is not None,
    )


def _contact(user: User | None, town: str) -> Contact | None:
    if user is None:
        return None
    return Contact(name=user.get_full_name() or user.username, email=user.email, town=town)


def introduction_contacts(introduction: Introduction) -> list[Contact]:
    """The member who agreed on each side — only once both agreed; otherwise nothing."""
    if not introduction_contacts_shared(introduction):
        return []
    found = [
        _contact(introduction.seeker_agreed_by, introduction.need.municipality.name),
        _contact(introduction.helper_agreed_by, introduction.municipality.name),
    ]
    return [c for c in found if c is not None]


AGREE_LABELS = {
    (IntroductionSide.HELPER, IntroductionKind.SOLVED): "Wir helfen gern",
    (IntroductionSide.HELPER, IntroductionKind.PARTNER): "Wir sind dabei",
    (IntroductionSide.SEEKER, IntroductionKind.SOLVED): "Ja, Kontakt aufnehmen",
    (IntroductionSide.SEEKER, IntroductionKind.PARTNER): "Ja, Kontakt aufnehmen",
}


def agree_label(introduction: Introduction, side: str) -> str:
    return AGREE_LABELS[(side, introduction.kind)]
