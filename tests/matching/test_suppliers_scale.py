"""The supplier ranking (API and profile) reads only the cases it returns, so its time does not grow with
every case that names a supplier, and it still follows each change an editor makes at once."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_init
from wagtail.models import PageViewRestriction

from solutions.models import SolutionPage, Supplier, Topic
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db
URL = "/api/v1/municipalities/15083245/suppliers/"  # asked by Gröningen


def names(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [r["name"] for r in response.json()["results"]]


@pytest.fixture
def many(tmp_path, register, index):
    """Twelve cases of „Straßen- & Brückenprüfung GmbH“ and one of „Bürger-App Müller & Söhne“."""
    towns = ["15083040", "03241007", "08118027", "08235085"]
    lines = [
        case_line(
            f"strassenpruefung-{k}",
            title=f"Straßenschäden erfassen – „Teil {k}“",
            municipality_ags=towns[k % len(towns)],
            supplier={"name": "Straßen- & Brückenprüfung GmbH", "website": "https://example.org"},
            outcomes=[] if k % 2 else [{"metric": "Straßen erfasst", "value": 75, "unit": "%"}],
        )
        for k in range(12)
    ]
    lines.append(
        case_line(
            "buerger-app",
            title="Mängelmelder für Bürgerinnen und Bürger",
            topics=["kommunikation"],
            supplier={"name": "Bürger-App Müller & Söhne", "website": "https://example.org"},
        )
    )
    return publish_cases(tmp_path, *lines)


def test_ranking_builds_only_the_cases_it_returns(client, many):
    names(client)  # the first call builds the compact reference table (no case objects)
    built: list[int] = []

    def count(sender, instance, **kwargs):
        built.append(instance.pk)

    post_init.connect(count, sender=SolutionPage)
    try:
        body = client.get(URL, {"limit": 1}).json()
    finally:
        post_init.disconnect(count, sender=SolutionPage)
    (first,) = body["results"]
    assert first["name"] == "Straßen- & Brückenprüfung GmbH"
    assert len(first["references"]) == 3 and "12 Referenzen im Baukasten" in first["reasons"]
    # Before, every one of the 13 cases naming a supplier was loaded with its full detail on each call.
    assert len(built) <= 3, built


def test_ranking_follows_unpublishing_restrictions_and_supplier_topics(client, many):
    assert names(client) == ["Straßen- & Brückenprüfung GmbH", "Bürger-App Müller & Söhne"]
    assert names(client, topic="kommunikation") == ["Bürger-App Müller & Söhne"]

    # an editor gives the road supplier the topic „Kommunikation“ in the snippet
    supplier = Supplier.objects.get(name="Straßen- & Brückenprüfung GmbH")
    supplier.topics.add(Topic.objects.get(slug="kommunikation"))
    supplier.save()  # a parental many-to-many is written when the snippet is saved
    assert set(names(client, topic="kommunikation")) == {"Straßen- & Brückenprüfung GmbH", "Bürger-App Müller & Söhne"}

    # the only case of the app maker goes behind a password: no longer public, no longer a reference
    app = SolutionPage.objects.get(slug="buerger-app")
    restriction = PageViewRestriction.objects.create(page=app, restriction_type="password", password="geheim")
    assert names(client) == ["Straßen- & Brückenprüfung GmbH"]
    restriction.delete()
    assert "Bürger-App Müller & Söhne" in names(client)

    # unpublished: gone at once, and so is a reference to it
    app.unpublish()
    assert names(client) == ["Straßen- & Brückenprüfung GmbH"]
    SolutionPage.objects.get(slug="strassenpruefung-0").unpublish()
    body = client.get(URL).json()
    assert "strassenpruefung-0" not in [r["slug"] for r in body["results"][0]["references"]]
    assert "11 Referenzen im Baukasten" in body["results"][0]["reasons"]
