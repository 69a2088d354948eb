from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(Page):
    """The start page. The search box comes first; the rest is filled in as the site grows."""

    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = RichTextField(_("Text"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Startseite")


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
