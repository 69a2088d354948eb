from __future__ import annotations

from municipalities.size_classes import SizeClass
from municipalities.states import State
from search.types import PROVEN
from solutions.choices import SolutionStatus
from solutions.models import Topic

PROVEN_LABEL = "bewährt (anderswo im Betrieb)"


def facet_labels() -> dict[str, dict[str, str]]:
    return {
        "topic": dict(Topic.objects.values_list("slug", "name")),
        "size_class": {c.value: str(c.label) for c in SizeClass},
        "state": {s.value: s.label for s in State},
        "status": {s.value: str(s.label) for s in SolutionStatus},
        "proven": {PROVEN: PROVEN_LABEL},
    }
