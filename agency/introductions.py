"""Reads about introductions: which a town takes part in, on which side, and — through the one consent rule
of ``matching.consent`` — whether and which contacts are shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from agency.models import Introduction, IntroductionKind, IntroductionSide
from agency.need_ranking import format_km
from matching import consent
from municipalities.geography import distance_km

PARTNER_REASON_START = "Gemeinsam angehen: "


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


def introduction_reasons_for(introduction: Introduction, side: str | None) -> list[str]:
    """The introduction's reasons as the given side should read them. They are stored as the need's town reads
    them; for a partner introduction the first one names the other town („Gemeinsam angehen: Wanzleben-Börde
    sucht dasselbe, 20 km entfernt“), so the introduced town would read its own name: it reads the need's town
    instead. The other reasons (shared topics) read the same from both sides."""
    reasons = list(introduction.reasons)
    if side != IntroductionSide.HELPER or introduction.kind != IntroductionKind.PARTNER:
        return reasons
    seeker = introduction.need.municipality
    km = distance_km(seeker, introduction.municipality)
    where = f", {format_km(km)} entfernt" if km is not None else ""
    mine = f"{PARTNER_REASON_START}{seeker.name} sucht dasselbe{where}"
    rest = [r for r in reasons if not r.startswith(PARTNER_REASON_START)]
    return [mine, *rest]
