from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from solutions.models import Topic


class SettingsForm(forms.Form):
    email_immediate = forms.BooleanField(
        label=_("Vorstellungen und Antworten sofort per E-Mail"),
        required=False,
        help_text=_("Wenn die Matching-Agentur Ihre Kommune vorstellt oder jemand antwortet."),
    )
    email_digest = forms.BooleanField(
        label=_("Wochenübersicht per E-Mail"),
        required=False,
        help_text=_(
            "Einmal pro Woche: neue Praxisbeispiele, Treffer Ihrer Suchen, Tandem-Runden, Gastgeber in der Nähe."
        ),
    )
    topics = ModelMultipleChoiceField(
        label=_("Themen, denen Sie folgen"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Neue Praxisbeispiele aus Kommunen wie Ihrer zu diesen Themen erscheinen in Ihren Benachrichtigungen."
        ),
    )
