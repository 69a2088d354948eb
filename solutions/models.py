from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.models import Orderable
from municipalities.size_classes import SizeClass
from solutions.blocks import SolutionStreamBlock
from solutions.choices import RUNNING_STATUSES, AdoptionStatus, SolutionStatus
from solutions.forms import SolutionPageForm
from solutions.slugs import AsciiSlugField, AsciiSlugPage, slug_or_generated, slug_reverse

FIRST_YEAR = 1990
SLUG_HELP = _(
    "Teil der Adresse: nur a–z, 0–9 und Bindestriche, Umlaute werden umschrieben (ä → ae). "
    "Leer gelassen, wird er aus dem Namen gebildet."
)


class Topic(TagBase):
    """A topic of the controlled vocabulary (slug and name as in PRODUCT.md)."""

    slug = AsciiSlugField(
        verbose_name=pgettext_lazy("A tag slug", "slug"), unique=True, max_length=100, blank=True, help_text=SLUG_HELP
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    # The name prefills the slug as the editor types (German transliteration, see solutions.slugs).
    panels = [TitleFieldPanel("name", classname="", placeholder=False), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["name"]

    def save(self, *args, **kwargs) -> None:
        self.slug = slug_or_generated(self, "thema")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_reverse("solutions:topic", self.slug)


class TaggedSolution(ItemBase):
    tag = models.ForeignKey(Topic, verbose_name=_("Thema"), related_name="tagged_solutions", on_delete=models.CASCADE)
    content_object = ParentalKey(
        "solutions.SolutionPage",
        verbose_name=_("Praxisbeispiel"),
        related_name="tagged_topics",
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("Themenzuordnung")
        verbose_name_plural = _("Themenzuordnungen")


class Supplier(ClusterableModel):
    """A GovTech company or service provider; its references are the cases that name it."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = AsciiSlugField(_("Kürzel"), max_length=200, unique=True, blank=True, help_text=SLUG_HELP)
    website = models.URLField(_("Website"), blank=True)
    description = models.TextField(_("Angebot"), blank=True)
    topics = ParentalManyToManyField(Topic, verbose_name=_("Themen"), blank=True, related_name="suppliers")

    panels = [
        TitleFieldPanel("name", classname="", placeholder=False),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("description"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("Anbieter")
        verbose_name_plural = _("Anbieter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.slug = slug_or_generated(self, "anbieter")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_reverse("solutions:supplier", self.slug)


class SolutionIndexPage(AsciiSlugPage, Page):
    """The list of all practice cases (/praxisbeispiele/); cases are its children."""

    intro = models.TextField(_("Einleitung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["solutions.SolutionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Übersicht Praxisbeispiele")
        verbose_name_plural = _("Übersichten Praxisbeispiele")


class SolutionPage(AsciiSlugPage, Page):
    """A practice case (Praxisbeispiel)."""

    teaser = models.TextField(_("Kurzbeschreibung"), max_length=400)
    problem = models.TextField(_("Ausgangslage / Problem"), blank=True)
    solution = StreamField(SolutionStreamBlock(), verbose_name=_("Lösung"), blank=True)
    results = models.TextField(_("Ergebnisse"), blank=True)
    lessons_learned = models.TextField(_("Was schiefging / Lehren"), blank=True)
    transferability = models.TextField(_("Hinweise zur Übertragbarkeit"), blank=True)

    status = models.CharField(
        _("Stand"), max_length=20, choices=SolutionStatus.choices, default=SolutionStatus.IN_OPERATION
    )
    year = models.PositiveSmallIntegerField(
        _("Jahr"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )
    costs_eur = models.DecimalField(
        _("Kosten (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    costs_note = models.CharField(
        _("Hinweis zu den Kosten"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „pro Jahr“ oder „ohne Personalkosten“"),
    )
    staff_effort = models.CharField(_("Personalaufwand"), max_length=300, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("Dauer (Monate)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    funding = models.CharField(_("Förderprogramm"), max_length=300, blank=True)
    procurement = models.CharField(_("Vergabeweg"), max_length=300, blank=True)

    lead_municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("federführende Kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_solutions",
    )
    lead_hosts_visits = models.BooleanField(_("federführende Kommune empfängt Hospitationen"), default=False)
    lead_visits_per_year = models.PositiveSmallIntegerField(_("Hospitationen pro Jahr"), null=True, blank=True)
    hosting_note = models.CharField(
        _("Hinweis zu Hospitationen"),
        max_length=300,
        blank=True,
        help_text=_("Erscheint beim Gastgeber auf der Seite, z. B. „nur dienstags“ oder „bitte vier Wochen Vorlauf“"),
    )
    suppliers = ParentalManyToManyField(Supplier, verbose_name=_("Anbieter"), blank=True, related_name="solutions")
    topics = ClusterTaggableManager(through=TaggedSolution, verbose_name=_("Themen"), blank=True)
    # Comma-separated size-class slugs; a plain string so every database can filter on it.
    suitable_for = models.CharField(
        _("geeignet für"),
        max_length=120,
        blank=True,
        help_text=_("Größenklassen, für die sich die Lösung laut Redaktion eignet"),
    )

    contact_name = models.CharField(_("Name"), max_length=200, blank=True)
    contact_role = models.CharField(_("Funktion"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    contact_consent = models.BooleanField(
        _("Die Person hat der Veröffentlichung ihrer Kontaktdaten zugestimmt"), default=False
    )
    contact_consent_at = models.DateTimeField(_("Zustimmung erteilt am"), null=True, blank=True)
    last_confirmed = models.DateField(_("zuletzt bestätigt"), null=True, blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser"),
        index.SearchField("problem"),
        index.SearchField("results"),
        index.FilterField("status"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("teaser"),
        MultiFieldPanel(
            [
                FieldPanel("lead_municipality"),
                FieldRowPanel([FieldPanel("lead_hosts_visits"), FieldPanel("lead_visits_per_year")]),
                FieldPanel("hosting_note"),
            ],
            heading=_("Kommune"),
        ),
        # Required when publishing (SolutionPageForm), not for a draft.
        FieldPanel("topics", required_on_save=False),
        FieldPanel("problem"),
        FieldPanel("solution"),
        MultiFieldPanel(
            [FieldPanel("results"), InlinePanel("outcomes", label=_("Ergebnis in Zahlen"))], heading=_("Ergebnisse")
        ),
        FieldPanel("lessons_learned"),
        FieldPanel("transferability"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("year"), FieldPanel("duration_months")]),
                FieldRowPanel([FieldPanel("costs_eur"), FieldPanel("costs_note")]),
                FieldPanel("staff_effort"),
                FieldPanel("funding"),
                FieldPanel("procurement"),
            ],
            heading=_("Eckdaten"),
        ),
        FieldPanel("suitable_for"),
        FieldPanel("suppliers"),
        InlinePanel("adopters", label=_("Kommunen, die die Lösung übernommen haben")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_role")]),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("contact_consent"),
            ],
            heading=_("Ansprechperson"),
        ),
        InlinePanel("attachments", label=_("Anhänge")),
        FieldPanel("last_confirmed"),
    ]
    base_form_class = SolutionPageForm
    parent_page_types = ["solutions.SolutionIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Praxisbeispiel")
        verbose_name_plural = _("Praxisbeispiele")

    def clean(self) -> None:
        super().clean()
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("Das Jahr liegt in der Zukunft.")})
        invalid = [value for value in self.suitable_for_list if value not in SizeClass.values]
        if invalid:
            raise ValidationError({"suitable_for": _("Unbekannte Größenklasse: %s") % ", ".join(invalid)})

    @property
    def eur_per_inhabitant(self) -> Decimal | None:
        """Costs divided by the lead municipality's population, to compare towns of different size."""
        if self.costs_eur is None or self.lead_municipality is None or not self.lead_municipality.population:
            return None
        return (self.costs_eur / self.lead_municipality.population).quantize(Decimal("0.01"))

    @property
    def suitable_for_list(self) -> list[str]:
        return [value for value in (self.suitable_for or "").split(",") if value]

    @property
    def contact_is_public(self) -> bool:
        return bool(self.contact_consent and self.contact_name)

    def stamp_contact_consent(self) -> None:
        """Records when consent to publish the contact details was given; saving again keeps that time,
        withdrawing the consent clears it. The admin form and the import call it after setting
        ``contact_consent``."""
        if self.contact_consent and self.contact_consent_at is None:
            self.contact_consent_at = timezone.now()
        elif not self.contact_consent:
            self.contact_consent_at = None


class SolutionOutcome(Orderable):
    page = ParentalKey(
        SolutionPage, verbose_name=_("Praxisbeispiel"), related_name="outcomes", on_delete=models.CASCADE
    )
    metric = models.CharField(_("Kennzahl"), max_length=200)
    value = models.DecimalField(_("Wert"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("Einheit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=2, null=True, blank=True)

    panels = [FieldRowPanel([FieldPanel("metric"), FieldPanel("value"), FieldPanel("unit"), FieldPanel("baseline")])]

    class Meta(Orderable.Meta):
        verbose_name = _("Ergebnis in Zahlen")
        verbose_name_plural = _("Ergebnisse in Zahlen")


class SolutionAdopter(Orderable):
    """A municipality that takes over the case's solution (besides the lead municipality).

    Editors enter adopters on the case; members declare them („Wir setzen das auch um“, app ``adoption``).
    Both write these rows, which are page content like the rest of the case: every change goes through a
    revision (``solutions.services.solution_adopter_save``)."""

    page = ParentalKey(
        SolutionPage, verbose_name=_("Praxisbeispiel"), related_name="adopters", on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="adoptions"
    )
    since_year = models.PositiveSmallIntegerField(_("seit"), null=True, blank=True)
    started_on = models.DateField(_("Beginn"), null=True, blank=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=AdoptionStatus.choices, default=AdoptionStatus.IN_OPERATION
    )
    learned_from = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("gelernt von"),
        help_text=_("Leer: über die Plattform oder unbekannt."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stopped_reason = models.TextField(
        _("Grund für den Abbruch"),
        blank=True,
        help_text=_("Nur für die Redaktion – öffentlich erst, wenn „Abbruchgrund veröffentlichen“ gesetzt ist."),
    )
    stopped_reason_public = models.BooleanField(_("Abbruchgrund veröffentlichen"), default=False)
    notes = models.TextField(_("Anmerkungen der Kommune (öffentlich)"), blank=True)
    # Figures in the case's outcome format: [{"metric", "value", "unit", "baseline"}].
    outcomes = models.JSONField(_("Ergebnisse in Zahlen"), default=list, blank=True)
    hosts_visits = models.BooleanField(_("empfängt Hospitationen"), default=False)
    visits_per_year = models.PositiveSmallIntegerField(_("Hospitationen pro Jahr"), null=True, blank=True)
    is_sample = models.BooleanField(_("Beispieldaten"), default=False, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("municipality"), FieldPanel("learned_from")]),
        FieldRowPanel([FieldPanel("since_year"), FieldPanel("started_on"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("stopped_reason"), FieldPanel("stopped_reason_public")]),
        FieldPanel("notes"),
        FieldRowPanel([FieldPanel("hosts_visits"), FieldPanel("visits_per_year")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("übernehmende Kommune")
        verbose_name_plural = _("übernehmende Kommunen")
        constraints = [
            models.UniqueConstraint(fields=["page", "municipality"], name="unique_adopter_per_solution"),
        ]

    @property
    def runs(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def public_stopped_reason(self) -> str:
        return self.stopped_reason if self.status == AdoptionStatus.STOPPED and self.stopped_reason_public else ""


class SolutionAttachment(Orderable):
    page = ParentalKey(
        SolutionPage, verbose_name=_("Praxisbeispiel"), related_name="attachments", on_delete=models.CASCADE
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("Dokument"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("Titel (optional)"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
