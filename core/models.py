"""Abstract model bases shared by the apps above core."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Orderable as WagtailOrderable


class Orderable(WagtailOrderable):
    """Wagtail's ``Orderable`` with a German label on its ``sort_order`` column (Wagtail leaves it without
    one, so it would read „sort order“ wherever Django names the field)."""

    sort_order = models.IntegerField(_("Reihenfolge"), null=True, blank=True, editable=False)

    class Meta(WagtailOrderable.Meta):
        abstract = True
