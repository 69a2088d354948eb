"""Town size by population, after the BBSR thresholds (nach Einwohnerzahl).

The official BBSR type also weighs central-place function; we use population only and say so in
the UI. The classes are a fixed vocabulary derived from data, never free tags.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    LANDGEMEINDE = "landgemeinde", _("Landgemeinde")
    KLEINSTADT = "kleinstadt", _("Kleinstadt")
    MITTELSTADT = "mittelstadt", _("Mittelstadt")
    GROSSSTADT = "grossstadt", _("Großstadt")


class SizeSubclass(models.TextChoices):
    LANDGEMEINDE = "landgemeinde", _("Landgemeinde")
    KLEINE_KLEINSTADT = "kleine-kleinstadt", _("Kleine Kleinstadt")
    GROESSERE_KLEINSTADT = "groessere-kleinstadt", _("Größere Kleinstadt")
    KLEINERE_MITTELSTADT = "kleinere-mittelstadt", _("Kleinere Mittelstadt")
    GROESSERE_MITTELSTADT = "groessere-mittelstadt", _("Größere Mittelstadt")
    KLEINERE_GROSSSTADT = "kleinere-grossstadt", _("Kleinere Großstadt")
    GROSSE_GROSSSTADT = "grosse-grossstadt", _("Große Großstadt")


# (lower bound inclusive, subclass, class), ascending
_BANDS: tuple[tuple[int, SizeSubclass, SizeClass], ...] = (
    (0, SizeSubclass.LANDGEMEINDE, SizeClass.LANDGEMEINDE),
    (5_000, SizeSubclass.KLEINE_KLEINSTADT, SizeClass.KLEINSTADT),
    (10_000, SizeSubclass.GROESSERE_KLEINSTADT, SizeClass.KLEINSTADT),
    (20_000, SizeSubclass.KLEINERE_MITTELSTADT, SizeClass.MITTELSTADT),
    (50_000, SizeSubclass.GROESSERE_MITTELSTADT, SizeClass.MITTELSTADT),
    (100_000, SizeSubclass.KLEINERE_GROSSSTADT, SizeClass.GROSSSTADT),
    (500_000, SizeSubclass.GROSSE_GROSSSTADT, SizeClass.GROSSSTADT),
)

SIZE_CLASS_ORDER: tuple[SizeClass, ...] = (
    SizeClass.LANDGEMEINDE,
    SizeClass.KLEINSTADT,
    SizeClass.MITTELSTADT,
    SizeClass.GROSSSTADT,
)

# Plural labels by class value, for sentences such as "sucht nur Landgemeinden oder Kleinstädte".
SIZE_CLASS_PLURALS = {
    SizeClass.LANDGEMEINDE.value: _("Landgemeinden"),
    SizeClass.KLEINSTADT.value: _("Kleinstädte"),
    SizeClass.MITTELSTADT.value: _("Mittelstädte"),
    SizeClass.GROSSSTADT.value: _("Großstädte"),
}


def size_label(size_class: str, size_subclass: str) -> str:
    """The size as the pages show it: „Kleinstadt (Größere Kleinstadt)“, but „Landgemeinde“ alone where
    the finer band says nothing more (never „Landgemeinde (Landgemeinde)“)."""
    coarse, fine = str(SizeClass(size_class).label), str(SizeSubclass(size_subclass).label)
    return coarse if fine == coarse else f"{coarse} ({fine})"


def _band(population: int) -> tuple[int, SizeSubclass, SizeClass]:
    if population < 0:
        raise ValueError("population must not be negative")
    chosen = _BANDS[0]
    for band in _BANDS:
        if population >= band[0]:
            chosen = band
    return chosen


def size_class_for(population: int) -> SizeClass:
    return _band(population)[2]


def size_subclass_for(population: int) -> SizeSubclass:
    return _band(population)[1]


def neighbouring_size_classes(size_class: str) -> list[SizeClass]:
    """The class itself and the classes directly above and below (for "size class ±1")."""
    index = SIZE_CLASS_ORDER.index(SizeClass(size_class))
    return list(SIZE_CLASS_ORDER[max(0, index - 1) : index + 2])
