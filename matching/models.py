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


class Addressee(models.TextChoices):
    """Who answers a hospitation request (matching.addressee.hospitation_addressee decides it)."""

    MEMBERS = "members", _("Mitglieder der Gastgeberkommune")
    CONTACT = "contact", _("Ansprechperson des Praxisbeispiels (Link ohne Konto)")
    EDITORS = "editors", _("Redaktion")


class HospitationRequest(models.Model):
    """A visit of one municipality to another that runs a practice case (Hospitation)."""

    solution = models.ForeignKey(
        "solutions.SolutionPage",
        verbose_name=_("Praxisbeispiel"),
        on_delete=models.PROTECT,
        related_name="hospitations",
    )
    visitor = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("anfragende Kommune"),
        on_delete=models.PROTECT,
        related_name="hospitations_sent",
    )
    host = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("Gastgeberkommune"),
        on_delete=models.PROTECT,
        related_name="hospitations_received",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefragt von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="hospitations_requested",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwortet von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hospitations_decided",
    )
    addressee = models.CharField(_("Empfänger"), max_length=10, choices=Addressee.choices, default=Addressee.MEMBERS)
    message = models.TextField(_("Nachricht"), max_length=2000)
    period = models.CharField(_("Wunschzeitraum"), max_length=200)
    people = models.PositiveSmallIntegerField(_("Personen"), validators=[MinValueValidator(1), MaxValueValidator(20)])
    status = models.CharField(
        _("Status"), max_length=20, choices=HospitationStatus.choices, default=HospitationStatus.REQUESTED
    )
    proposed_date = models.CharField(_("vorgeschlagener Termin"), max_length=200, blank=True)
    host_note = models.TextField(_("Antwort"), max_length=2000, blank=True)
    year = models.PositiveSmallIntegerField(_("Jahr"), help_text=_("Jahr, auf dessen Kontingent die Anfrage zählt"))
    created_at = models.DateTimeField(_("angefragt am"), auto_now_add=True)
    decided_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    helped = models.BooleanField(_("Hat es geholfen?"), null=True, blank=True)
    adopted = models.CharField(_("Übernommen?"), max_length=10, choices=Adoption.choices, blank=True)
    feedback = models.TextField(_("Rückmeldung"), max_length=2000, blank=True)
    feedback_at = models.DateTimeField(_("Rückmeldung am"), null=True, blank=True)

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

    host = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("Gastgeberkommune"), on_delete=models.CASCADE, related_name="+"
    )
    solution = models.ForeignKey(
        "solutions.SolutionPage", verbose_name=_("Praxisbeispiel"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    accepted = models.PositiveIntegerField(_("angenommene Hospitationen"), default=0)

    class Meta:
        verbose_name = _("Hospitationskontingent")
        verbose_name_plural = _("Hospitationskontingente")
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
    status = models.CharField(
        _("Status"), max_length=20, choices=TandemRoundStatus.choices, default=TandemRoundStatus.OPEN
    )
    closed_at = models.DateTimeField(_("geschlossen am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)

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
    round = models.ForeignKey(
        TandemRound, verbose_name=_("Tandem-Runde"), on_delete=models.CASCADE, related_name="applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        on_delete=models.CASCADE,
        related_name="tandem_applications",
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="+"
    )
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
    unmatched_reason = models.CharField(_("Grund, warum kein Tandem zustande kam"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("beworben am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Tandem-Bewerbung")
        verbose_name_plural = _("Tandem-Bewerbungen")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="one_application_per_round")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.municipality.name}"


class TandemPair(models.Model):
    round = models.ForeignKey(
        TandemRound, verbose_name=_("Tandem-Runde"), on_delete=models.CASCADE, related_name="pairs"
    )
    mentee = models.OneToOneField(
        TandemApplication, verbose_name=_("Mentee"), on_delete=models.CASCADE, related_name="pair_as_mentee"
    )
    mentor = models.ForeignKey(
        TandemApplication, verbose_name=_("Mentor:in"), on_delete=models.CASCADE, related_name="pairs_as_mentor"
    )
    score = models.FloatField(_("Passung"))
    reasons = models.JSONField(_("Gründe"), default=list)

    class Meta:
        verbose_name = _("Tandem")
        verbose_name_plural = _("Tandems")

    def __str__(self) -> str:
        return f"{self.mentee.municipality.name} ↔ {self.mentor.municipality.name}"


class HospitationLink(models.Model):
    """A signed, single-use, expiring link that lets someone without an account answer one request: the
    case's contact person, or an address the editors forwarded the request to. Only the SHA-256 of the
    random token is stored, so a copy of the database does not hand out working links."""

    request = models.ForeignKey(
        HospitationRequest, verbose_name=_("Hospitationsanfrage"), on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField(_("Prüfsumme des Links"), max_length=64, unique=True)
    email = models.EmailField(_("gesendet an"))
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("verwendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Antwort-Link")
        verbose_name_plural = _("Antwort-Links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.request} ({self.created_at:%d.%m.%Y})"
