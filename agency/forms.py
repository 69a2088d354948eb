from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agency.models import DEFAULT_RADIUS_KM, RADIUS_MAX_KM, RADIUS_MIN_KM, NeedKind
from agency.services import MAX_LIFETIME_DAYS, need_default_expiry
from core.fields import ModelMultipleChoiceField
from municipalities.size_classes import SizeClass
from municipalities.states import State
from solutions.models import Topic

# The three kinds as a member reads them on the form.
KIND_CHOICES = [
    (NeedKind.SOLUTION.value, _("Wir suchen eine Kommune, die das gelöst hat")),
    (NeedKind.PARTNER.value, _("Wir suchen Nachbarn für ein gemeinsames Vorhaben / eine geteilte Stelle")),
    (NeedKind.SUPPLIER.value, _("Wir suchen einen Anbieter")),
]


class NeedForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Kurz und konkret, z. B. „Heizungssensoren für Schulen“"),
        error_messages={"required": _("Bitte geben Sie einen Titel an.")},
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Was ist die Ausgangslage, was soll erreicht werden? Bitte keine Namen von Personen."),
        error_messages={"required": _("Bitte beschreiben Sie, was Sie suchen.")},
    )
    topics = ModelMultipleChoiceField(  # the vocabulary, hardened against ids beyond the integer range
        label=_("Themen"),
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens ein Thema."),
            "invalid_choice": _("Dieses Thema gibt es nicht."),
            "invalid_pk_value": _("Dieses Thema gibt es nicht."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Was suchen Sie?"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, was Sie suchen."),
            "invalid_choice": _("Bitte wählen Sie, was Sie suchen."),
        },
    )
    radius_km = forms.IntegerField(
        label=_("Umkreis in km (nur bei Partnersuche)"),
        required=False,
        min_value=RADIUS_MIN_KM,
        max_value=RADIUS_MAX_KM,
        initial=DEFAULT_RADIUS_KM,
        help_text=_("Wie weit dürfen Partnerkommunen entfernt sein? 1 bis 200 km."),
        error_messages={
            "invalid": _("Bitte eine ganze Zahl in km eingeben."),
            "min_value": _("Der Umkreis muss mindestens %(limit_value)s km betragen."),
            "max_value": _("Der Umkreis darf höchstens %(limit_value)s km betragen."),
        },
    )
    expires = forms.DateField(
        label=_("Läuft ab am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        help_text=_("Ohne Angabe in sechs Monaten. Sie können das Gesuch später verlängern oder schließen."),
        error_messages={"invalid": _("Bitte ein Datum wie 31.12.2027 eingeben.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires"].initial = need_default_expiry()

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_expires(self) -> dt.date | None:
        expires = self.cleaned_data.get("expires")
        if expires is None:
            return None
        today = timezone.localdate()
        if expires <= today:
            raise forms.ValidationError(_("Das Ablaufdatum muss in der Zukunft liegen."))
        if expires > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
            raise forms.ValidationError(_("Ein Gesuch läuft höchstens ein Jahr; danach können Sie es verlängern."))
        return expires


class HideForm(forms.Form):
    note = forms.CharField(
        label=_("Grund (die Kommune sieht ihn)"),
        max_length=500,
        error_messages={"required": _("Bitte geben Sie einen Grund an; die Kommune sieht ihn.")},
    )


def _choices_with_all(choices, all_label) -> list[tuple[str, str]]:
    return [("", all_label), *[(value, label) for value, label in choices]]


class NeedFilterForm(forms.Form):
    """The filters of /gesuche/ (GET); an unknown value is reported, never a 500."""

    topic = forms.ChoiceField(label=_("Thema"), required=False)
    state = forms.ChoiceField(label=_("Bundesland"), required=False)
    size_class = forms.ChoiceField(label=_("Größe (nach Einwohnerzahl)"), required=False)
    kind = forms.ChoiceField(label=_("Art"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _choices_with_all(
            Topic.objects.order_by("name").values_list("slug", "name"), _("Alle Themen")
        )
        self.fields["state"].choices = _choices_with_all(State.choices, _("Alle Länder"))
        self.fields["size_class"].choices = _choices_with_all(SizeClass.choices, _("Alle Größen"))
        self.fields["kind"].choices = _choices_with_all(NeedKind.choices, _("Alle Arten"))
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Diesen Wert gibt es nicht; bitte wählen Sie aus der Liste.")
