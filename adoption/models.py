"""The adoption workflow: a town's declaration that it takes over a case's solution („Vorhaben“), the history of
its status, and the reminders that ask how far it has come.

The status itself is page content and lives on ``solutions.SolutionAdopter`` (written only through
``solutions.services.solution_adopter_save``); these rows hold what the workflow needs besides: who declared when,
every change, and which reminder went out for which due date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solutions.choices import AdoptionStatus


class AdoptionPlan(models.Model):
    """„Wir setzen das auch um“: one town's plan to take over one case's solution."""

    page = models.ForeignKey(
        "solutions.SolutionPage", verbose_name=_("Praxisbeispiel"), on_delete=models.CASCADE, related_name="plans"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="plans"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erklärt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The latest declaration: a new one after „abgebrochen“ moves it, and the reminders count from here.
    declared_at = models.DateTimeField(_("erklärt am"), default=timezone.now)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Vorhaben")
        verbose_name_plural = _("Vorhaben")
        ordering = ["-declared_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["page", "municipality"], name="one_plan_per_town_and_case")]

    def __str__(self) -> str:
        return f"{self.municipality.name} – {self.page.title}"


class EventVia(models.TextChoices):
    DECLARATION = "declaration", _("Erklärung „Wir setzen das auch um“")
    FORM = "form", _("Formular „Unsere Vorhaben“")
    LINK = "link", _("Link aus der Erinnerung")
    EDITOR = "editor", _("Redaktion")


class AdoptionEvent(models.Model):
    """One step of a plan's history (declared, moved on, stopped, texts changed)."""

    plan = models.ForeignKey(AdoptionPlan, verbose_name=_("Vorhaben"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("Stand"), max_length=20, choices=AdoptionStatus.choices)
    at = models.DateTimeField(_("am"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    via = models.CharField(_("über"), max_length=20, choices=EventVia.choices)

    class Meta:
        verbose_name = _("Schritt eines Vorhabens")
        verbose_name_plural = _("Schritte von Vorhaben")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} → {self.get_status_display()}"


class AdoptionReminder(models.Model):
    """„Wie weit sind Sie?“ for one due date of one plan. The row is written before the mail goes out; the unique
    (plan, due date) makes a second run of ``send_adoption_reminders`` send nothing again."""

    plan = models.ForeignKey(
        AdoptionPlan, verbose_name=_("Vorhaben"), on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField(_("fällig am"))
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("Empfänger"), default=0)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Erinnerung zu einem Vorhaben")
        verbose_name_plural = _("Erinnerungen zu Vorhaben")
        ordering = ["-due_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="one_reminder_per_due_date")]

    def __str__(self) -> str:
        return f"{self.plan} ({self.due_on:%d.%m.%Y})"
