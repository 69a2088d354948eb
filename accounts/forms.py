"""Forms of the account pages: self-registration, login by e-mail address, and the password check before
deleting an account."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.towns import town_labels
from municipalities.models import MemberRole, Municipality
from municipalities.selectors import municipality_get, municipality_name_matches

# More than this and a list of radio buttons stops helping; the person narrows the name instead.
TOWNS_SHOWN = 20
AGS_TYPED = re.compile(r"\d{8}")


class RegistrationForm(forms.Form):
    """Self-registration. The town is found by its name in the national register (no JavaScript needed):
    the typed name brings a list of matching towns as radio buttons, „Name (Landkreis, Land)“, and the
    person picks hers. One match is picked for her; typing the 8-digit AGS works as well."""

    town = forms.CharField(
        label=_("Ihre Kommune"),
        max_length=200,
        required=False,  # checked in clean(): the town may also arrive as a picked AGS alone
        help_text=_("Name Ihrer Stadt oder Gemeinde, z. B. „Groß Köris“; der Gemeindeschlüssel (8 Ziffern) geht auch."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "required": True}),
    )
    ags = forms.ChoiceField(label=_("Welche Kommune meinen Sie?"), widget=forms.RadioSelect, required=False)
    first_name = forms.CharField(
        label=_("Vorname"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nachname"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Dienstliche E-Mail-Adresse"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=MemberRole.choices)
    # Shown again after a search step or another field's error, so nothing typed is lost; the page
    # is never cached (accounts/views.py), and a rejected password is not shown again.
    password = forms.CharField(
        label=_("Passwort"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.typed_town = ""
        self.towns: list[Municipality] = []
        self.towns_total = 0
        if self.is_bound:
            self._find_towns()
        if not self.towns:
            del self.fields["ags"]  # nothing to pick from (yet)

    def _find_towns(self) -> None:
        # Without a typed name, a posted AGS alone counts as typed (scripts, an old form in a browser tab).
        typed = str(self.data.get("town", "")).strip() or str(self.data.get("ags", "")).strip()[:20]
        self.typed_town = typed
        if not typed or len(typed) > self.fields["town"].max_length or "\x00" in typed:
            return  # the field's own validation answers
        if AGS_TYPED.fullmatch(typed):
            town = municipality_get(typed)
            self.towns, self.towns_total = ([town], 1) if town else ([], 0)
        else:
            matches = municipality_name_matches(typed, limit=TOWNS_SHOWN)
            self.towns, self.towns_total = matches.towns, matches.total
        if not self.towns:
            return
        field = self.fields["ags"]
        field.choices = list(zip([town.ags for town in self.towns], town_labels(self.towns), strict=True))
        field.help_text = self._towns_hint()
        picked = self.data.get("ags")
        if picked not in {town.ags for town in self.towns}:
            # A pick from an earlier search that no longer fits the typed name is forgotten;
            # a single match is picked for the person.
            self.data = self.data.copy()
            self.data["ags"] = self.towns[0].ags if len(self.towns) == 1 else ""

    def _towns_hint(self) -> str:
        values = {"name": self.typed_town, "n": self.towns_total, "shown": len(self.towns)}
        if self.towns_total > len(self.towns):
            return (
                _(
                    "Zu „%(name)s“ passen %(n)s Kommunen; hier stehen die %(shown)s passendsten. Ist Ihre nicht "
                    "dabei, geben Sie den Namen genauer ein oder ergänzen Sie nach einem Komma den Landkreis oder "
                    "das Land, z. B. „Hemmingen, Ludwigsburg“."
                )
                % values
            )
        if len(self.towns) > 1:
            return _("%(n)s Kommunen passen zu „%(name)s“. Bitte wählen Sie Ihre aus.") % values
        return _("Stimmt das? Sonst ändern Sie oben den Namen.")

    def clean(self):
        data = super().clean()
        self._clean_town(data)
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
        if self.has_error("password"):
            self.fields["password"].widget.render_value = False
        return data

    def _clean_town(self, data: dict) -> None:
        picked = next((town for town in self.towns if town.ags == data.get("ags")), None)
        if picked is not None:
            data["municipality"] = picked
        elif self.towns:
            self.add_error("ags", _("Bitte wählen Sie Ihre Kommune aus der Liste."))
        elif self.has_error("town"):
            pass
        elif not self.typed_town:
            self.add_error("town", _("Bitte geben Sie den Namen Ihrer Kommune ein."))
        elif AGS_TYPED.fullmatch(self.typed_town):
            self.add_error("town", _("Eine Kommune mit diesem Gemeindeschlüssel gibt es nicht."))
        elif self.typed_town.isdigit():
            self.add_error("town", _("Der Gemeindeschlüssel hat genau 8 Ziffern."))
        else:
            self.add_error(
                "town",
                _(
                    "Keine Kommune heißt „%(name)s“. Bitte prüfen Sie die Schreibweise – oder geben Sie den "
                    "Gemeindeschlüssel (8 Ziffern) ein."
                )
                % {"name": self.typed_town},
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Mit dieser E-Mail-Adresse gibt es schon ein Konto."))
        return email

    def town_step(self) -> None:
        """The „Kommune suchen“ step: only what concerns the town is reported; the other fields are not
        judged yet, and a pick between several towns is asked for by the list itself, not as an error."""
        for name in list(self.errors):
            if name != "town":
                del self._errors[name]
        self.fields["password"].widget.render_value = True  # not judged yet, so kept as typed


class EmailLoginMixin(forms.Form):
    """Login with the e-mail address, on the site and in Wagtail's admin. Accounts made by registration
    carry it as their user name; for the others (editors, the demo accounts) the address is looked up,
    and a user name still works. The wrong-password message names the e-mail address too (Django's
    would say „Benutzername“)."""

    username = UsernameField(
        label=_("E-Mail-Adresse"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "email"}),
    )

    def clean(self):
        typed = self.cleaned_data.get("username") or ""
        if "@" in typed:
            owners = list(User.objects.filter(email__iexact=typed).values_list("username", flat=True)[:2])
            if len(owners) == 1:
                self.cleaned_data["username"] = owners[0]
        return super().clean()

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            _("E-Mail-Adresse oder Passwort stimmen nicht. Bitte prüfen Sie beides (auch Groß- und Kleinschreibung)."),
            code="invalid_login",
        )


class LoginForm(EmailLoginMixin, AuthenticationForm):
    """The site's login (/konto/anmelden/)."""


class AdminLoginForm(EmailLoginMixin, WagtailLoginForm):
    """Wagtail's login at /admin/login/ (``WAGTAILADMIN_USER_LOGIN_FORM``): the same e-mail login as on
    the site, where Wagtail would ask for the „Benutzername“."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["placeholder"] = _("E-Mail-Adresse")
        self.fields["password"].widget.attrs["placeholder"] = _("Passwort")
        self.fields["password"].label = _("Passwort")  # Wagtail's field has none, so it would read „Password“


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
