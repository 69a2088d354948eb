from __future__ import annotations

import pytest

from tests.factories.register import municipality

pytestmark = pytest.mark.django_db


def test_profile_shows_register_facts_and_map(client, site):
    municipality(
        "15083040",
        "Barleben",
        9238,
        association_name="Barleben",
        official_name="Barleben",
        population_date="2023-12-31",
    )
    response = client.get("/kommunen/15083040-barleben/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Barleben</h1>" in html
    assert "9.238" in html and "Stand 31.12.2023" in html
    assert "Kleinstadt" in html and "nach Einwohnerzahl" in html
    assert "Börde" in html and "Sachsen-Anhalt" in html
    assert "29,85 km²" in html
    assert 'role="img"' in html and "Lage von Barleben in Deutschland" in html
    assert "tile" not in html.lower()  # no external map tiles


def test_profile_with_wrong_or_missing_slug_redirects_to_canonical_url(client, site):
    municipality("15083040", "Barleben", 9238)
    for url in ("/kommunen/15083040-falsch/", "/kommunen/15083040/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == "/kommunen/15083040-barleben/"


def test_unknown_municipality_is_a_german_404(client, site):
    response = client.get("/kommunen/99999999-nirgendwo/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_name_search_page(client, site):
    municipality("03241007", "Hemmingen", 18885, district_name="Region Hannover")
    municipality("08118027", "Hemmingen", 8222, district_name="Ludwigsburg")
    html = client.get("/kommunen/", {"q": "hemmingen"}).content.decode()
    assert "2 Kommunen gefunden" in html
    assert html.index("Region Hannover") < html.index("Ludwigsburg")
    assert "/kommunen/08118027-hemmingen/" in html


def test_user_text_in_query_is_escaped(client, site):
    html = client.get("/kommunen/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_size_class_reads_once_for_a_landgemeinde_and_with_its_band_otherwise(client, site):
    municipality("15083245", "Gröningen", 3525, district_name="Börde")
    municipality("15083040", "Barleben", 9238, district_name="Börde")
    groeningen = client.get("/kommunen/15083245-groeningen/").content.decode()
    assert "<dd>Landgemeinde</dd>" in groeningen and "Landgemeinde (Landgemeinde)" not in groeningen
    assert "<dd>Kleinstadt (Kleine Kleinstadt)</dd>" in client.get("/kommunen/15083040-barleben/").content.decode()
