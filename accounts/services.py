"""Writes on memberships: self-registration, and the editor's approval stamped and announced."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from municipalities.models import Municipality, MunicipalityMember


@transaction.atomic
def member_register(data: dict) -> MunicipalityMember:
    """Creates the account and an unapproved membership; editors are asked to approve it."""
    user = User.objects.create_user(
        username=data["email"],
        email=data["email"],
        password=data["password"],
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    member = MunicipalityMember.objects.create(
        user=user, role=data["role"], approved=False, municipality=Municipality.objects.get(ags=data["ags"])
    )
    editors = [u.email for u in User.objects.filter(groups__in=Group.objects.filter(name="Redaktion")) if u.email]
    if editors:
        transaction.on_commit(
            lambda: send_mail(
                f"Neues Konto zu bestätigen: {member.municipality.name}",
                f"{user.get_full_name()} ({user.email}) möchte für {member.municipality.name} "
                f"({member.get_role_display()}) handeln.\nBitte prüfen und bestätigen: "
                f"{settings.WAGTAILADMIN_BASE_URL}/admin/snippets/municipalities/municipalitymember/",
                None,
                editors,
            )
        )
    return member


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
