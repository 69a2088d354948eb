"""Writes to the register. Every path that sets a name or population goes through ``derived_fields``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from modelsearch.backends import get_search_backends

from municipalities.importers.base import RegisterSource
from municipalities.importers.validation import RowError, clean_row
from municipalities.models import Municipality
from municipalities.signals import register_changed
from municipalities.size_classes import size_class_for, size_subclass_for
from municipalities.text import name_search_key, name_slug

BATCH_SIZE = 1000


def derived_fields(*, name: str, official_name: str, population: int) -> dict[str, str]:
    """The stored values that follow from name and population."""
    return {
        "slug": name_slug(name),
        "name_search": name_search_key(name, official_name),
        "size_class": size_class_for(population).value,
        "size_subclass": size_subclass_for(population).value,
    }


@dataclass
class RegisterImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_unincorporated: int = 0
    errors: list[RowError] = field(default_factory=list)
    changed_ags: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


def municipalities_import(
    source: RegisterSource, *, on_row: Callable[[int], None] | None = None
) -> RegisterImportSummary:
    """Upserts the valid rows of ``source`` by AGS in one transaction; invalid rows are reported,
    never written. Rows equal to what is stored count as unchanged and are not touched.
    ``on_row`` receives the file line of each row, for a progress bar."""
    summary = RegisterImportSummary()
    now = timezone.now()
    existing = {m.ags: m for m in Municipality.objects.all()}
    seen: dict[str, int] = {}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    update_fields: set[str] = set()

    for row in source.rows:
        if on_row is not None:
            on_row(row.line)
        values, error = clean_row(row)
        if error is not None:
            summary.errors.append(error)
            continue
        assert values is not None
        ags = str(values["ags"])
        if ags in seen:
            summary.errors.append(
                RowError(row.line, ags, (f"AGS kommt in dieser Datei doppelt vor (zuerst in Zeile {seen[ags]})",))
            )
            continue
        seen[ags] = row.line
        if source.population_date is not None:
            values["population_date"] = source.population_date
        values.update(
            derived_fields(
                name=str(values["name"]),
                official_name=str(values["official_name"]),
                population=int(values["population"]),  # type: ignore[arg-type]
            )
        )
        current = existing.get(ags)
        if current is None:
            to_create.append(Municipality(**values))
            continue
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            summary.unchanged += 1
            continue
        for name in changed:
            setattr(current, name, values[name])
        current.updated_at = now  # bulk_update skips auto_now; caches key on it
        update_fields.update([*changed, "updated_at"])
        to_update.append(current)

    summary.skipped_unincorporated = source.skipped_unincorporated
    summary.created = len(to_create)
    summary.updated = len(to_update)
    summary.changed_ags = [m.ags for m in to_create + to_update]
    with transaction.atomic():
        Municipality.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            Municipality.objects.bulk_update(to_update, sorted(update_fields), batch_size=BATCH_SIZE)
        # Bulk writes send no save signals, so the admin search (municipality chooser) is fed here.
        changed = Municipality.objects.filter(ags__in=summary.changed_ags)
        for backend in get_search_backends(with_auto_update=True):
            for start in range(0, len(summary.changed_ags), BATCH_SIZE):
                backend.add_bulk(Municipality, list(changed.order_by("pk")[start : start + BATCH_SIZE]))
        if to_update:  # new municipalities are in no case yet
            register_changed.send(sender=Municipality, ags=[m.ags for m in to_update])
    return summary
