"""Text normalisation for names: one place for umlaut and case folding."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

# German transliteration; the capitals matter for slugs, which are built before lower-casing.
GERMAN_LETTERS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
# Latin letters that Unicode does not decompose into a base letter plus accent (NFKD keeps "ł" as it is).
_UNDECOMPOSABLE = {
    **{"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe"},
    **{"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"},
}
_TRANSLIT = str.maketrans(GERMAN_LETTERS)
_SLUG_TRANSLIT = str.maketrans({**GERMAN_LETTERS, **_UNDECOMPOSABLE})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# What every slug of the project looks like, and what its URL patterns accept.
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(rf"^{SLUG_PATTERN}$")


def fold(text: str) -> str:
    """Lower-case, umlauts without dots ("Mülheim" → "mulheim"), ß → ss, punctuation → space."""
    text = (text or "").lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def transliterate(text: str) -> str:
    """German transliteration ("Göttingen" → "goettingen"), for users who type without umlauts."""
    return fold((text or "").lower().translate(_TRANSLIT))


def name_search_key(*names: str) -> str:
    """Both spellings of every name, so a plain ``contains`` finds "Mulheim" and "Muelheim"."""
    variants: list[str] = []
    for name in names:
        for variant in (fold(name), transliterate(name)):
            if variant and variant not in variants:
                variants.append(variant)
    return " | ".join(variants)


def short_name(official_name: str) -> str:
    """ "Hemmingen, Stadt" → "Hemmingen"; "Kiel, Landeshauptstadt" → "Kiel"."""
    return official_name.split(",")[0].strip()


def ascii_slug(text: str, max_length: int | None = None) -> str:
    """The one slug rule of the project: German transliteration ("Grünflächen & Friedhöfe" →
    "gruenflaechen-friedhoefe"), other accents stripped, only a-z, 0-9 and single hyphens (``SLUG_PATTERN``),
    so every URL pattern reverses it. Idempotent; "" when nothing is left (the caller picks a fallback)."""
    text = unicodedata.normalize("NFC", text or "").translate(_SLUG_TRANSLIT)
    slug = slugify(text.replace("_", " ")).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if max_length is not None and len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def is_ascii_slug(value: str) -> bool:
    return bool(SLUG_RE.match(value or ""))


def name_slug(name: str) -> str:
    return ascii_slug(name) or "kommune"
