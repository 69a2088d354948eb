"""Signals other apps may listen to without the register knowing them."""

from django.dispatch import Signal

# Sent after an import changed municipalities; ``ags`` is the list of changed keys.
register_changed = Signal()
