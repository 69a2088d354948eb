"""Admin-wide display rules that belong to no single app."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.fields import register_display_class


def yes_no(value: bool | None) -> str:
    return _("unbekannt") if value is None else _("ja") if value else _("nein")


class YesNoDisplay(Component):
    """A boolean field on an inspect page reads „ja“/„nein“ instead of Python's „True“/„False“."""

    def __init__(self, value: bool | None) -> None:
        self.value = value

    def render_html(self, parent_context=None) -> str:
        return format_html("{}", yes_no(self.value))


register_display_class(models.BooleanField, display_class=YesNoDisplay)


class YesNoFilterAdapter(BaseFilterAdapter):
    """The pill of an active yes/no filter („bestätigt: nein“), which Wagtail labels „False“."""

    def get_active_filters(self):
        yield ActiveFilter(
            self.bound_field.auto_id,
            self.filter.label,
            yes_no(self.value),
            self.get_url_without_filter_param(self.name),
        )


register_filter_adapter_class(django_filters.BooleanFilter, YesNoFilterAdapter)
