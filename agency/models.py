"""The Matching-Agentur's records: needs (Gesuche) that towns post, and the introductions the agency makes
for them. Who may see what, and when contacts are shared, is decided in ``agency.services`` and
``matching.consent``; these models only hold the facts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RADIUS_MIN_KM = 1
RADIUS_MAX_KM = 200
DEFAULT_RADIUS_KM = 25
DEFAULT_LIFETIME_DAYS = 183  # six months, the default expiry


class NeedKind(models.TextChoices):
    SOLUTION = "loesung", _("Lösung gesucht")
    PARTNER = "partner", _("Partner gesucht")
    SUPPLIER = "anbieter", _("Anbieter gesucht")


class NeedState(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    OPEN = "open", _("offen")
    CLOSED = "closed", _("geschlossen")
    HIDDEN = "hidden", _("von der Redaktion verborgen")


class NeedSource(models.TextChoices):
    MEMBER = "member", _("von einem Mitglied eingestellt")
    IMPORT = "import", _("aus einer Werkstatt importiert")


class Need(models.Model):
    """What a town looks for. Public are the town and the text; the author is never shown."""

    ref = models.SlugField(
        _("Kennung"), max_length=80, unique=True, help_text=_("Schlüssel in Adresse, API und Import (a–z, 0–9, -)")
    )
    kind = models.CharField(_("Art"), max_length=10, choices=NeedKind.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=5000)
    topics = models.ManyToManyField("solutions.Topic", verbose_name=_("Themen"), related_name="needs")
    radius_km = models.PositiveSmallIntegerField(
        _("Umkreis (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RADIUS_MIN_KM), MaxValueValidator(RADIUS_MAX_KM)],
        help_text=_("Nur bei Partnersuche: wie weit Partner entfernt sein dürfen"),
    )
    expires = models.DateField(_("läuft ab am"))
    state = models.CharField(_("Status"), max_length=10, choices=NeedState.choices, default=NeedState.PENDING)
    source = models.CharField(_("Herkunft"), max_length=10, choices=NeedSource.choices, default=NeedSource.MEMBER)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingestellt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    hidden_note = models.CharField(_("Grund für das Verbergen"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("eingestellt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("geschlossen am"), null=True, blank=True)
    # The version of cases and needs the introductions were last made for (see agency.services.needs_rematch).
    matched_version = models.CharField(_("zuletzt abgeglichen mit Stand"), max_length=100, blank=True, editable=False)
    matched_at = models.DateTimeField(_("zuletzt abgeglichen am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Gesuch")
        verbose_name_plural = _("Gesuche")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["state", "expires"]), models.Index(fields=["kind", "state"])]

    def __str__(self) -> str:
        return f"{self.municipality.name}: {self.title}"


class IntroductionKind(models.TextChoices):
    SOLVED = "solved", _("hat es gelöst")
    PARTNER = "partner", _("sucht dasselbe")


class IntroductionStatus(models.TextChoices):
    OFFERED = "offered", _("vorgeschlagen")
    AGREED = "agreed", _("beide Seiten einverstanden")
    DECLINED = "declined", _("abgelehnt")


class IntroductionSide(models.TextChoices):
    SEEKER = "seeker", _("suchende Kommune")
    HELPER = "helper", _("vorgestellte Kommune")


class Introduction(models.Model):
    """The agency introduces a town to a need: one that has solved it, or one with a matching need nearby.
    Each side agrees or declines; contacts are shared once both agreed (matching.consent)."""

    need = models.ForeignKey(Need, verbose_name=_("Gesuch"), on_delete=models.CASCADE, related_name="introductions")
    kind = models.CharField(_("Art"), max_length=10, choices=IntroductionKind.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("vorgestellte Kommune"),
        on_delete=models.PROTECT,
        related_name="introductions_received",
    )
    other_need = models.ForeignKey(
        Need,
        verbose_name=_("Gesuch der anderen Kommune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    cases = models.JSONField(_("passende Praxisbeispiele (Slugs)"), default=list, blank=True)
    reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    score = models.FloatField(_("Passung"), default=0.0)
    status = models.CharField(
        _("Status"), max_length=10, choices=IntroductionStatus.choices, default=IntroductionStatus.OFFERED
    )
    seeker_agreed_at = models.DateTimeField(_("suchende Kommune einverstanden am"), null=True, blank=True)
    seeker_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("einverstanden (suchende Kommune)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    helper_agreed_at = models.DateTimeField(_("vorgestellte Kommune einverstanden am"), null=True, blank=True)
    helper_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("einverstanden (vorgestellte Kommune)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("abgelehnt am"), null=True, blank=True)
    declined_side = models.CharField(_("abgelehnt von"), max_length=10, choices=IntroductionSide.choices, blank=True)
    created_at = models.DateTimeField(_("vorgestellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Vorstellung")
        verbose_name_plural = _("Vorstellungen")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "municipality"], name="one_introduction_per_town")]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.municipality.name}"


class TownAgencySetting(models.Model):
    """A town's members can switch off being introduced (asked) by the agency."""

    municipality = models.OneToOneField(
        "municipalities.Municipality",
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        related_name="agency_setting",
    )
    introductions = models.BooleanField(
        _("Vorstellungen erhalten"),
        default=True,
        help_text=_("Aus: Die Matching-Agentur stellt unsere Kommune niemandem mehr vor."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("geändert von"), on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Einstellung der Kommune zur Matching-Agentur")
        verbose_name_plural = _("Einstellungen der Kommunen zur Matching-Agentur")

    def __str__(self) -> str:
        return f"{self.municipality.name}: {'an' if self.introductions else 'aus'}"
