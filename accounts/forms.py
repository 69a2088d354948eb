"""Forms of the account pages: self-registration and the password check before deleting an account."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from municipalities.models import MemberRole, Municipality


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


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort zur Bestätigung"), widget=forms.PasswordInput, strip=False, max_length=4096
    )
    withdraw_contact_consent = forms.BooleanField(
        label=_("Meine Kontaktdaten auch aus veröffentlichten Praxisbeispielen entfernen (Widerruf der Zustimmung)"),
        required=False,
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password
