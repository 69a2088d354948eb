"""Writes of the Matching-Agentur: needs posted, renewed, closed, moderated; introductions made and answered.

(Interface fixed first; the agency-ui work fills it in.)"""

from __future__ import annotations

from agency.models import Introduction, Need


def need_introduce(need: Need) -> list[Introduction]:
    """Introduces the need's matched towns and partners that were not introduced yet and tells them; safe to
    call again (existing introductions are kept). Returns the new introductions."""
    return []
