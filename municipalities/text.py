"""Text normalisation for names: one place for umlaut and case folding."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


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


def name_slug(name: str) -> str:
    return slugify(name.translate(_TRANSLIT)) or "kommune"
