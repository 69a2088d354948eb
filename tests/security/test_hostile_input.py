"""Hostile input: every public form field and API parameter gets overlong strings, control characters,
invalid UTF-8, HTML/script, SQL, SQLite-FTS and Elasticsearch query syntax, huge numbers and wrong types.

Every answer must be a 4xx or a normal page (never a 5xx), markup must come back escaped, and a refused
form must leave the database exactly as it was. Each test collects all failures and reports them
together; the number of inputs tried is printed at the end of the run (``HOSTILE_INPUTS_TRIED``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from matching.models import HospitationRequest, TandemApplication, TandemRound
from municipalities.models import Municipality
from solutions.models import SolutionPage

pytestmark = pytest.mark.django_db

MARKER = "<script>alert('xss')</script>"
PAYLOADS: list[str] = [
    "",
    " ",
    "a" * 300,
    "ä" * 5_000,
    "x" * 100_000,  # overlong
    "\x00",
    "abc\x00def",
    "\x1b[31mrot\x1b[0m",
    "zeile\r\nSet-Cookie: boese=1",
    "\u202eevil\u202c",
    "\ufeff\u200b",
    "\U0001f600 Emoji",
    MARKER,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "' OR '1'='1' --",
    "1; DROP TABLE municipalities_municipality; --",
    "%' UNION SELECT password FROM auth_user --",
    '"unbalanced',
    "NEAR(schlag loch)",
    "AND OR NOT",
    "*",
    "title:foo AND (bar OR",
    "*:*",
    '{"query": {"match_all": {}}}',
    "schlag~10",
    "/.*/",
    "\\",
    "[",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "3.5",
    "../../../etc/passwd",
    "%00",
    "%ff%fe",
]
# Raw bytes that are not UTF-8, sent percent-encoded in query strings and bodies.
INVALID_UTF8 = ["%ff%fe%fd", "%c3%28", "%ed%a0%80", "abc%80def"]

HOSTILE_INPUTS_TRIED = {"count": 0}


def _sent() -> None:
    HOSTILE_INPUTS_TRIED["count"] += 1


def _problems(response, value: str, where: str) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
    content_type = response.get("Content-Type", "")
    if "html" in content_type and response.status_code < 500:
        body = response.content.decode("utf-8", "replace")
        for raw in ("<script>alert('xss')", "<img src=x onerror"):
            if raw in value and raw in body:
                problems.append(f"{where}: Markup kam unmaskiert zurück")
    return problems


def _state() -> tuple:
    return (
        Municipality.objects.count(),
        User.objects.count(),
        SolutionPage.objects.count(),
        HospitationRequest.objects.count(),
        TandemApplication.objects.count(),
    )


GET_PARAMETERS: dict[str, list[str]] = {
    "/suche/": ["q", "topic", "size_class", "state", "status", "near", "mode", "page"],
    "/api/v1/solutions/": ["q", "topic", "size_class", "state", "status", "near", "mode", "page", "page_size"],
    "/api/v1/suggest/": ["q"],
    "/api/v1/municipalities/": ["q", "page", "page_size"],
    "/api/v1/municipalities/15083040/peers/": ["limit"],
    "/api/v1/municipalities/15083040/hospitation-hosts/": ["topic", "solution", "limit"],
    "/api/v1/municipalities/15083040/suppliers/": ["topic", "limit"],
    "/kommunen/": ["q", "page"],
    "/themen/strassen-infrastruktur/": ["page"],
    "/hospitation/anfragen/": ["fall", "gastgeber"],
}
PATH_TEMPLATES = [
    "/api/v1/municipalities/{}/",
    "/api/v1/municipalities/{}/peers/",
    "/api/v1/municipalities/{}/hospitation-hosts/",
    "/api/v1/municipalities/{}/suppliers/",
    "/api/v1/solutions/{}/",
    "/kommunen/{}/",
    "/themen/{}/",
    "/anbieter/{}/",
    "/praxisbeispiele/{}/",
]


def test_every_get_parameter_survives_every_payload(client, world):
    problems: list[str] = []
    for url, names in GET_PARAMETERS.items():
        for name in names:
            for value in PAYLOADS:
                response = client.get(url, {name: value, **({"fall": world["case"]} if "hospitation" in url else {})})
                _sent()
                problems += _problems(response, value, f"GET {url}?{name}={value[:30]!r}")
            for raw in INVALID_UTF8:
                response = client.get(f"{url}?{name}={raw}")
                _sent()
                problems += _problems(response, raw, f"GET {url}?{name}={raw}")
            # wrong type: the parameter repeated, as a list
            response = client.get(f"{url}?{name}=a&{name}=b&{name}=")
            _sent()
            problems += _problems(response, "", f"GET {url}?{name}=a&{name}=b")
    assert not problems, problems


def test_api_answers_bad_parameters_with_json_4xx(client, world):
    cases = {
        "/api/v1/solutions/?page=99999999999": 400,
        "/api/v1/solutions/?page=-1": 400,
        "/api/v1/solutions/?page_size=100000": 400,
        "/api/v1/solutions/?page=abc": 400,
        "/api/v1/solutions/?topic=%3Cscript%3E": 400,
        "/api/v1/solutions/?q=" + "x" * 600: 400,
        "/api/v1/municipalities/?page=1e309": 400,
        "/api/v1/municipalities/99999999/": 404,
        "/api/v1/municipalities/abc/": 400,
        "/api/v1/municipalities/15083040/peers/?limit=100000": 400,
    }
    problems = []
    for url, status in cases.items():
        response = client.get(url)
        _sent()
        if response.status_code != status or set(response.json()) != {"error", "detail"}:
            problems.append(f"{url}: {response.status_code} {response.content[:120]!r}")
    assert not problems, problems


def test_every_path_parameter_survives_every_payload(client, world):
    problems: list[str] = []
    for template in PATH_TEMPLATES:
        for value in [*PAYLOADS[:40], "12345678", "1" * 200, "barleben-strassen/../.."]:
            if not value.strip():
                continue
            url = template.format(quote(value, safe=""))
            response = client.get(url)
            _sent()
            problems += _problems(response, value, f"GET {url[:80]}")
            expected = (400, 404) if "\x00" in value or "%00" in value else (404,)  # NUL: refused early
            page = not template.startswith("/api/")
            if page and response.status_code >= 400 and response.status_code not in expected:
                problems.append(f"GET {url[:80]}: {response.status_code} statt 404")
    assert not problems, problems


REGISTER = {
    "first_name": "Eva",
    "last_name": "Muster",
    "email": "eva@barleben.example",
    "ags": "15083040",
    "role": "mayor",
    "password": "ein-langes-passwort-123",
}
PUBLIC_FORMS = {
    "/konto/registrieren/": REGISTER,
    "/konto/anmelden/": {"username": "barleben", "password": "falsch"},
    "/konto/passwort/": {"email": "rathaus@barleben.example"},
}


def _redirected(response) -> bool:
    return response.status_code in (302, 303)


def _post_each_field(
    client, url: str, valid: dict, *, creates_on_success: bool, stored=None, succeeded=_redirected
) -> list[str]:
    problems: list[str] = []
    for field in valid:
        for value in PAYLOADS:
            before = _state()
            response = client.post(url, {**valid, field: value})
            _sent()
            where = f"POST {url} {field}={value[:30]!r}"
            problems += _problems(response, value, where)
            if response.status_code == 429:
                problems.append(f"{where}: Rate-Limit im Test")
            if creates_on_success and not succeeded(response) and _state() != before:
                problems.append(f"{where}: abgelehnt, aber trotzdem gespeichert")
            if stored is not None and _state() != before:
                problems += stored(field, value, where)
        for raw in INVALID_UTF8:
            body = "&".join(f"{k}={quote(str(v))}" for k, v in valid.items() if k != field) + f"&{field}={raw}"
            before = _state()
            response = client.generic("POST", url, body, "application/x-www-form-urlencoded")
            _sent()
            problems += _problems(response, raw, f"POST {url} {field}={raw}")
            if not succeeded(response) and _state() != before:
                problems.append(f"POST {url} {field}={raw}: abgelehnt, aber trotzdem gespeichert")
    return problems


@pytest.fixture
def no_rate_limits(settings):
    """The battery sends hundreds of forms from one address; the limits are tested elsewhere."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.AXES_ENABLED = False


