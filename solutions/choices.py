from django.db import models
from django.utils.translation import gettext_lazy as _


class SolutionStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    PILOT = "pilot", _("Pilotphase")
    IN_OPERATION = "in_operation", _("im Betrieb")
    COMPLETED = "completed", _("abgeschlossen")
