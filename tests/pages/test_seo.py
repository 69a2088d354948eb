"""What search engines and link previews get: sitemap.xml, robots.txt, canonical and Open Graph tags."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tmp_path, register, index):
    return publish_cases(
        tmp_path,
        case_line("barleben-strassen", adopters=[{"ags": "15083245", "year": 2024}]),
        case_line("calw-entwurf", title="Noch nicht öffentlich", municipality_ags="08235085", supplier=None),
    )


def test_sitemap_lists_public_cases_topics_and_taking_part_towns(client, cases):
    cases[1].unpublish()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/praxisbeispiele/barleben-strassen/</loc>" in xml
    assert "calw-entwurf" not in xml
    assert "/themen/strassen-infrastruktur/</loc>" in xml
    assert "/themen/digitale-verwaltung/" not in xml  # no case, no entry
    assert "/kommunen/15083040-barleben/</loc>" in xml  # lead
    assert "/kommunen/15083245-groeningen/</loc>" in xml  # adopter
    assert "/kommunen/08235085-calw/" not in xml  # only an unpublished case
    assert "/impressum/</loc>" in xml


def test_robots_txt_keeps_personal_pages_out_and_names_the_sitemap(client, site):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text and "Disallow: /meine-anfragen/" in text and "Disallow: /konto/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /praxisbeispiele/" not in text


@override_settings(WAGTAILADMIN_BASE_URL="https://baukasten.example.org")
def test_case_page_has_canonical_and_open_graph_tags(client, cases):
    html = client.get("/praxisbeispiele/barleben-strassen/?utm_source=newsletter").content.decode()
    assert '<link rel="canonical" href="https://baukasten.example.org/praxisbeispiele/barleben-strassen/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Straßenzustand per App erfassen">' in html
    assert '<meta property="og:description" content="Kurz gesagt: Schäden werden automatisch erkannt.">' in html
    assert '<meta property="og:locale" content="de_DE">' in html


def test_profile_and_topic_pages_have_their_own_preview_title(client, cases):
    profile = client.get("/kommunen/15083040-barleben/").content.decode()
    assert '<meta property="og:title" content="Barleben">' in profile
    topic = client.get("/themen/strassen-infrastruktur/").content.decode()
    assert '<meta property="og:title" content="Straßen &amp; Infrastruktur">' in topic
    assert '<meta property="og:type" content="website">' in topic


def test_unknown_address_gets_the_german_404_page(client, site):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_the_site_has_an_icon_where_browsers_look_for_it(client, site):
    page = client.get("/")
    assert b'rel="icon" href="/static/img/favicon.svg"' in page.content
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
