from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from municipalities.size_classes import SizeClass, SizeSubclass, size_label
from municipalities.states import State


class Urbanisation(models.TextChoices):
    """Grad der Verstädterung (DEGURBA) as published in the Destatis register."""

    DENSE = "1", _("dicht besiedelt")
    INTERMEDIATE = "2", _("mittlere Besiedlungsdichte")
    THIN = "3", _("gering besiedelt")


class Municipality(index.Indexed, models.Model):
    """A political municipality (Gemeinde) of the official register, keyed by its AGS."""

    ags = models.CharField(_("AGS"), max_length=8, unique=True, help_text=_("Amtlicher Gemeindeschlüssel"))
    name = models.CharField(_("Name"), max_length=200, help_text=_("Kurzname, z. B. „Hemmingen“"))
    official_name = models.CharField(_("amtlicher Name"), max_length=200, blank=True)
    slug = models.SlugField(_("Kürzel"), max_length=200)
    municipality_type = models.CharField(_("Gemeindetyp"), max_length=80, blank=True)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices, db_index=True)
    district_code = models.CharField(_("Kreisschlüssel"), max_length=5, blank=True)
    district_name = models.CharField(_("Landkreis"), max_length=200, blank=True)
    association_code = models.CharField(_("Gemeindeverbandsschlüssel"), max_length=9, blank=True)
    association_name = models.CharField(_("Gemeindeverband"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("Einwohnerzahl"))
    population_date = models.DateField(_("Stichtag der Einwohnerzahl"), null=True, blank=True)
    area_km2 = models.DecimalField(_("Fläche (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    lat = models.FloatField(_("Breitengrad"), null=True, blank=True)
    lon = models.FloatField(_("Längengrad"), null=True, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    urbanisation = models.CharField(_("Verstädterung"), max_length=1, choices=Urbanisation.choices, blank=True)
    ortsteile_count = models.PositiveIntegerField(_("Zahl der Ortsteile"), null=True, blank=True)
    # Stored (not computed in queries) because filters and facets use them; kept in step by
    # ``municipalities.services`` whenever the population changes.
    size_class = models.CharField(_("Größenklasse"), max_length=20, choices=SizeClass.choices, db_index=True)
    size_subclass = models.CharField(_("Größenklasse (fein)"), max_length=30, choices=SizeSubclass.choices)
    name_search = models.CharField(_("Suchform des Namens"), max_length=500, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    # The admin search (Wagtail's database backend) for the municipality chooser.
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("official_name"),
        index.FilterField("state"),
        index.FilterField("size_class"),
    ]

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name", "ags"]
        indexes = [models.Index(fields=["size_class", "state"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"ags": self.ags, "slug": self.slug})

    @property
    def density(self) -> int | None:
        """Inhabitants per km², as Destatis rounds it."""
        if not self.area_km2:
            return None
        return round(self.population / float(self.area_km2))

    @property
    def size_label(self) -> str:
        """Size class with the finer band where it adds something, e.g. „Kleinstadt (Größere Kleinstadt)“."""
        return size_label(self.size_class, self.size_subclass)

    @property
    def state_name(self) -> str:
        return State(self.state).label


class MemberRole(models.TextChoices):
    MAYOR = "mayor", _("Bürgermeister:in")
    ADMINISTRATION = "administration", _("Verwaltung")


class MunicipalityMember(models.Model):
    """Links a user account to the one municipality it may act for."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="membership"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=MemberRole.choices)
    approved = models.BooleanField(_("von der Redaktion bestätigt"), default=False)
    approved_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitglied einer Kommune")
        verbose_name_plural = _("Mitglieder von Kommunen")

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality.name} ({self.get_role_display()})"
