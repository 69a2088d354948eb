from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from wagtail.models import Site

from pages.apps import site_install_after_migrate
from pages.models import ContentPage, HomePage, ImpactPage
from pages.services import site_install, site_setup
from solutions.models import SolutionIndexPage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_site_setup_is_idempotent_and_keeps_edits(site):
    imprint = ContentPage.objects.get(slug="impressum")
    imprint.title = "Impressum der Plattform"
    imprint.save_revision().publish()

    site_setup()

    assert HomePage.objects.count() == 1
    assert ContentPage.objects.filter(slug="impressum").count() == 1
    assert ContentPage.objects.get(slug="impressum").title == "Impressum der Plattform"


def test_every_migrated_database_has_the_page_tree(db):
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    children = {page.slug: page.specific_class for page in home.get_children()}
    assert children == {
        "impressum": ContentPage,
        "datenschutz": ContentPage,
        "praxisbeispiele": SolutionIndexPage,
        "wirkung": ImpactPage,
    }


def test_the_site_setup_after_migrate_adds_only_a_missing_list_of_cases(db):
    SolutionIndexPage.objects.get().delete()
    ContentPage.objects.get(slug="impressum").delete()

    site_install_after_migrate(using="default")

    index = SolutionIndexPage.objects.get()
    assert (index.slug, index.get_parent().specific_class) == ("praxisbeispiele", HomePage)
    assert not ContentPage.objects.filter(slug="impressum").exists()  # an installed site is left to its editors
    site_install()
    assert SolutionIndexPage.objects.count() == 1


def test_base_layout_is_german_and_accessible(client, site):
    html = client.get("/").content.decode()
    assert '<html lang="de">' in html
    assert 'href="#inhalt"' in html and 'id="inhalt"' in html  # skip link and its target
    assert "<header" in html and "<main" in html and "<footer" in html
    assert 'role="search"' in html
    assert 'aria-label="Hauptnavigation"' in html


def test_footer_links_to_editable_imprint_and_privacy_pages(client, site):
    html = client.get("/").content.decode()
    assert 'href="/impressum/"' in html and 'href="/datenschutz/"' in html
    assert "Datenlizenz Deutschland" in html
    assert client.get("/impressum/").status_code == 200
    assert client.get("/datenschutz/").status_code == 200


def test_search_box_leads_to_a_page(client, site):
    response = client.get("/suche/", {"q": "Impressum"})
    assert response.status_code == 200
    assert "/impressum/" in response.content.decode()


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
        "DJANGO_ALLOWED_HOSTS": "baukasten.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"  # all fields: tests/ops/test_health.py
