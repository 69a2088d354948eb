"""Pulled events, collected by send_digests before the digests: new cases from towns like mine in topics I
follow, new hits of my saved searches, an open tandem round, a host near me — each told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import TandemRound, TandemRoundStatus
from notifications.collect import collect_pulled
from notifications.models import NoticeKind, Notification, PullMark, SavedSearch, TopicFollow
from search.indexing import process_outbox
from solutions.models import Topic
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db

GREEN = case_line(
    "groeningen-gruenflaechen",
    title="Grünflächen pflegen mit Patenschaften",
    summary="Bürgerinnen und Bürger übernehmen die Pflege von Beeten und Grünflächen im Ort.",
    topics=["ehrenamt-vereine"],
    municipality_ags="15083245",
    supplier=None,
)
LIGHTS = case_line(
    "hemmingen-strassenbeleuchtung",
    title="Straßenbeleuchtung auf LED umstellen",
    summary="Die Gemeinde stellt ihre Straßenlaternen auf sparsame LED-Leuchten um.",
    topics=["energie-klimaschutz"],
    municipality_ags="03241007",
    supplier=None,
)


@pytest.fixture
def last_run(db):
    """The previous collection ran an hour ago (before anything in these tests was published)."""
    return PullMark.objects.create(name="pulled", ran_at=timezone.now() - dt.timedelta(hours=1), hosts=[])


def follow(user, slug: str) -> None:
    TopicFollow.objects.create(user=user, topic=Topic.objects.get(slug=slug))


def notices(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "title"))


def test_a_new_case_from_a_town_like_mine_in_a_followed_topic(tmp_path, members, index, last_run):
    for who in ("barleben", "calw", "groeningen"):
        follow(members[who], "ehrenamt-vereine")
    follow(members["pending"], "ehrenamt-vereine")
    publish_cases(tmp_path, GREEN)
    collect_pulled()
    collect_pulled()  # a second run tells nobody twice
    # Barleben (Kleinstadt in the Börde) is like Gröningen; Calw (a Mittelstadt) is not, Gröningen does not
    # hear of its own case, and the member waiting for approval hears nothing.
    assert notices(NoticeKind.NEW_CASE) == [
        ("barleben", "Neues Praxisbeispiel aus Gröningen: Grünflächen pflegen mit Patenschaften")
    ]
    item = Notification.objects.get()
    assert "Thema „Ehrenamt & Vereine“, dem Sie folgen" in item.body
    assert item.url.endswith("/groeningen-gruenflaechen/")


def test_no_notice_without_a_follow_or_for_cases_published_before(tmp_path, members, index):
    publish_cases(tmp_path, GREEN)
    PullMark.objects.create(name="pulled", ran_at=timezone.now(), hosts=[])
    follow(members["barleben"], "ehrenamt-vereine")
    collect_pulled()
    assert not Notification.objects.filter(kind=NoticeKind.NEW_CASE).exists()


def test_a_new_hit_of_a_saved_search(tmp_path, members, index, last_run):
    saved = SavedSearch.objects.create(user=members["calw"], text="Straßenbeleuchtung", near="08235085")
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    SavedSearch.objects.create(user=members["barleben"], text="Grünflächen pflegen", filters={"topic": ["jugend"]})
    publish_cases(tmp_path, LIGHTS, GREEN)
    process_outbox()
    pulled = collect_pulled()
    collect_pulled()
    assert pulled.searches_run == 2
    # Barleben's search finds the Grünflächen case, but its filter (Jugend) does not fit; and it was
    # saved after the case appeared anyway
    assert notices(NoticeKind.NEW_CASE) == [
        ("calw", "Neuer Treffer für Ihre gespeicherte Suche „Straßenbeleuchtung“: Straßenbeleuchtung auf LED umstellen")
    ]


def test_an_open_tandem_round_is_told_to_every_approved_member_once(members, index, last_run):
    today = timezone.localdate()
    TandemRound.objects.create(
        title="Tandem Frühjahr 2027", application_start=today, application_end=today + dt.timedelta(days=30)
    )
    TandemRound.objects.create(
        title="Tandem 2026",
        application_start=today - dt.timedelta(days=90),
        application_end=today - dt.timedelta(days=30),
        status=TandemRoundStatus.CONFIRMED,
    )
    collect_pulled()
    collect_pulled()
    told = notices(NoticeKind.TANDEM_ROUND)
    assert [who for who, _ in told] == ["barleben", "calw", "groeningen"]
    assert all(
        title
        == "Tandem-Runde „Tandem Frühjahr 2027“: Bewerbung bis " + (today + dt.timedelta(days=30)).strftime("%d.%m.%Y")
        for _, title in told
    )


def test_a_host_near_me_that_now_takes_visits(tmp_path, members, index, last_run):
    publish_cases(tmp_path, case_line("barleben-strassen", adopters=[{"ags": "15083245", "year": 2024}]))
    collect_pulled()  # remembers who hosts today: nobody
    assert not Notification.objects.filter(kind=NoticeKind.HOST_NEARBY).exists()

    publish_cases(
        tmp_path,
        case_line(
            "barleben-strassen",
            adopters=[{"ags": "15083245", "year": 2024, "hosts_visits": True, "visits_per_year": 2}],
        ),
    )
    collect_pulled()
    collect_pulled()
    # Barleben is 37 km from Gröningen; Calw is 500 km away; Gröningen is not its own neighbour
    ((who, title),) = notices(NoticeKind.HOST_NEARBY)
    assert (who, title) == ("barleben", "Gröningen empfängt jetzt Hospitationen: Straßenzustand per App erfassen")
    body = Notification.objects.get(kind=NoticeKind.HOST_NEARBY).body
    assert body.startswith("3") and "km von Barleben entfernt" in body


def test_collecting_for_one_town_leaves_the_mark_for_the_others(tmp_path, members, index, last_run):
    follow(members["barleben"], "ehrenamt-vereine")
    publish_cases(tmp_path, GREEN)
    collect_pulled(ags="08235085")  # Calw only
    assert not Notification.objects.exists()
    last_run.refresh_from_db()
    assert last_run.ran_at < timezone.now() - dt.timedelta(minutes=30)
    collect_pulled()
    assert notices(NoticeKind.NEW_CASE)[0][0] == "barleben"


def test_a_new_member_of_a_town_is_told_too(tmp_path, members, towns, index, last_run):
    second = member(towns["barleben"], "kaemmerin", email="kaemmerin@barleben.example")
    follow(second, "ehrenamt-vereine")
    publish_cases(tmp_path, GREEN)
    collect_pulled()
    assert [who for who, _ in notices(NoticeKind.NEW_CASE)] == ["kaemmerin"]
