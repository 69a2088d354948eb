"""Every label an editor meets is German: model and field names, admin list columns, filters, yes/no.

English labels came back whenever a field was added without ``verbose_name`` („Updated at“, „Created at“,
„Year“, „User“) or Wagtail rendered a boolean („True“/„False“). Two nets: (a) the models themselves,
(b) an editor walking every admin list, edit and inspect page the project registers.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import get_snippet_models

PROJECT_APPS = ["core", "municipalities", "solutions", "search", "matching", "accounts", "pages"]

# English words Django, Wagtail or django-filter put on admin pages when a label is missing (a field's
# name, Python's booleans). Matched as whole words, case-sensitive, in the text a person sees or a screen
# reader reads – not in scripts or data attributes, where Wagtail keeps its own untranslated strings.
ENGLISH_LEAKS = [
    "Updated at",
    "Created at",
    "Year",
    "User",
    "Username",
    "Password",
    "True",
    "False",
    "None",
    "Unknown",
    "Yes",
    "No",
    "Slug",
    "Title",
    "Role",
    "Approved",
    "Municipality",
    "Value",
    "Terms",
    "Note",
    "Page",
    "Sort order",
]
LEAK_PATTERN = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH_LEAKS) + r")\b")


def project_models() -> list[type[models.Model]]:
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def own_fields(model: type[models.Model]) -> list[models.Field]:
    """The concrete fields the project declares (directly or through an abstract base such as Wagtail's
    Orderable) – not those of a concrete parent like Wagtail's Page, which Wagtail itself translates."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.model is model
        and field.model._meta.app_label in PROJECT_APPS
    ]


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_every_model_has_german_names_set_explicitly(model):
    declared = model._meta.original_attrs
    assert "verbose_name" in declared, f"{model._meta.label}: Meta.verbose_name fehlt"
    assert "verbose_name_plural" in declared, f"{model._meta.label}: Meta.verbose_name_plural fehlt"


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_every_field_has_a_verbose_name_set_explicitly(model):
    defaulted = [field.name for field in own_fields(model) if str(field.verbose_name) == field.name.replace("_", " ")]
    assert not defaulted, f"{model._meta.label}: verbose_name fehlt für {defaulted}"


