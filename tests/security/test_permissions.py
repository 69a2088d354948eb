"""Permission matrix: every URL of our apps and of the API × four kinds of visitor → expected answer.

Visitors: ``anon`` (not logged in), ``other`` (approved member of Hemmingen, a municipality not involved),
``own`` (approved member of Barleben, which leads the case, hosts the requested visit and submitted the
draft), ``editor`` (group "Redaktion", no municipality). ``world`` in conftest.py builds those objects.

Answers: a number is the status code; ``login`` = redirect to our login page; ``admin_login`` = redirect
to the Wagtail login (members are not editors, so the admin treats them like strangers); ``admin_denied``
= Wagtail's "no permission" redirect to the dashboard; ``canonical`` = 301 to the canonical address.

The last test walks the URL configuration, so a new page or endpoint without a row here fails.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.django_db

ACTORS = ("anon", "other", "own", "editor")

# method, URL (placeholders from the ``world`` fixture), expected for anon / other / own / editor
MATRIX: list[tuple[str, str, tuple]] = [
    # public pages
    ("GET", "/", (200, 200, 200, 200)),
    ("GET", "/healthz", (200, 200, 200, 200)),
    ("GET", "/suche/?q=stra%C3%9Fe", (200, 200, 200, 200)),
    ("GET", "/kommunen/", (200, 200, 200, 200)),
    ("GET", "/kommunen/{ags}/", ("canonical",) * 4),
    ("GET", "/kommunen/{ags}-{slug}/", (200, 200, 200, 200)),
    ("GET", "/themen/{topic}/", (200, 200, 200, 200)),
    ("GET", "/anbieter/{supplier}/", (200, 200, 200, 200)),
    ("GET", "/praxisbeispiele/{case}/", (200, 200, 200, 200)),
    ("GET", "/impressum/", (200, 200, 200, 200)),
    ("GET", "/datenschutz/", (200, 200, 200, 200)),
    ("GET", "/robots.txt", (200, 200, 200, 200)),
    ("GET", "/favicon.ico", (301, 301, 301, 301)),
    ("GET", "/sitemap.xml", (200, 200, 200, 200)),
    # submissions: members of a municipality only, drafts only for their own municipality
    ("GET", "/einreichen/", ("login", 200, 200, 403)),
    ("POST", "/einreichen/", ("login", 200, 200, 403)),
    ("GET", "/meine-einreichungen/", ("login", 200, 200, 403)),
    ("GET", "/meine-einreichungen/{submission}/", ("login", 404, 200, 403)),
    # hospitation: anyone sees the offer (anonymous visitors are asked to log in on the page)
    ("GET", "/hospitation/anfragen/?fall={case}", (200, 200, 200, 200)),
    ("GET", "/hospitation/anfragen/", (200, 200, 200, 200)),  # how to ask, without a case
    # answer links: the token is the permission; a wrong one is a German 404 for everybody
    ("GET", "/hospitation/antwort/kein-gueltiger-link-0123456789/", (404, 404, 404, 404)),
    ("POST", "/hospitation/antwort/kein-gueltiger-link-0123456789/", (404, 404, 404, 404)),
    # needs (Matching-Agentur): public list and page; posting and managing only for the town's members
    ("GET", "/gesuche/", (200, 200, 200, 200)),
    ("GET", "/gesuche/{need}/", (200, 200, 200, 200)),
    ("GET", "/gesuche/neu/", ("login", 200, 200, 403)),
    ("POST", "/gesuche/neu/", ("login", 200, 200, 403)),  # an empty post shows the form again, stores nothing
    ("GET", "/gesuche/meine/", ("login", 200, 200, 403)),
    ("POST", "/gesuche/meine/vorstellungen/", ("login", 302, 302, 302)),  # the editor is sent back, no change
    ("GET", "/gesuche/{need}/bearbeiten/", ("login", 404, 200, 404)),
    ("POST", "/gesuche/{need}/verlaengern/", ("login", 404, 302, 404)),
    # an introduction of Calw to Barleben's need: only the two towns see it
    ("GET", "/meine-anfragen/vorstellungen/{introduction}/", ("login", 404, 200, 404)),
    ("POST", "/meine-anfragen/vorstellungen/{introduction}/zustimmen/", ("login", 404, 302, 404)),
    ("GET", "/meine-anfragen/", ("login", 200, 200, 200)),
    # a request between Calw (visitor) and Barleben (host): other municipalities see a 404, not a 403
    ("GET", "/meine-anfragen/{request}/", ("login", 404, 200, 404)),
    ("POST", "/meine-anfragen/{request}/annehmen/", ("login", 404, 302, 404)),
    ("POST", "/meine-anfragen/{request}/zurueckziehen/", ("login", 404, 409, 404)),  # only the visitor may
    ("GET", "/tandem/bewerben/", ("login", 200, 200, 200)),
    # notifications: approved members only (an editor without a town gets a German 403); a foreign id is a 404
    ("GET", "/benachrichtigungen/", ("login", 200, 200, 403)),
    ("POST", "/benachrichtigungen/alle-gelesen/", ("login", 302, 302, 403)),
    ("GET", "/benachrichtigungen/99999/", ("login", 404, 404, 404)),
    ("GET", "/benachrichtigungen/einstellungen/", ("login", 200, 200, 403)),
    ("POST", "/benachrichtigungen/suchen/99999/loeschen/", ("login", 302, 302, 403)),
    ("POST", "/benachrichtigungen/suche-speichern/", ("login", 302, 302, 403)),
    ("POST", "/benachrichtigungen/themen/{topic}/folgen/", ("login", 302, 302, 403)),
    # unsubscribe links: the signed token is the permission; a wrong one is a German 400 for everybody
    ("GET", "/benachrichtigungen/abmelden/kein-gueltiger-link/", (400, 400, 400, 400)),
    ("POST", "/benachrichtigungen/abmelden/kein-gueltiger-link/", (400, 400, 400, 400)),
    # „Wir setzen das auch um“: approved members of another town; the lead town is told why not (409), an editor
    # without a town too (403); an empty post shows the form again and stores nothing. Another town's plan is a
    # 404 (tests/adoption), the status link's token is the permission.
    ("GET", "/vorhaben/neu/{case_id}/", ("login", 200, 409, 403)),
    ("POST", "/vorhaben/neu/{case_id}/", ("login", 400, 409, 403)),
    ("GET", "/vorhaben/99999/", ("login", 404, 404, 404)),
    ("GET", "/vorhaben/stand/kein-gueltiger-link/", (400, 400, 400, 400)),
    ("POST", "/vorhaben/stand/kein-gueltiger-link/", (400, 400, 400, 400)),
    # accounts
    ("GET", "/konto/anmelden/", (200, 200, 200, 200)),
    ("POST", "/konto/abmelden/", (302, 302, 302, 302)),
    ("GET", "/konto/registrieren/", (200, 200, 200, 200)),
    ("POST", "/konto/registrieren/kommune/", (200, 200, 200, 200)),  # the town search step, creates nothing
    ("GET", "/konto/status/", ("login", 200, 200, 200)),
    ("GET", "/konto/passwort/", (200, 200, 200, 200)),
    ("GET", "/konto/passwort/gesendet/", (200, 200, 200, 200)),
    ("GET", "/konto/passwort/MQ/falsches-token/", (200, 200, 200, 200)),  # says "link invalid"
    ("GET", "/konto/passwort/fertig/", (200, 200, 200, 200)),
    ("GET", "/konto/meine-daten/", ("login", 200, 200, 200)),
    ("GET", "/konto/meine-daten/export.json", ("login", 200, 200, 200)),
    ("GET", "/konto/loeschen/", ("login", 200, 200, 200)),
    ("GET", "/konto/geloescht/", (200, 200, 200, 200)),
    # Wagtail admin: editors only
    ("GET", "/admin/", ("admin_login", "admin_login", "admin_login", 200)),
    ("GET", "/admin/pages/{case_id}/edit/", ("admin_login", "admin_login", "admin_login", 200)),
    ("GET", "/admin/snippets/solutions/topic/", ("admin_login", "admin_login", "admin_login", 200)),
    ("GET", "/admin/praxisbeispiele/", ("admin_login", "admin_login", "admin_login", 200)),
    # Approving members and running tandem rounds are editors' jobs (solutions.services.EDITOR_MODEL_RIGHTS).
    ("GET", "/admin/snippets/municipalities/municipalitymember/", ("admin_login",) * 3 + (200,)),
    ("GET", "/admin/tandem-runden/{round}/", ("admin_login",) * 3 + (200,)),
    ("POST", "/admin/tandem-runden/{round}/schliessen/", ("admin_login",) * 3 + (302,)),
    ("POST", "/admin/tandem-runden/{round}/bestaetigen/", ("admin_login",) * 3 + (302,)),
    ("GET", "/admin/hospitationen-redaktion/", ("admin_login",) * 3 + (200,)),
    ("POST", "/admin/hospitationen-redaktion/{request}/", ("admin_login",) * 3 + (302,)),
    ("GET", "/admin/snippets/agency/need/", ("admin_login",) * 3 + (200,)),
    ("GET", "/admin/snippets/agency/introduction/", ("admin_login",) * 3 + (200,)),
    ("GET", "/admin/gesuche-pruefen/{need_id}/", ("admin_login",) * 3 + (200,)),
    ("GET", "/admin/abbruchgruende/", ("admin_login",) * 3 + (200,)),
    # API: public, read-only
    ("GET", "/api/v1/openapi.json", (200, 200, 200, 200)),
    ("GET", "/api/v1/docs", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/{ags}/", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/{ags}/peers/", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/{ags}/hospitation-hosts/", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/{ags}/suppliers/", (200, 200, 200, 200)),
    ("GET", "/api/v1/solutions/", (200, 200, 200, 200)),
    ("GET", "/api/v1/solutions/{case}/", (200, 200, 200, 200)),
    ("GET", "/api/v1/suggest/?q=st", (200, 200, 200, 200)),
    ("GET", "/api/v1/needs/", (200, 200, 200, 200)),
    ("GET", "/api/v1/needs/{need}/", (200, 200, 200, 200)),
    ("GET", "/api/v1/needs/{need}/matches/", (200, 200, 200, 200)),
    ("GET", "/api/v1/municipalities/{ags}/needs/", (200, 200, 200, 200)),
    ("POST", "/api/v1/solutions/", (405, 405, 405, 405)),  # nothing in the API writes
    ("GET", "/api/v1/", (404, 404, 404, 404)),
    ("GET", "/api/v2/unbekannt", (404, 404, 404, 404)),
]

# Routes deliberately not in the matrix, with the reason.
NOT_IN_MATRIX = {
    "documents/^(\\d+)/(.*)$": "Wagtail documents, tested in test_uploads.py",
    "documents/authenticate_with_password/<int:restriction_id>/": "Wagtail, unused (no private documents)",
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": "Wagtail, unused",
    "_util/login/": "Wagtail's login for private pages; throttled by django-axes like every login",
    "^((?:[\\w\\-]+/)*)$": "Wagtail pages: rows for home, case, Impressum, Datenschutz above",
    "^api/": "the JSON 404 for unknown API paths: row /api/v2/unbekannt",
}


def _check(response, expected, url: str, who: str) -> None:
    where = f"{url} als {who}"
    location = response.get("Location", "")
    if expected == "login":
        assert response.status_code == 302 and location.startswith("/konto/anmelden/"), where
    elif expected == "admin_login":
        assert response.status_code == 302 and location.startswith("/admin/login/"), where
    elif expected == "admin_denied":
        assert response.status_code in (302, 403) and not location.startswith("/admin/login/"), where
    elif expected == "canonical":
        assert response.status_code == 301, where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code} statt {expected}"


@pytest.mark.parametrize(("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_permission_matrix(client, site, world, actors, method, url, expected):
    path = url.format(**world)
    for who, wanted in zip(ACTORS, expected, strict=True):
        client.logout()
        if who != "anon":
            client.force_login(actors[who])
        savepoint = transaction.savepoint()  # an action by one visitor must not change the next one's answer
        response = client.generic(method, path)
        transaction.savepoint_rollback(savepoint)
        _check(response, wanted, path, who)


def test_contact_details_of_a_request_only_for_the_two_sides_after_acceptance(client, site, world, actors):
    url = f"/meine-anfragen/{world['request']}/"
    client.force_login(actors["own"])
    assert "buergermeister@calw.example" not in client.get(url).content.decode()  # not yet accepted
    client.post(url + "annehmen/")
    assert "buergermeister@calw.example" in client.get(url).content.decode()
    client.force_login(actors["other"])
    assert client.get(url).status_code == 404


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue  # Wagtail's own admin: editors only, sampled in the matrix
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _plain(route: str) -> str:
    return route.replace("^", "").replace("$", "")


def test_matrix_covers_every_url_of_our_apps(world):
    covered = {_plain(resolve(url.format(**world).split("?")[0]).route) for _, url, _ in MATRIX}
    skipped = {_plain(route) for route in NOT_IN_MATRIX}
    missing = [
        route
        for route in map(_plain, _routes(get_resolver().url_patterns))
        if route not in covered | skipped
    ]
    assert not missing, f"Neue Adressen ohne Zeile in der Berechtigungsmatrix: {missing}"