def test_public_forms_survive_every_payload(client, world, no_rate_limits):
    problems: list[str] = []
    for url, valid in PUBLIC_FORMS.items():
        problems += _post_each_field(
            client,
            url,
            valid,
            creates_on_success=url.endswith("registrieren/"),
            # registration answers success with its "done" page, not a redirect
            succeeded=lambda r: _redirected(r) or "registration/register_done.html" in [t.name for t in r.templates],
        )
        User.objects.filter(email__iendswith="barleben.example").exclude(username="barleben").delete()
    assert not problems, problems


def _stored_verbatim(model, field_map):
    """A hostile text that *was* accepted must be stored as typed: proof that nothing was executed."""

    def check(field: str, value: str, where: str) -> list[str]:
        if field not in field_map or not value.strip() or "\x00" in value:
            return []
        newest = model.objects.order_by("-pk").first()
        stored = str(getattr(newest, field_map[field]))
        return [] if value.strip() in stored else [f"{where}: gespeichert als {stored[:40]!r}"]

    return check


def _then_delete_new_requests(check, keep: int):
    """Checks what was stored, then removes it so the daily quota of 10 requests is never reached."""

    def run(field: str, value: str, where: str) -> list[str]:
        problems = check(field, value, where)
        HospitationRequest.objects.exclude(pk=keep).delete()
        return problems

    return run


