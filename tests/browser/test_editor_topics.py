"""Issue 16, items 1 and 2 in Chromium: an editor of the group „Redaktion“ creates the topic
„Grünflächen & Friedhöfe“, ticks it and a topic of the vocabulary in the page editor, is stopped when
she publishes without a topic, publishes, and the site stays up: home page, case page, topic page.

Before, the topic's slug kept its umlauts (the site answered 500), and the topic field was a tag field
whose suggestion list swallowed Enter and comma."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def no_autosave(settings) -> None:
    """Wagtail saves a draft in the background after changes and then switches the form to editing that
    draft; a robot pressing "Veröffentlichen" while that request runs creates the page a second time
    (a slug clash). That race is Wagtail's own; the live server shares these settings."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def editor(site_data) -> User:
    user = User.objects.create_user("gruen", "gruen@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


def test_editor_creates_an_umlaut_topic_picks_topics_and_publishes(
    site_data, editor, no_autosave, new_context, console_errors
):
    page = new_context().new_page()
    admin_login(page, "gruen")

    # The topic: the slug is prefilled from the name while she types, transliterated.
    page.goto("/admin/snippets/solutions/topic/add/")
    page.get_by_role("textbox", name="Name").press_sequentially("Grünflächen & Friedhöfe")
    expect(page.locator("#id_slug")).to_have_value("gruenflaechen-friedhoefe")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".messages")).to_contain_text("Grünflächen & Friedhöfe")

    # The case: a new page below "Praxisbeispiele".
    index = site_data.cases["barleben-schlagloecher"].get_parent()
    page.goto(f"/admin/pages/add/solutions/solutionpage/{index.pk}/")
    page.locator("#id_title").press_sequentially("Blühwiesen statt Rasen")
    page.locator("#id_teaser").fill("Statt Rasen blühen Wiesen auf den Grünflächen der Gemeinde.")
    topics = page.locator("#panel-child-inhalt-topics-section")
    expect(topics.get_by_role("link", name="Neues Thema anlegen")).to_be_visible()

    # Without a topic it is not published.
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.locator("main")).to_contain_text("Bitte wählen Sie mindestens ein Thema")

    topics = page.locator("#panel-child-inhalt-topics-section")
    topics.get_by_label("Grünflächen & Friedhöfe").check()
    topics.get_by_label("Klimaanpassung").check()
    page.get_by_role("tab", name="Veröffentlichung").click()
    expect(page.locator("#id_slug")).to_have_value("bluehwiesen-statt-rasen")
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Blühwiesen statt Rasen")

    # The site stays up, and the topic links to its page.
    visitor = new_context().new_page()
    assert visitor.goto("/").status == 200
    assert visitor.request.get("/sitemap.xml").status == 200  # fetched, not shown: Chromium's XML view is inline CSS
    assert visitor.goto("/praxisbeispiele/bluehwiesen-statt-rasen/").status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Blühwiesen statt Rasen")
    visitor.locator("main").get_by_role("link", name="Grünflächen & Friedhöfe").click()
    expect(visitor).to_have_url(re.compile(r"/themen/gruenflaechen-friedhoefe/$"))
    expect(visitor.locator("main")).to_contain_text("Blühwiesen statt Rasen")
    assert console_errors == []  # the pages work under the site's Content-Security-Policy
