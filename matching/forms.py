from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import Adoption


class HospitationRequestForm(forms.Form):
    period = forms.CharField(
        label=_("Wunschzeitraum"), max_length=200, help_text=_("z. B. „Mai oder Juni, gern an einem Dienstag“")
    )
    people = forms.IntegerField(label=_("Wie viele Personen kommen?"), min_value=1, max_value=20, initial=2)
    message = forms.CharField(
        label=_("Nachricht an die Gastgeber"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was möchten Sie sehen, was sind Ihre Fragen?"),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Nachricht (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_date = forms.CharField(label=_("Anderer Termin"), max_length=200, required=False)


class FeedbackForm(forms.Form):
    helped = forms.TypedChoiceField(
        label=_("Hat es geholfen?"),
        choices=[("1", _("ja")), ("0", _("nein"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    adopted = forms.ChoiceField(
        label=_("Haben Sie die Lösung übernommen?"), choices=Adoption.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label=_("Was sollten andere wissen? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
