"""Writes on memberships: self-registration, and the editor's approval stamped and announced."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import editor_emails
from accounts.towns import town_label
from municipalities.models import MunicipalityMember

MEMBER_ADMIN = "wagtailsnippets_municipalities_municipalitymember"


@transaction.atomic
def member_register(data: dict) -> MunicipalityMember:
    """Creates the account and an unapproved membership for ``data["municipality"]``; the editors
    are asked to approve it once the transaction is committed."""
    user = User.objects.create_user(
        username=data["email"],
        email=data["email"],
        password=data["password"],
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    member = MunicipalityMember.objects.create(
        user=user, role=data["role"], approved=False, municipality=data["municipality"]
    )
    transaction.on_commit(lambda: member_registration_announce(member))
    return member


def member_registration_announce(member: MunicipalityMember) -> None:
    """Tells the editors that a membership waits for them, with a link to it in the admin.

    The applicant's name and address go to the editors only (editor_emails), never elsewhere."""
    recipients = editor_emails()
    if not recipients:
        return
    base = settings.WAGTAILADMIN_BASE_URL
    context = {
        "member": member,
        "town": town_label(member.municipality),
        "edit_url": base + reverse(f"{MEMBER_ADMIN}:edit", args=[member.pk]),
        "pending_url": base + reverse(f"{MEMBER_ADMIN}:list") + "?approved=false",
    }
    send_mail(
        f"Neue Anmeldung zu prüfen: {context['town']}",
        render_to_string("registration/email/new_member_to_editors.txt", context),
        None,
        recipients,
    )


def member_approval_stamp(member: MunicipalityMember) -> None:
    """Called after an editor saved a membership: the first approval is stamped and announced.

    Saving an approved membership again changes nothing, so the person gets one e-mail."""
    if not member.approved or member.approved_at is not None:
        return
    member.approved_at = timezone.now()
    member.save(update_fields=["approved_at"])
    if member.user.email:
        send_mail(
            "Ihr Konto im Baukasten guter Lösungen ist freigeschaltet",
            f"Guten Tag {member.user.get_full_name()},\n\nSie können jetzt für {member.municipality.name} "
            f"Hospitationen anfragen, Praxisbeispiele einreichen und sich für Tandems bewerben.\n\n"
            f"{settings.WAGTAILADMIN_BASE_URL}/meine-anfragen/",
            None,
            [member.user.email],
        )
