from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from matching.models import Adoption, TandemRole
from municipalities.size_classes import SizeClass
from solutions.models import Topic


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


class TandemApplicationForm(forms.Form):
    role = forms.ChoiceField(label=_("Ich bewerbe mich als"), choices=TandemRole.choices, widget=forms.RadioSelect)
    in_office_since = forms.DateField(
        label=_("Im Amt seit (TT.MM.JJJJ)"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
    )
    capacity = forms.IntegerField(
        label=_("Nur Mentor:innen: wie viele Mentees? (1–3)"), min_value=1, max_value=3, initial=1, required=False
    )
    topics = ModelMultipleChoiceField(  # hardened against ids beyond the integer range
        label=_("Themen, die mich beschäftigen"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_distance_km = forms.IntegerField(
        label=_("Partnerkommune höchstens … km entfernt (leer: egal)"), min_value=10, max_value=1000, required=False
    )
    same_state_only = forms.BooleanField(label=_("nur im eigenen Bundesland"), required=False)
    partner_size_classes = forms.MultipleChoiceField(
        label=_("Größe der Partnerkommune (leer: egal)"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Was ich mir wünsche (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
