"""Issue 16.6: an account that waits for the editors' approval says so on every page, not only once
after login – and stops saying it once approved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from municipalities.models import Municipality
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db

NOTICE = "Ihr Konto wartet auf die Freigabe durch die Redaktion"


@pytest.fixture
def groeningen(register):
    return Municipality.objects.get(ags="15083245")  # Gröningen, in the test register


@pytest.mark.parametrize("url", ["/", "/suche/?q=Schlaglöcher", "/kommunen/", "/hospitation/anfragen/"])
def test_a_waiting_account_sees_its_state_on_every_page(client, site, groeningen, url):
    client.force_login(member(groeningen, "wartend", approved=False))
    page = client.get(url).content.decode()
    assert NOTICE in page and "Gröningen" in page
    assert reverse("account-status") in page


def test_the_notice_goes_once_approved_and_is_never_shown_to_others(client, site, groeningen):
    person = member(groeningen, "wartend", approved=False)
    person.membership.approved = True
    person.membership.save()
    client.force_login(person)
    assert NOTICE not in client.get("/").content.decode()
    client.logout()
    assert NOTICE not in client.get("/").content.decode()


def test_the_status_page_says_it_once_not_twice(client, site, groeningen):
    client.force_login(member(groeningen, "wartend", approved=False))
    assert client.get(reverse("account-status")).content.decode().count(NOTICE) == 1
