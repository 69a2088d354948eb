"""Slugs in plain ASCII, wherever they come from: typed in the admin, prefilled by its script, generated
from a name or title, imported, or written around the model.

The rule itself is ``municipalities.text.ascii_slug`` ("Grünflächen & Friedhöfe" →
"gruenflaechen-friedhoefe"). The URL patterns accept only ``[-a-z0-9]``, so a slug with an umlaut made
``reverse`` fail and every page linking to it answered 500; and the import rejected what the export wrote.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Model, QuerySet
from django.urls import reverse
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

from municipalities.text import GERMAN_LETTERS, SLUG_PATTERN, ascii_slug, is_ascii_slug


class AsciiSlugFormField(forms.SlugField):
    """Transliterates what is typed (or what the admin's script prefilled) before it is validated, so that
    uniqueness is checked on the value that is stored."""

    def __init__(self, *, allow_unicode: bool = False, **kwargs) -> None:
        super().__init__(allow_unicode=False, **kwargs)

    def to_python(self, value):
        return ascii_slug(super().to_python(value), self.max_length)


class AsciiSlugField(models.SlugField):
    """A slug column that only ever holds ``ascii_slug`` values: cleaned, deserialised and saved values are
    transliterated. An empty value stays empty here; the model's ``save`` fills it from the name."""

    def to_python(self, value):
        value = super().to_python(value)
        return ascii_slug(value, self.max_length) if value else value

    def pre_save(self, model_instance: Model, add: bool):
        value = ascii_slug(getattr(model_instance, self.attname) or "", self.max_length)
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": AsciiSlugFormField, **kwargs})


# The admin's slug script (Wagtail's w-slug controller) knows no German: "ä" would become "a". These
# replacements run before it, in the browser, so the prefilled slug already is the one that is stored.
GERMAN_SLUG_FORMATTERS = list(GERMAN_LETTERS.items())


class GermanSlugInput(SlugInput):
    def __init__(self, attrs: dict | None = None, formatters=None, locale=None) -> None:
        super().__init__(attrs, formatters=formatters or GERMAN_SLUG_FORMATTERS, locale=locale)


def admin_slug_fields_register() -> None:
    """Every slug field in the Wagtail admin forms (pages of every type, snippets) prefills and stores
    ASCII slugs. Replaces Wagtail's own override for ``SlugField`` (its ``SlugInput``)."""
    register_form_field_override(
        models.SlugField, override={"form_class": AsciiSlugFormField, "widget": GermanSlugInput}
    )


def unique_slug(queryset: QuerySet, base: str, max_length: int) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever ``queryset`` does not hold yet."""
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = base[: max_length - len(suffix)].rstrip("-") + suffix, n + 1
    return slug


def slug_or_generated(instance: Model, fallback: str) -> str:
    """For models with ``name`` and a unique ``slug``: the slug made ASCII, or, when nothing is left of it,
    one made from the name (``fallback`` when nothing is left of that either), unique among the others."""
    model = type(instance)
    max_length = model._meta.get_field("slug").max_length
    return ascii_slug(instance.slug, max_length) or unique_slug(
        model._default_manager.exclude(pk=instance.pk), ascii_slug(instance.name, max_length) or fallback, max_length
    )


def slug_reverse(viewname: str, slug: str) -> str:
    """``reverse`` for a stored slug that cannot fail. A slug that is not ASCII (written around the model,
    by SQL or an old fixture) is linked by its transliteration, which ``slug_lookup`` resolves again;
    with nothing left of it the link leads to a 404, never to a 500."""
    return reverse(viewname, kwargs={"slug": slug if is_ascii_slug(slug) else ascii_slug(slug) or "-"})


def slug_lookup(queryset: QuerySet, slug: str):
    """The object with ``slug``, or the one whose stored non-ASCII slug ``slug_reverse`` linked as ``slug``."""
    found = queryset.filter(slug=slug).first()
    if found is None and is_ascii_slug(slug):
        # Only rows that break the rule are read, normally none.
        irregular = queryset.exclude(slug__regex=rf"^{SLUG_PATTERN}$")
        found = next((obj for obj in irregular if ascii_slug(obj.slug) == slug), None)
    return found


class AsciiSlugPage:
    """For page models: the slug is made ASCII whenever the page is validated, which ``Page.save`` does
    (fully when live, minimally for a draft), so pages written by code or published from an old revision
    keep to the rule too. An empty slug is generated from the title with the German transliteration."""

    def full_clean(self, *args, **kwargs) -> None:
        self._ascii_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self) -> None:
        self._ascii_slug()
        super().minimal_clean()

    def _ascii_slug(self) -> None:
        max_length = self._meta.get_field("slug").max_length
        slug = ascii_slug(self.slug, max_length)
        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        if not slug and self.title and parent_is_known:
            base = ascii_slug(self.title, max_length)
            # Wagtail's own de-duplication among the siblings ("-2", "-3" …), which it applies to the
            # slug it would generate from the title without German transliteration.
            slug = self._get_autogenerated_slug(base) if base else ""
        self.slug = slug
