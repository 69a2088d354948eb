"""DSGVO: what we store about a person (Art. 15/20: export) and deleting their account (Art. 17).

Decisions (also in the README, "Sicherheit und Datenschutz"):

* **The account row is anonymised, not deleted.** Hospitation requests, tandem pairings and the
  editorial history of submitted cases point to the user row; deleting it would delete the *other*
  municipality's tandem pairing with it (CASCADE) or leave dangling history. So name, e-mail and
  user name are replaced, the password made unusable, the account deactivated and removed from all
  groups; the row then says nothing about the person.
* **Membership** (which municipality the person acted for, in which role) is deleted.
* **Requests stay** (they belong to both municipalities and count for the host's quota) without a
  name or e-mail; the person's name and e-mail are also cut out of the free texts they wrote.
* **Contact details on case pages** are matched by the account's e-mail address. Details stored
  *without* consent are always removed. Published details the person consented to stay unless they
  tick "withdraw consent" (Art. 7(3)); then they disappear from the page and from all its revisions.
* Failed-login records (django-axes) and open sessions of the account are deleted.
* Followed topics, saved searches, notifications, e-mail settings and digest records are deleted.
* Plans a person declared („Wir setzen das auch um“) belong to the town and stay; the link to the person goes.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adoption.services import adoption_delete_for, adoption_personal_data
from matching.models import HospitationRequest, TandemApplication
from municipalities.models import MunicipalityMember
from notifications.services import notifications_delete_for, notifications_personal_data
from solutions.models import SolutionPage

EXPORT_FORMAT_VERSION = 1
REDACTED = "[gelöscht]"
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


class PrivacyRefused(Exception):
    """The account cannot be deleted this way; the message says why (German, shown as is)."""


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _contact_pages(email: str):
    if not email:
        return SolutionPage.objects.none()
    return SolutionPage.objects.filter(contact_email__iexact=email)


def personal_data_export(user: User) -> dict[str, Any]:
    """Everything stored about ``user``, as plain JSON-ready data."""
    member = MunicipalityMember.objects.filter(user=user).select_related("municipality").first()
    hospitations = (
        HospitationRequest.objects.filter(Q(requested_by=user) | Q(decided_by=user))
        .select_related("solution", "host", "visitor")
        .order_by("created_at")
    )
    applications = (
        TandemApplication.objects.filter(user=user)
        .select_related("round", "municipality")
        .prefetch_related("topics")
        .order_by("created_at")
    )
    submissions = SolutionPage.objects.filter(owner=user).order_by("pk")
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "membership": None
        if member is None
        else {
            "municipality": {"ags": member.municipality.ags, "name": member.municipality.name},
            "role": member.role,
            "approved": member.approved,
            "approved_at": _iso(member.approved_at),
            "created_at": _iso(member.created_at),
        },
        "hospitation_requests": [
            {
                "id": h.pk,
                "my_part": "requested" if h.requested_by_id == user.pk else "decided",
                "case": h.solution.title,
                "visitor": h.visitor.name,
                "host": h.host.name,
                "status": h.status,
                "period": h.period,
                "people": h.people,
                "message": h.message,
                "proposed_date": h.proposed_date,
                "host_note": h.host_note,
                "feedback": h.feedback,
                "created_at": _iso(h.created_at),
                "decided_at": _iso(h.decided_at),
            }
            for h in hospitations
        ],
        "tandem_applications": [
            {
                "id": a.pk,
                "round": a.round.title,
                "municipality": a.municipality.name,
                "role": a.role,
                "in_office_since": _iso(a.in_office_since),
                "capacity": a.capacity,
                "topics": sorted(t.slug for t in a.topics.all()),
                "max_distance_km": a.max_distance_km,
                "same_state_only": a.same_state_only,
                "partner_size_classes": a.partner_size_classes,
                "note": a.note,
                "unmatched_reason": a.unmatched_reason,
                "created_at": _iso(a.created_at),
            }
            for a in applications
        ],
        "submissions": [
            {"id": p.pk, "title": p.title, "published": p.live, "first_published_at": _iso(p.first_published_at)}
            for p in submissions
        ],
        "case_contacts": [
            {
                "case": p.title,
                "published": p.live,
                "name": p.contact_name,
                "role": p.contact_role,
                "email": p.contact_email,
                "phone": p.contact_phone,
                "consent": p.contact_consent,
                "consent_at": _iso(p.contact_consent_at),
            }
            for p in _contact_pages(user.email).order_by("pk")
        ],
        "failed_logins": _failed_logins(user),
        # plans („Wir setzen das auch um“) the person declared and the steps they took
        **adoption_personal_data(user),
        # followed topics, saved searches, notifications, e-mail settings, digests sent
        **notifications_personal_data(user),
    }


def _failed_logins(user: User) -> list[dict[str, Any]]:
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username__in=_login_names(user)).order_by("attempt_time")
    return [
        {"time": _iso(a.attempt_time), "failures": a.failures_since_start, "ip_address": a.ip_address} for a in attempts
    ]


def _login_names(user: User) -> set[str]:
    return {name for name in (user.username, user.email, user.username.lower(), user.email.lower()) if name}


def _redactor(user: User):
    """Replaces the person's e-mail and full name (and each name part of 3+ letters) in free text."""
    words = [user.email, user.get_full_name(), user.first_name, user.last_name]
    words = sorted({w.strip() for w in words if w and len(w.strip()) >= 3}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(REDACTED, text) if text else text


def _scrub_contacts(pages, *, only_without_consent: bool) -> int:
    """Removes contact details from the pages and from every stored revision of them."""
    from wagtail.models import Revision

    scrubbed = 0
    for page in pages:
        if only_without_consent and page.contact_consent:
            continue
        email = page.contact_email.lower()
        SolutionPage.objects.filter(pk=page.pk).update(
            **dict.fromkeys(CONTACT_FIELDS, ""), contact_consent=False, contact_consent_at=None
        )
        for revision in Revision.objects.filter(object_id=str(page.pk), content_type__model="solutionpage"):
            content = revision.content or {}
            if str(content.get("contact_email", "")).lower() == email:
                content.update(dict.fromkeys(CONTACT_FIELDS, ""), contact_consent=False, contact_consent_at=None)
                Revision.objects.filter(pk=revision.pk).update(content=content)
        scrubbed += 1
    return scrubbed


@transaction.atomic
def account_delete(user: User, *, withdraw_contact_consent: bool = False) -> dict[str, int]:
    """Anonymises the account as described in the module docstring; all or nothing."""
    from axes.models import AccessAttempt
    from wagtail.users.models import UserProfile

    if user.is_superuser:
        raise PrivacyRefused(
            "Das Konto einer Administratorin oder eines Administrators kann nicht selbst gelöscht werden; "
            "bitte wenden Sie sich an den Betrieb der Plattform."
        )
    redact = _redactor(user)
    counts = {"hospitation_requests": 0, "tandem_applications": 0, "contacts_removed": 0}

    for item in HospitationRequest.objects.filter(Q(requested_by=user) | Q(decided_by=user)).select_for_update():
        fields = {name: redact(getattr(item, name)) for name in ("message", "period", "host_note", "feedback")}
        fields["proposed_date"] = redact(item.proposed_date)
        HospitationRequest.objects.filter(pk=item.pk).update(**fields)
        counts["hospitation_requests"] += 1
    for application in TandemApplication.objects.filter(user=user):
        TandemApplication.objects.filter(pk=application.pk).update(note=redact(application.note))
        counts["tandem_applications"] += 1

    counts["contacts_removed"] = _scrub_contacts(
        _contact_pages(user.email), only_without_consent=not withdraw_contact_consent
    )
    AccessAttempt.objects.filter(username__in=_login_names(user)).delete()
    _sessions_of(user).delete()
    MunicipalityMember.objects.filter(user=user).delete()
    counts.update(notifications_delete_for(user))
    counts.update(adoption_delete_for(user))
    UserProfile.objects.filter(user=user).delete()  # admin preferences and avatar photo

    user.username = f"geloescht-{user.pk}-{secrets.token_hex(4)}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return counts


def _sessions_of(user: User):
    """Sessions are signed blobs; decoding each is fine at this platform's scale (a few thousand)."""
    ids = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()) if _session_user(s) == str(user.pk)]
    return Session.objects.filter(pk__in=ids)


def _session_user(session: Session) -> str | None:
    try:
        return str(session.get_decoded().get("_auth_user_id"))
    except Exception:  # a corrupt session belongs to nobody
        return None
