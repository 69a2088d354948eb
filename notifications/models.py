"""What members follow and what they are told: topic follows, saved searches, notifications (the bell),
per-member e-mail settings, and the weekly digests already sent (so that none is sent twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    NEED_MATCH = "need_match", _("Neue Treffer für ein Gesuch")
    INTRODUCTION = "introduction", _("Vorstellung durch die Matching-Agentur")
    ANSWER = "answer", _("Antwort auf eine Vorstellung")
    NEW_CASE = "new_case", _("Neues Praxisbeispiel")
    TANDEM_ROUND = "tandem_round", _("Tandem-Runde geöffnet")
    HOST_NEARBY = "host_nearby", _("Neue Gastgeberkommune in der Nähe")
    ADOPTION_REMINDER = "adoption_reminder", _("Erinnerung: Wie weit ist Ihr Vorhaben?")
    ADOPTION_NEWS = "adoption_news", _("Eine Kommune übernimmt Ihre Lösung")


# These are e-mailed at once; everything else waits for the weekly digest.
IMMEDIATE_KINDS = frozenset({NoticeKind.INTRODUCTION, NoticeKind.ANSWER})


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=NoticeKind.choices)
    # One event, one notification per person: the key names the event ("introduction:12:agreed"), and the
    # unique constraint makes a second run of any producer a no-op.
    key = models.CharField(_("Ereignis"), max_length=200)
    title = models.CharField(_("Titel"), max_length=300)
    body = models.TextField(_("Text"), blank=True)
    url = models.CharField(_("Adresse"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("per E-Mail gesendet am"), null=True, blank=True)
    digest = models.ForeignKey(
        "Digest",
        verbose_name=_("Wochenübersicht"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "digest"])]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    email_immediate = models.BooleanField(_("Vorstellungen und Antworten sofort per E-Mail"), default=True)
    email_digest = models.BooleanField(_("Wochenübersicht per E-Mail"), default=True)
    changed_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return str(self.user)


class TopicFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey(
        "solutions.Topic", verbose_name=_("Thema"), on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(_("gefolgt seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("gefolgtes Thema")
        verbose_name_plural = _("gefolgte Themen")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="one_follow_per_topic")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


class SavedSearch(models.Model):
    """A search of /suche/ with its words, filters and near= town, re-run for the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    text = models.CharField(_("Suchbegriff"), max_length=200, blank=True)
    # {"topic": [...], "size_class": [...], "state": [...], "status": [...]} as search.types.SearchQuery.filters()
    filters = models.JSONField(_("Filter"), default=dict, blank=True)
    near = models.CharField(_("ähnlich zu (AGS)"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("gespeicherte Suche")
        verbose_name_plural = _("gespeicherte Suchen")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.text or "(alle Praxisbeispiele)"


class Digest(models.Model):
    """One weekly digest for one person. The row is written (and committed) before the e-mail goes out, so
    a second run or a run after a crash never sends the same week again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="digests"
    )
    period = models.CharField(_("Woche"), max_length=10, help_text=_("ISO-Woche, z. B. 2026-W49"))
    claimed_at = models.DateTimeField(_("vorbereitet am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    items = models.PositiveIntegerField(_("Einträge"), default=0)
    # The run that claimed the row: claims are written in batches (insert, conflicts ignored), and the
    # run then reads back exactly the rows that are its own.
    run = models.CharField(_("Lauf"), max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Wochenübersicht")
        verbose_name_plural = _("Wochenübersichten")
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_week")]

    def __str__(self) -> str:
        return f"{self.user} {self.period}"


class PullMark(models.Model):
    """Where the collection of pulled events (notifications.collect) stopped: the time of its last run and
    the towns that received visits then, so that the next run tells only what is new since."""

    name = models.CharField(_("Name"), max_length=40, unique=True)
    ran_at = models.DateTimeField(_("zuletzt gelaufen am"))
    hosts = models.JSONField(_("Gastgeber beim letzten Lauf"), default=list, blank=True)

    class Meta:
        verbose_name = _("Stand der Benachrichtigungen")
        verbose_name_plural = _("Stände der Benachrichtigungen")

    def __str__(self) -> str:
        return f"{self.name} {self.ran_at:%Y-%m-%d %H:%M}"
