from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.models import Orderable

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(Page):
    """The start page: the search box first, then topics, cases from similar towns for a logged-in
    municipality, recent and recently confirmed cases, and a few figures counted from the data."""

    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = RichTextField(_("Text"), blank=True, features=RICH_TEXT_FEATURES)
    featured_heading = models.CharField(
        _("Überschrift der Empfehlungen"), max_length=100, default="Von der Redaktion empfohlen"
    )
    show_numbers = models.BooleanField(
        _("Zahlen zeigen"),
        default=True,
        help_text=_("Praxisbeispiele, beteiligte Kommunen, Hospitationen und Tandems, aus den Daten gezählt."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("featured_heading"), InlinePanel("featured_cases", label=_("Praxisbeispiel"), max_num=6)],
            heading=_("Empfehlungen der Redaktion"),
        ),
        FieldPanel("show_numbers"),
        FieldPanel("body"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")

    def get_context(self, request, *args, **kwargs):
        from pages import selectors

        context = super().get_context(request, *args, **kwargs)
        overview = selectors.home_overview()
        context["featured"] = selectors.home_featured_cases(self)
        context["topics"] = overview.topics
        context["recent"] = overview.recent
        context["confirmed"] = overview.confirmed
        if self.show_numbers:
            context["numbers"] = overview.numbers
        member = getattr(request.user, "membership", None)
        if member is not None and member.approved:
            context["member"] = member
            context["similar_cases"] = selectors.cases_from_similar_towns(member.municipality)
            context["open_requests"] = selectors.hospitation_requests_open(member.municipality)[:5]
        return context


class HomeFeaturedCase(Orderable):
    """A case the editors put on the home page."""

    page = ParentalKey(HomePage, verbose_name=_("Startseite"), on_delete=models.CASCADE, related_name="featured_cases")
    case = models.ForeignKey(
        "solutions.SolutionPage", verbose_name=_("Praxisbeispiel"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("case")]

    class Meta(Orderable.Meta):
        verbose_name = _("Empfohlenes Praxisbeispiel")
        verbose_name_plural = _("Empfohlene Praxisbeispiele")


class ContentPage(Page):
    """A plain text page such as Impressum, Datenschutz or Über uns."""

    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = RichTextField(_("Text"), features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["pages.HomePage", "pages.ContentPage"]
    subpage_types = ["pages.ContentPage"]

    class Meta:
        verbose_name = _("Textseite")
        verbose_name_plural = _("Textseiten")


@register_setting(icon="link")
class FooterLinks(BaseSiteSetting):
    """Which pages the footer links to as Impressum and Datenschutz (required on German sites)."""

    # Wagtail's own field, only with a German label.
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name=_("Website"),
        unique=True,
        db_index=True,
        editable=False,
        on_delete=models.CASCADE,
    )
    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Impressum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Datenschutz"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("imprint_page"), FieldPanel("privacy_page")]

    class Meta:
        verbose_name = _("Links in der Fußzeile")
        verbose_name_plural = _("Links in der Fußzeile")


class ImpactPage(Page):
    """„Wirkung“ (/wirkung/): how far the solutions travel, counted from the adopters of the live cases
    (pages.impact). Editors write the introduction; the figures are never typed in."""

    intro = RichTextField(_("Einleitung"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Wirkungsseite")
        verbose_name_plural = _("Wirkungsseiten")

    def get_context(self, request, *args, **kwargs):
        from pages.impact import impact_current
        from pages.impact_charts import impact_charts

        context = super().get_context(request, *args, **kwargs)
        figures = impact_current()
        context["figures"] = figures
        context["charts"] = impact_charts(figures)
        return context


class ImpactSnapshot(models.Model):
    """The impact figures as last computed (pages.impact); one row, replaced at each refresh."""

    SINGLETON = 1

    computed_at = models.DateTimeField(_("berechnet am"))
    figures = models.JSONField(_("Zahlen"), default=dict)

    class Meta:
        verbose_name = _("Stand der Wirkungszahlen")
        verbose_name_plural = _("Stände der Wirkungszahlen")

    def __str__(self) -> str:
        return f"Wirkungszahlen vom {timezone.localtime(self.computed_at):%d.%m.%Y %H:%M}"