def test_member_forms_survive_every_payload(client, world, actors, no_rate_limits):
    today = timezone.localdate()
    problems: list[str] = []
    client.force_login(actors["visitor"])
    hospitation_url = f"/hospitation/anfragen/?fall={world['case']}&gastgeber=15083040"
    problems += _post_each_field(
        client,
        hospitation_url,
        {"period": "Mai", "people": "2", "message": "Wir kommen gern.", "host": "15083040"},
        creates_on_success=True,
        stored=_then_delete_new_requests(
            _stored_verbatim(HospitationRequest, {"period": "period", "message": "message"}), world["request"]
        ),
    )

    client.force_login(actors["own"])
    problems += _post_each_field(
        client,
        "/einreichen/",
        {
            "title": "Bürgerbus",
            "teaser": "Ein Bus.",
            "topics": "1",
            "problem": "Kein Bus.",
            "solution": "Ein Verein fährt.",
            "results": "",
            "lessons_learned": "",
            "costs_eur": "1000",
            "year": "2020",
            "status": "in_operation",
        },
        creates_on_success=True,
        stored=_stored_verbatim(SolutionPage, {"title": "title", "teaser": "teaser", "problem": "problem"}),
    )
    tandem = {
        "role": "mentee",
        "in_office_since": (today - dt.timedelta(days=200)).isoformat(),
        "capacity": "1",
        "topics": "1",
        "max_distance_km": "50",
        "same_state_only": "on",
        "partner_size_classes": "kleinstadt",
        "note": "Gern.",
    }
    assert TandemRound.objects.exists()

    def reset_tandem(field, value, where):
        TandemApplication.objects.all().delete()  # one application per round: let the next one through
        return []

    problems += _post_each_field(client, "/tandem/bewerben/", tandem, creates_on_success=True, stored=reset_tandem)
    for action, valid in {
        "termin": {"proposed_date": "12. Juni", "note": "Passt das?"},
        "ablehnen": {"note": "Leider nicht."},
    }.items():
        url = f"/meine-anfragen/{world['request']}/{action}/"
        for field in valid:
            for value in PAYLOADS:
                response = client.post(url, {**valid, field: value})
                _sent()
                problems += _problems(response, value, f"POST {url} {field}={value[:30]!r}")
                HospitationRequest.objects.filter(pk=world["request"]).update(status="requested")
    response = client.post("/konto/loeschen/", {"password": "x" * 100_000})
    _sent()
    problems += _problems(response, "", "POST /konto/loeschen/ password=100000×x")
    assert response.status_code == 400
    assert not problems, problems


def test_database_is_intact_after_the_battery(client, world):
    for value in PAYLOADS:
        client.get("/api/v1/solutions/", {"q": value})
        client.get("/suche/", {"q": value})
        _sent()
        _sent()
    assert Municipality.objects.filter(ags="15083040").exists()
    assert User.objects.filter(username="barleben").exists()
    assert client.get("/api/v1/municipalities/", {"q": "Barleben"}).json()["count"] == 1


def test_report_how_many_hostile_inputs_were_tried(capsys):
    count = HOSTILE_INPUTS_TRIED["count"]
    with capsys.disabled():
        print(f"\nFeindliche Eingaben ausprobiert: {count}")
    assert count == 0 or count > 1000  # 0 when this test runs alone (-k)


def test_nul_characters_are_refused_with_400_everywhere(client, world, actors):
    """PostgreSQL cannot compare text with NUL; config.security.RejectNullBytesMiddleware answers first."""
    response = client.get("/api/v1/municipalities/15083040/hospitation-hosts/?solution=%00")
    assert response.status_code == 400 and response.json()["error"] == "invalid_query"
    assert client.get("/api/v1/solutions/%00/").status_code == 400
    assert client.get("/suche/?q=a%00b").status_code == 400
    client.force_login(actors["visitor"])
    before = _state()
    response = client.post(f"/hospitation/anfragen/?fall={world['case']}", {"period": "Mai", "host": "\x00"})
    assert response.status_code == 400 and _state() == before
