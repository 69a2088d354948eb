"""Accounts of municipality members: self-registration that an editor approves."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import MemberRole, Municipality, MunicipalityMember


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    email = forms.EmailField(label=_("Dienstliche E-Mail-Adresse"))
    ags = forms.RegexField(
        label=_("Amtlicher Gemeindeschlüssel Ihrer Kommune"),
        regex=r"^\d{8}$",
        max_length=8,
        help_text=_("8 Ziffern; zu finden auf der Seite Ihrer Kommune unter „Kommunen“."),
        error_messages={"invalid": _("Der Gemeindeschlüssel hat genau 8 Ziffern.")},
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=MemberRole.choices)
    password = forms.CharField(label=_("Passwort"), widget=forms.PasswordInput, strip=False)

    def clean_ags(self) -> str:
        ags = self.cleaned_data["ags"]
        if not Municipality.objects.filter(ags=ags).exists():
            raise forms.ValidationError(_("Eine Kommune mit diesem Gemeindeschlüssel gibt es nicht."))
        return ags

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Mit dieser E-Mail-Adresse gibt es schon ein Konto."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            user = User(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


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


def member_after_edit(member: MunicipalityMember) -> None:
    """Called after an editor saved a membership: the first approval is stamped and announced."""
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
