from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from municipalities.size_classes import SizeClass


class SolutionPageForm(WagtailAdminPageForm):
    """Shows "geeignet für" as checkboxes and records when contact consent was given."""

    suitable_for = forms.MultipleChoiceField(
        label=_("geeignet für"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["suitable_for"] = self.instance.suitable_for_list

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
