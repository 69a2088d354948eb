"""The home page as a visitor and as a logged-in municipality see it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.hospitation import hospitation_accept, hospitation_request
from pages.models import HomeFeaturedCase, HomePage
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tmp_path, register, index):
    return publish_cases(
        tmp_path,
        case_line("barleben-strassen", hosts_visits=True, visits_per_year=3),
        case_line(
            "calw-azubis",
            title="Azubis über Social Media gewinnen",
            topics=["personal-fachkraefte"],
            municipality_ags="08235085",
            supplier=None,
            last_confirmed="2026-03-01",
        ),
        case_line(
            "groeningen-heizung",
            title="Heizkosten in Schulen senken",
            topics=["energie-klimaschutz"],
            municipality_ags="15083245",
            supplier=None,
        ),
    )


def test_search_box_comes_first_then_topics_with_counts(client, cases):
    html = client.get("/").content.decode()
    assert html.index('role="search"', html.index("<main")) < html.index("Themen")
    assert 'href="/themen/strassen-infrastruktur/"' in html
    assert "1 Praxisbeispiel<" in html
    # Topics without any published case are not offered as tiles.
    assert 'href="/themen/digitale-verwaltung/"' not in html


def test_recent_and_recently_confirmed_cases(client, cases, tmp_path):
    newer = publish_cases(
        tmp_path, *[case_line(f"neu-{i}", title=f"Neuer Fall {i}", municipality_ags="15083040") for i in range(4)]
    )
    response = client.get("/")
    html = response.content.decode()
    assert response.context["recent"] == newer[::-1]
    recent = html[html.index("Neu veröffentlicht") : html.index("Kürzlich bestätigt")]
    assert "Neuer Fall 3" in recent and "Azubis über Social Media gewinnen" not in recent
    confirmed = html[html.index("Kürzlich bestätigt") :]
    assert "Azubis über Social Media gewinnen" in confirmed and "zuletzt bestätigt am 01.03.2026" in confirmed
    assert "Neuer Fall" not in confirmed  # shown once, as new
    # Latest confirmation first.
    assert confirmed.index("Straßenzustand per App erfassen") < confirmed.index("Azubis über Social Media gewinnen")


def test_numbers_are_counted_from_the_data(client, cases, register):
    host = member(register["barleben"], "barleben")
    visitor = member(register["calw"], "calw")
    request = hospitation_request(
        member=visitor.membership, solution=cases[0], host=register["barleben"], message="Hallo", period="Mai", people=2
    )
    numbers = client.get("/").context["numbers"]
    assert (numbers.cases, numbers.municipalities_with_cases, numbers.visits_arranged, numbers.tandems_formed) == (
        3,
        3,
        0,
        0,
    )
    hospitation_accept(request.pk, host.membership)
    cases[1].unpublish()
    cache.clear()  # the figures are computed at most once a minute
    numbers = client.get("/").context["numbers"]
    assert (numbers.cases, numbers.municipalities_with_cases, numbers.visits_arranged) == (2, 2, 1)


def test_site_wide_parts_are_computed_once_a_minute_but_never_show_an_unpublished_case(client, cases, tmp_path):
    first = client.get("/")
    assert first.context["numbers"].cases == 3
    publish_cases(tmp_path, case_line("spaeter", title="Später veröffentlicht", municipality_ags="15083040"))
    cases[2].unpublish()
    later = client.get("/")
    assert later.context["numbers"].cases == 3  # still the figure of the last minute
    assert cases[2] not in later.context["recent"]  # but a withdrawn case is gone at once
    with CaptureQueriesContext(connection) as cached:
        client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        response = client.get("/")
    assert len(cached) < len(computed)
    assert response.context["numbers"].cases == 3 and "Später veröffentlicht" in response.content.decode()


def test_editors_can_switch_the_numbers_off(client, cases):
    home = HomePage.objects.get()
    home.show_numbers = False
    home.save_revision().publish()
    assert "Der Baukasten in Zahlen" not in client.get("/").content.decode()


def test_featured_cases_in_editor_order_and_only_while_live(client, cases):
    home = HomePage.objects.get()
    HomeFeaturedCase.objects.create(page=home, case=cases[2], sort_order=0)
    HomeFeaturedCase.objects.create(page=home, case=cases[0], sort_order=1)
    assert client.get("/").context["featured"] == [cases[2], cases[0]]
    cases[2].unpublish()
    assert client.get("/").context["featured"] == [cases[0]]


def test_a_municipality_sees_cases_from_similar_towns_and_its_open_requests(client, cases, register):
    user = member(register["groeningen"], "groeningen")
    request = hospitation_request(
        member=user.membership, solution=cases[0], host=register["barleben"], message="Hallo", period="Mai", people=2
    )
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    assert "Lösungen aus Kommunen wie Gröningen" in html
    similar = response.context["similar_cases"]
    assert cases[0] in similar  # Barleben: same district, similar size
    assert cases[2] not in similar  # the town's own case is not a suggestion for itself
    assert list(response.context["open_requests"]) == [request]
    assert f'href="/meine-anfragen/{request.pk}/"' in html


def test_anonymous_and_unapproved_visitors_get_no_personal_sections(client, cases, register):
    assert "Lösungen aus Kommunen wie" not in client.get("/").content.decode()
    client.force_login(member(register["calw"], "calw", approved=False))
    assert "Ihre offenen Anfragen" not in client.get("/").content.decode()


def test_home_page_query_count_does_not_grow_with_cases(client, cases, register, tmp_path):
    user = member(register["groeningen"], "groeningen")
    client.force_login(user)
    client.get("/")  # warm the peers cache
    client.get("/")
    cache.clear()  # measure the page with its site-wide parts computed, not read from the cache
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    publish_cases(tmp_path, *[case_line(f"mehr-{i}", title=f"Fall {i}", municipality_ags="15083040") for i in range(6)])
    client.get("/")
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    # Wagtail's user bar asks for the user's permissions a varying number of times; that is not per case.
    assert _case_queries(after) == _case_queries(before)
    assert len(after) <= 35


def _case_queries(captured: CaptureQueriesContext) -> int:
    return sum("auth_permission" not in q["sql"] for q in captured.captured_queries)
