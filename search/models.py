from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchEntry(models.Model):
    """The database backend's document for one live case: analysed terms for full-text search
    (SQLite FTS5 / PostgreSQL tsvector, see migration 0002), facet values and the embedding.
    Kept also when Elasticsearch is the main backend, so search can fall back to the database."""

    page_id = models.BigIntegerField(_("Seiten-ID"), unique=True)
    slug = models.CharField(_("Kürzel"), max_length=255)
    url = models.CharField(_("Adresse"), max_length=500)
    title = models.CharField(_("Titel"), max_length=255)
    summary = models.TextField(_("Kurzbeschreibung"), blank=True)
    body = models.TextField(_("Text"), blank=True)  # plain text for snippets
    topics = models.CharField(_("Themen"), max_length=1000, blank=True)  # space-separated slugs
    size_classes = models.CharField(_("Größenklassen"), max_length=100, blank=True)  # space-separated slugs
    state = models.CharField(_("Bundesland"), max_length=2, blank=True)
    status = models.CharField(_("Stand"), max_length=20, blank=True)
    lead_ags = models.CharField(_("AGS der federführenden Kommune"), max_length=8, blank=True)
    lead_name = models.CharField(_("federführende Kommune"), max_length=200, blank=True)
    # nullable so that adding it is an ALTER TABLE ADD COLUMN: SQLite would rebuild the table otherwise and
    # lose the full-text and generation triggers (migrations 0002, 0004)
    lead_population = models.PositiveIntegerField(_("Einwohnerzahl der federführenden Kommune"), null=True, blank=True)
    last_confirmed = models.DateField(_("zuletzt bestätigt"), null=True, blank=True)
    # how far the case travelled, shown on every hit; in operation > 0 is „bewährt“ (nullable like lead_population)
    adoptions = models.PositiveIntegerField(_("übernehmende Kommunen"), null=True, blank=True)
    adoptions_in_operation = models.PositiveIntegerField(_("davon im Betrieb"), null=True, blank=True)
    index_title = models.TextField(_("Suchbegriffe Titel"), blank=True)  # analysed terms, space-separated
    index_teaser = models.TextField(_("Suchbegriffe Kurzbeschreibung"), blank=True)
    index_body = models.TextField(_("Suchbegriffe Text"), blank=True)
    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64)
    embedding = models.BinaryField(_("Vektor"), null=True)  # float32, L2-normalised
    # grows with every write; caches reload from here
    seq = models.BigIntegerField(_("Schreibzähler"), db_index=True, default=0)

    class Meta:
        verbose_name = _("Suchdokument")
        verbose_name_plural = _("Suchdokumente")

    def __str__(self) -> str:
        return self.title


class IndexGeneration(models.Model):
    """One row counting the writes to SearchEntry, bumped by database triggers (migration 0004) on every
    insert, update and delete, whoever writes. Each process compares it with its in-memory corpus on every
    search – one primary-key read – and reloads only when it moved."""

    value = models.BigIntegerField(_("Schreibzähler"), default=0)

    class Meta:
        verbose_name = _("Stand des Suchindex")
        verbose_name_plural = _("Stände des Suchindex")

    def __str__(self) -> str:
        return str(self.value)


class EmbeddingCache(models.Model):
    """Passage embeddings by content hash, so unchanged text is never embedded twice."""

    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64, unique=True)
    model = models.CharField(_("Modell"), max_length=100)
    vector = models.BinaryField(_("Vektor"))
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("berechneter Vektor")
        verbose_name_plural = _("berechnete Vektoren")

    def __str__(self) -> str:
        return self.content_hash


class IndexTask(models.Model):
    """The outbox: written in the same transaction as the change, worked off after commit and
    retried until it succeeds, so no index update is lost while a backend is down."""

    class Action(models.TextChoices):
        UPDATE = "update", _("aktualisieren")
        DELETE = "delete", _("löschen")

    page_id = models.BigIntegerField(_("Seiten-ID"))
    action = models.CharField(_("Aktion"), max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)

    class Meta:
        verbose_name = _("Auftrag an den Suchindex")
        verbose_name_plural = _("Aufträge an den Suchindex")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.page_id}"


class SynonymGroup(models.Model):
    """Words that mean the same for a mayor's search, e.g. "Schlagloch, Straßenschaden, Fahrbahnschaden".
    Applied at query time by both backends; no index rebuild needed."""

    terms = models.TextField(
        _("Begriffe"), help_text=_("Gleichbedeutende Begriffe, durch Komma getrennt; auch Wortgruppen.")
    )
    note = models.CharField(_("Notiz"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        verbose_name = _("Synonymgruppe")
        verbose_name_plural = _("Synonyme")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms[:80]

    @property
    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.replace("\n", ",").split(",") if term.strip()]