def test_a_new_editor_with_an_english_browser_gets_the_german_admin(client, editor):
    assert settings.LANGUAGE_CODE == "de"
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="de"' in home
    account = client.get(reverse("wagtailadmin_account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Benutzerkonto" in account
    assert 'name="locale-preferred_language"' not in account and "English" not in account  # nothing to switch to


class VisibleText(HTMLParser):
    """The text a person sees or a screen reader reads: text outside script/style/template, plus the
    accessible names in aria-label, title, placeholder and alt."""

    HIDDEN_TAGS = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SPOKEN = {"aria-label", "title", "placeholder", "alt"}
    # Elements marked ``hidden`` count as visible (filter drawers and menus open on a click), except
    # Wagtail's side-panel counter, a placeholder („None“) its script replaces before showing it.
    NEVER_SHOWN = {"data-side-panel-toggle-counter"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hides its content)

    @property
    def _hidden(self) -> bool:
        return any(hides for _, hides in self._open)

    def handle_starttag(self, tag, attrs):
        if not self._hidden:
            self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)
        if tag not in self.VOID:
            self._open.append((tag, tag in self.HIDDEN_TAGS or any(name in self.NEVER_SHOWN for name, _ in attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def english_on(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted({match for part in parser.parts for match in LEAK_PATTERN.findall(part)})


@pytest.fixture
def admin_data(tmp_path, register, index):
    """One row of every kind the admin lists, made through the project's own services."""
    from matching.models import TandemRound
    from search.models import SynonymGroup
    from tests.factories.solutions import case_line, member, publish_cases

    member(register["barleben"], "buergermeisterin", approved=False)
    member(register["calw"], "calw", approved=True)
    publish_cases(tmp_path, case_line())
    SynonymGroup.objects.create(terms="Schlagloch, Straßenschaden", note="Straßen – häufige Suchwörter")
    TandemRound.objects.create(
        title="Tandem-Runde Frühjahr „Digitales Rathaus“",
        application_start=date(2026, 12, 1),
        application_end=date(2027, 1, 31),
    )
    return register


def admin_urls_to_walk() -> list[tuple[str, str]]:
    """(label, URL name) for list, add, edit and inspect of every snippet of the project."""
    urls = []
    for model in get_snippet_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        viewset = model.snippet_viewset
        for action in ("list", "add", "edit", "inspect"):
            urls.append((f"{model._meta.label}:{action}", viewset.get_url_name(action)))
    return urls


@pytest.fixture(params=["editor", "administrator"])
def admin_user(request, editor):
    """The editor fixture (group „Redaktion“), and a superuser who also reaches the register's and the
    home page's forms."""
    if request.param == "editor":
        return editor
    from django.contrib.auth.models import User

    return User.objects.create_superuser("verwaltung", "verwaltung@example.org", "ein-sicheres-passwort-42")


def test_no_english_label_in_the_admin(client, admin_user, admin_data):
    from solutions.models import SolutionPage

    client.force_login(admin_user)
    case = SolutionPage.objects.live().get()
    pages = {
        "Dashboard": reverse("wagtailadmin_home"),
        "Praxisbeispiele": reverse("praxisbeispiele:index"),
        "Praxisbeispiele gefiltert": reverse("praxisbeispiele:index") + "?status=in_operation",
        "Praxisbeispiel bearbeiten": reverse("wagtailadmin_pages:edit", args=[case.pk]),
        "Startseite bearbeiten": reverse("wagtailadmin_pages:edit", args=[case.get_parent().get_parent().pk]),
        "Seitenbaum": reverse("wagtailadmin_explore", args=[case.get_parent().pk]),
        "Fußzeile": reverse("wagtailsettings:edit", args=["pages", "footerlinks"]),
        "Mitglieder wartend": reverse("wagtailsnippets_municipalities_municipalitymember:list") + "?approved=false",
    }
    for label, name in admin_urls_to_walk():
        model = apps.get_model(label.split(":")[0])
        try:
            if label.endswith((":edit", ":inspect")):
                instance = model.objects.order_by("pk").first()
                if instance is None:
                    continue
                pages[label] = reverse(name, args=[instance.pk])
            else:
                pages[label] = reverse(name)
        except NoReverseMatch:
            continue  # the viewset offers no such view (e.g. inspect disabled)

    leaks, seen = {}, []
    for label, url in pages.items():
        response = client.get(url)
        if response.status_code in (302, 403):
            continue  # the editor may not do this (e.g. add to the register): nothing shown
        assert response.status_code == 200, (label, url, response.status_code)
        seen.append(label)
        found = english_on(response.content.decode())
        if found:
            leaks[f"{label} {url}"] = found
    assert not leaks, "\n".join(f"{page}: {words}" for page, words in leaks.items())
    # The walk reached the pages where the English labels were met.
    assert {
        "municipalities.Municipality:inspect",
        "municipalities.MunicipalityMember:list",
        "municipalities.MunicipalityMember:edit",
        "search.SynonymGroup:list",
        "solutions.Supplier:edit",
        "matching.TandemRound:edit",
        "matching.HospitationRequest:list",
        "Praxisbeispiel bearbeiten",
    } <= set(seen)


def test_a_yes_no_field_on_an_inspect_page_reads_ja_or_nein():
    from wagtail.admin.ui.fields import display_class_registry

    display = display_class_registry.get(models.BooleanField(_("bestätigt")))
    assert [display(value).render_html() for value in (True, False, None)] == ["ja", "nein", "unbekannt"]


def test_wagtails_login_asks_for_the_email_address_and_accepts_it(client, editor):
    from tests.accounts.page_form import PageForm

    form = PageForm(client, reverse("wagtailadmin_login"))
    assert form.control("E-Mail-Adresse")["name"] == "username"
    assert "Benutzername" not in form.html and not english_on(form.html)

    form.fill({"E-Mail-Adresse": "redaktion@example.org", "Passwort": "falsch-geraten-42"}).press("Anmelden")
    assert "E-Mail-Adresse oder Passwort stimmen nicht" in form.html and "Benutzername" not in form.html

    form.fill({"E-Mail-Adresse": "Redaktion@Example.org", "Passwort": "ein-sicheres-passwort-42"}).press("Anmelden")
    assert form.response.status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_the_sites_wrong_password_message_names_the_email_address(client, editor):
    from tests.accounts.page_form import PageForm

    form = PageForm(client, reverse("login"))
    form.fill({"E-Mail-Adresse": "redaktion@example.org", "Passwort": "falsch-geraten-42"}).press("Anmelden")
    assert "E-Mail-Adresse oder Passwort stimmen nicht" in form.html and "Benutzername" not in form.html


# --- page sizes agree across the API (same rule: core.api_schema) -----------------------------------


def test_every_list_endpoint_has_the_same_default_and_maximum_page_size(client, db):
    from core.api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

    schema = client.get("/api/v1/openapi.json").json()
    sizes = {}
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] in ("page_size", "limit"):
                declared = parameter["schema"]
                sizes[path] = (declared.get("default"), declared.get("maximum"))
    assert {
        "/api/v1/solutions",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{ags}/peers",
        "/api/v1/municipalities/{ags}/hospitation-hosts",
        "/api/v1/municipalities/{ags}/suppliers",
    } <= {path.rstrip("/") for path in sizes}
    assert set(sizes.values()) == {(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)}, sizes
