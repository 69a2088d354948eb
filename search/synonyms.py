"""The starter thesaurus a new installation begins with; editors maintain it in the admin afterwards."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from search.models import SynonymGroup
from search.signals import on_synonyms_changed

STARTER_THESAURUS = Path(__file__).resolve().parent / "demo" / "synonyms.txt"


def starter_groups(path: Path = STARTER_THESAURUS) -> list[str]:
    """One group per line, terms separated by commas; `#` lines are comments."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def load_starter_thesaurus(path: Path = STARTER_THESAURUS) -> int:
    """Fills an empty synonym table once and returns the number of groups created (0 if editors have any).
    One bulk insert and one synonym update for the search backends, not one per group."""
    with transaction.atomic():
        if SynonymGroup.objects.exists():
            return 0
        created = SynonymGroup.objects.bulk_create(SynonymGroup(terms=terms) for terms in starter_groups(path))
    on_synonyms_changed(sender=SynonymGroup)
    return len(created)
