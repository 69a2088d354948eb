"""Form fields hardened against hostile input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # BigAutoField; larger numbers crash SQLite (OverflowError) instead of matching nothing


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id beyond the database's integer range is "invalid choice" (400), not a 500."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not -MAX_ID <= int(text) <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:30]}
                )
        return super()._check_values(value)
