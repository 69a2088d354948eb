"""„Meine Daten“: the export holds the person's followed topics, saved searches, notifications and e-mail
settings; deleting the account removes them (and nothing of anyone else)."""

from __future__ import annotations

import json

import pytest

from notifications.models import Digest, NoticeKind, Notification, NotificationSettings, SavedSearch, TopicFollow
from notifications.services import notify
from solutions.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(members, index):
    person = members["barleben"]
    TopicFollow.objects.create(user=person, topic=Topic.objects.get(slug="klimaanpassung"))
    SavedSearch.objects.create(
        user=person, text="Grünflächen pflegen", filters={"topic": ["ehrenamt-vereine"]}, near="15083040"
    )
    NotificationSettings.objects.create(user=person, email_digest=False)
    notify(
        [person, members["calw"]],
        kind=NoticeKind.NEW_CASE,
        key="new_case:1",
        title="Neues Praxisbeispiel: „Straßenbeleuchtung auf LED umstellen“",
    )
    Digest.objects.create(user=person, period="2026-W49", items=1)
    return person


def test_the_export_contains_follows_searches_notifications_and_settings(client, stored):
    client.force_login(stored)
    data = json.loads(client.get("/konto/meine-daten/export.json").content)
    assert data["followed_topics"] == ["klimaanpassung"]
    (saved,) = data["saved_searches"]
    assert (saved["text"], saved["filters"], saved["near"]) == (
        "Grünflächen pflegen",
        {"topic": ["ehrenamt-vereine"]},
        "15083040",
    )
    (notice,) = data["notifications"]
    assert notice["title"] == "Neues Praxisbeispiel: „Straßenbeleuchtung auf LED umstellen“"
    assert data["settings"]["email_digest"] is False and data["settings"]["email_immediate"] is True
    assert data["digests"][0]["week"] == "2026-W49"


def test_deleting_the_account_removes_them(client, stored, members):
    client.force_login(stored)
    response = client.post("/konto/loeschen/", {"password": "ein-sicheres-passwort-42"})
    assert response.status_code == 302
    for model in (TopicFollow, SavedSearch, Notification, NotificationSettings, Digest):
        assert not model.objects.filter(user=stored).exists(), model.__name__
    assert Notification.objects.filter(user=members["calw"]).count() == 1  # Calw's own notification stays


def test_the_my_data_page_counts_them(client, stored):
    client.force_login(stored)
    html = client.get("/konto/meine-daten/").content.decode()
    assert "1 gefolgtes Thema, 1 gespeicherte Suche, 1 Benachrichtigung und Ihre E-Mail-Einstellungen" in html
