from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from core.fields import ModelMultipleChoiceField
from municipalities.size_classes import SizeClass


class SolutionPageForm(WagtailAdminPageForm):
    """Shows "geeignet für" as checkboxes, offers the topics of the vocabulary as checkboxes and records
    when contact consent was given."""

    suitable_for = forms.MultipleChoiceField(
        label=_("geeignet für"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Topics come from the vocabulary only: the free-text tag field turned typing into new topics
    # ("Straßen & InfrastrukturSicherheit & Ordnung…"). Required for publishing; a draft may lack them
    # (the panel defers the requirement on "save").
    topics = ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=None,  # the vocabulary, set per form: this module sits below the models
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _(
                "Bitte wählen Sie mindestens ein Thema: ohne Thema wird ein Praxisbeispiel nicht veröffentlicht."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["suitable_for"] = self.instance.suitable_for_list
        if "topics" in self.fields:
            topics = self.fields["topics"]
            topics.queryset = self._meta.model._meta.get_field("topics").related_model.objects.order_by("name")
            topics.help_text = format_html(
                '{} <a href="{}" target="_blank" rel="noopener">{}</a> {}',
                _("Fehlt ein Thema?"),
                reverse("wagtailsnippets_solutions_topic:add"),
                _("Neues Thema anlegen"),
                _("(neuer Tab). Danach diese Seite speichern und neu laden, dann steht es hier zur Wahl."),
            )

    def clean_suitable_for(self) -> str:
        chosen = self.cleaned_data.get("suitable_for") or []
        return ",".join(value for value in SizeClass.values if value in chosen)

    def save(self, commit: bool = True):
        page = super().save(commit=False)
        page.stamp_contact_consent()
        if commit:
            page.save()
            self.save_m2m()
        return page
