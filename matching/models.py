from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HospitationStatus(models.TextChoices):
    REQUESTED = "requested", _("angefragt")
    DATE_PROPOSED = "date_proposed", _("anderer Termin vorgeschlagen")
    ACCEPTED = "accepted", _("angenommen")
    DECLINED = "declined", _("abgelehnt")
    CANCELLED = "cancelled", _("zurückgezogen")


# Requests still waiting for the host (or for the visitor's answer to a proposed date): they block a
# second request to the same host and can still be accepted, declined or withdrawn.
HOSPITATION_OPEN_STATES = (HospitationStatus.REQUESTED, HospitationStatus.DATE_PROPOSED)


class Adoption(models.TextChoices):
    YES = "yes", _("ja, übernommen")
    PLANNED = "planned", _("geplant")
    NO = "no", _("nein")


class HospitationRequest(models.Model):
    """A visit of one municipality to another that runs a practice case (Hospitation)."""

    solution = models.ForeignKey("solutions.SolutionPage", on_delete=models.PROTECT, related_name="hospitations")
    visitor = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="hospitations_sent"
    )
    host = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="hospitations_received"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="hospitations_requested"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="hospitations_decided"
    )
    message = models.TextField(_("Nachricht"), max_length=2000)
    period = models.CharField(_("Wunschzeitraum"), max_length=200)
    people = models.PositiveSmallIntegerField(_("Personen"), validators=[MinValueValidator(1), MaxValueValidator(20)])
    status = models.CharField(max_length=20, choices=HospitationStatus.choices, default=HospitationStatus.REQUESTED)
    proposed_date = models.CharField(_("vorgeschlagener Termin"), max_length=200, blank=True)
    host_note = models.TextField(_("Antwort"), max_length=2000, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Jahr, auf dessen Kontingent die Anfrage zählt")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    helped = models.BooleanField(_("Hat es geholfen?"), null=True, blank=True)
    adopted = models.CharField(_("Übernommen?"), max_length=10, choices=Adoption.choices, blank=True)
    feedback = models.TextField(_("Rückmeldung"), max_length=2000, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Hospitationsanfrage")
        verbose_name_plural = _("Hospitationsanfragen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["host", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.visitor.name} → {self.host.name}: {self.solution.title}"


class HostQuota(models.Model):
    """Accepted visits of a host for one case in one year. Accepting increments it with a single
    conditional UPDATE, so two simultaneous accepts can never exceed the capacity."""

    host = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")
    solution = models.ForeignKey("solutions.SolutionPage", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    accepted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["host", "solution", "year"], name="unique_host_quota")]

    def __str__(self) -> str:
        return f"{self.host_id}/{self.solution_id}/{self.year}: {self.accepted}"


class TandemRoundStatus(models.TextChoices):
    OPEN = "open", _("Bewerbung offen")
    CLOSED = "closed", _("geschlossen, Zuordnung berechnet")
    CONFIRMED = "confirmed", _("bestätigt")


class TandemRound(models.Model):
    """A round of the tandem programme between new and experienced mayors."""

    title = models.CharField(_("Titel"), max_length=200)
    application_start = models.DateField(_("Bewerbung ab"))
    application_end = models.DateField(_("Bewerbung bis"))
    status = models.CharField(max_length=20, choices=TandemRoundStatus.choices, default=TandemRoundStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Tandem-Runde")
        verbose_name_plural = _("Tandem-Runden")
        ordering = ["-application_start"]

    def __str__(self) -> str:
        return self.title


class TandemRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee (seit weniger als 2 Jahren im Amt)")
    MENTOR = "mentor", _("Mentor:in (seit 5 Jahren oder länger im Amt)")


class TandemApplication(models.Model):
    round = models.ForeignKey(TandemRound, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tandem_applications")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("Rolle"), max_length=10, choices=TandemRole.choices)
    in_office_since = models.DateField(_("im Amt seit"))
    capacity = models.PositiveSmallIntegerField(
        _("Zahl der Mentees (Mentor:innen, 1–3)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    topics = models.ManyToManyField("solutions.Topic", verbose_name=_("Themen"), blank=True)
    max_distance_km = models.PositiveIntegerField(_("höchstens … km entfernt"), null=True, blank=True)
    same_state_only = models.BooleanField(_("nur im eigenen Bundesland"), default=False)
    partner_size_classes = models.CharField(_("Größe der Partnerkommune"), max_length=100, blank=True)
    note = models.TextField(_("Was ich mir wünsche"), max_length=1000, blank=True)
    unmatched_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Tandem-Bewerbung")
        verbose_name_plural = _("Tandem-Bewerbungen")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="one_application_per_round")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.municipality.name}"


class TandemPair(models.Model):
    round = models.ForeignKey(TandemRound, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.OneToOneField(TandemApplication, on_delete=models.CASCADE, related_name="pair_as_mentee")
    mentor = models.ForeignKey(TandemApplication, on_delete=models.CASCADE, related_name="pairs_as_mentor")
    score = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("Tandem")
        verbose_name_plural = _("Tandems")

    def __str__(self) -> str:
        return f"{self.mentee.municipality.name} ↔ {self.mentor.municipality.name}"
