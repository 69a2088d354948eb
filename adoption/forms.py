"""The forms of „Wir setzen das auch um“, „Unsere Vorhaben“ and the reminder's status link."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.services import (
    DECLARABLE_STATUSES,
    MAX_NOTES,
    MAX_OUTCOMES,
    MAX_REASON,
    PlanChanges,
    adoption_start_problem,
    outcomes_clean,
)
from municipalities.models import Municipality
from solutions.choices import AdoptionStatus

PLATFORM = "plattform"
STATUS_HELP = {
    AdoptionStatus.PLANNED: _("beschlossen oder in Vorbereitung"),
    AdoptionStatus.PILOT: _("läuft zur Probe"),
    AdoptionStatus.IN_OPERATION: _("im regulären Einsatz"),
    AdoptionStatus.COMPLETED: _("Projekt umgesetzt und beendet"),
    AdoptionStatus.STOPPED: _("nicht weiterverfolgt – bitte den Grund nennen"),
}


def status_field() -> forms.ChoiceField:
    """The status question of the declaration, the update and the reminder's link page; the choices are set
    per form from the status machine."""
    return forms.ChoiceField(
        label=_("Wie weit ist Ihre Kommune?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, wie weit Ihre Kommune ist."),
            "invalid_choice": _("Dieser Stand ist von hier aus nicht möglich."),
        },
    )


def started_on_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        label=_("Beginn"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Bitte geben Sie den Beginn an."),
            "invalid": _("Bitte ein Datum wie 01.03.2026 eingeben."),
        },
        **kwargs,
    )


def start_check(form: forms.Form, data: dict) -> None:
    """The services' one rule for „Beginn“, shown at the date field (the typed date stays in the field)."""
    problem = adoption_start_problem(data.get("started_on"), data.get("status") or "")
    if problem and data.get("status") and not form.has_error("started_on"):
        form.add_error("started_on", problem)


def status_choices(statuses) -> list[tuple[str, str]]:
    return [(s, f"{AdoptionStatus(s).label} – {STATUS_HELP[s]}") for s in statuses]


class OutcomeForm(forms.Form):
    metric = forms.CharField(label=_("Kennzahl"), max_length=200, required=False)
    value = forms.DecimalField(
        label=_("Wert"),
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _("Bitte eine Zahl eingeben, z. B. 16,5.")},
    )
    unit = forms.CharField(label=_("Einheit"), max_length=40, required=False)
    baseline = forms.DecimalField(
        label=_("Ausgangswert"),
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _("Bitte eine Zahl eingeben, z. B. 120.")},
    )

    def clean(self):
        data = super().clean()
        has_metric = bool((data.get("metric") or "").strip())
        if has_metric and data.get("value") is None and not self.has_error("value"):
            self.add_error("value", _("Bitte den Wert zur Kennzahl angeben."))
        if not has_metric and any(data.get(name) not in (None, "") for name in ("value", "unit", "baseline")):
            self.add_error("metric", _("Bitte sagen Sie, was die Zahl misst."))
        return data


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=2, max_num=MAX_OUTCOMES, absolute_max=MAX_OUTCOMES)


def outcome_formset(data=None, initial: list[dict] | None = None):
    rows = [{**row, "baseline": row.get("baseline")} for row in (initial or [])]
    return OutcomeFormSet(data, initial=rows, prefix="kennzahl")


class PlanForm(forms.Form):
    """The declaration (``statuses`` = the four ways forward) and the update (the statuses allowed from now)."""

    status = status_field()
    stopped_reason = forms.CharField(
        label=_("Grund für den Abbruch"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Nur bei „abgebrochen“. Geht an die Redaktion für „Was schiefging“; öffentlich erst, wenn die "
            "Redaktion ihn freigibt."
        ),
    )
    started_on = started_on_field(
        help_text=_(
            "Wann hat Ihre Kommune angefangen (Beschluss oder Start)? Das Jahr erscheint öffentlich. Frühestens "
            "1990; bei „geplant“ bis zu drei Jahre im Voraus, sonst höchstens heute."
        ),
    )
    learned_from = forms.ChoiceField(
        label=_("Gelernt von"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine der genannten Kommunen oder „über die Plattform“.")},
    )
    notes = forms.CharField(
        label=_("Anmerkungen (öffentlich)"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Erscheint auf dem Praxisbeispiel bei Ihrer Kommune, z. B. was Sie anders machen. Bitte keine Namen "
            "von Personen."
        ),
    )

    def __init__(self, *args, statuses, teachers: list[Municipality], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.teachers = {str(t.pk): t for t in teachers}
        self.fields["status"].choices = status_choices(statuses)
        choices = [(pk, t.name) for pk, t in self.teachers.items()]
        if teachers:
            choices[0] = (choices[0][0], _("%(name)s (federführend)") % {"name": teachers[0].name})
        self.fields["learned_from"].choices = [*choices, (PLATFORM, _("über die Plattform / anders"))]
        if AdoptionStatus.STOPPED not in statuses:
            del self.fields["stopped_reason"]
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("status") == AdoptionStatus.STOPPED and not (data.get("stopped_reason") or "").strip():
            self.add_error("stopped_reason", _("Bitte nennen Sie kurz den Grund – er geht nur an die Redaktion."))
        start_check(self, data)
        return data

    def changes(self, outcomes: list[dict]) -> PlanChanges:
        data = self.cleaned_data
        return PlanChanges(
            status=data["status"],
            started_on=data.get("started_on"),
            learned_from=self.teachers.get(data.get("learned_from") or ""),
            notes=data.get("notes") or "",
            outcomes=outcomes_clean(outcomes),
            stopped_reason=data.get("stopped_reason") or "",
        )


def declaration_form(data, *, teachers: list[Municipality], lead_id: int | None) -> PlanForm:
    form = PlanForm(data, statuses=DECLARABLE_STATUSES, teachers=teachers)
    form.fields["learned_from"].initial = str(lead_id) if lead_id and str(lead_id) in form.teachers else PLATFORM
    form.fields["status"].initial = AdoptionStatus.PLANNED
    return form


class StatusLinkForm(forms.Form):
    """The reminder's one-click page: only the status (and the reason for „abgebrochen“)."""

    status = status_field()
    stopped_reason = forms.CharField(
        label=_("Grund für den Abbruch (nur bei „abgebrochen“)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Geht nur an die Redaktion; öffentlich erst, wenn sie ihn freigibt."),
    )
    started_on = started_on_field(
        required=False,
        help_text=_("Nur ändern, wenn er nicht stimmt – z. B. wenn der Pilot jetzt erst begonnen hat."),
    )

    def __init__(self, *args, current: str, statuses, started_on=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_start = started_on
        self.fields["started_on"].initial = started_on
        choices = status_choices(statuses)
        choices = [
            (s, _("unverändert: %(label)s") % {"label": AdoptionStatus(s).label}) if s == current else (s, t)
            for s, t in choices
        ]
        self.fields["status"].choices = choices
        self.fields["status"].initial = current

    def clean(self):
        data = super().clean()
        if data.get("status") == AdoptionStatus.STOPPED and not (data.get("stopped_reason") or "").strip():
            self.add_error("stopped_reason", _("Bitte nennen Sie kurz den Grund – er geht nur an die Redaktion."))
        if not self.has_error("started_on"):
            # Left empty: the date stays; the rule still holds for it with the new status.
            data["started_on"] = data.get("started_on") or self.current_start
        start_check(self, data)
        return data
