from django.db import models
from django.utils.translation import gettext_lazy as _


class SolutionStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    PILOT = "pilot", _("Pilotphase")
    IN_OPERATION = "in_operation", _("im Betrieb")
    COMPLETED = "completed", _("abgeschlossen")


class AdoptionStatus(models.TextChoices):
    """Where a town stands with a solution it takes over; unlike a case, an adoption can be given up."""

    PLANNED = "planned", _("geplant")
    PILOT = "pilot", _("Pilotphase")
    IN_OPERATION = "in_operation", _("im Betrieb")
    COMPLETED = "completed", _("abgeschlossen")
    STOPPED = "stopped", _("abgebrochen")


# One rule each, used by every page, filter, figure and matcher:
# a town *runs* a solution from the pilot on (it appears under „Wo es läuft“, counts for the size
# classes, may host visits) ...
RUNNING_STATUSES = frozenset({AdoptionStatus.PILOT, AdoptionStatus.IN_OPERATION, AdoptionStatus.COMPLETED})
# ... and it has *reached operation* when the solution is in regular use or the project is done.
OPERATING_STATUSES = frozenset({AdoptionStatus.IN_OPERATION, AdoptionStatus.COMPLETED})
