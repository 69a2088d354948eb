"""„bewährt“: the search finds cases that another town runs in operation (``proven=1``), and every hit says how far
its case travelled („in 2 Kommunen übernommen, davon 1 im Betrieb“). A member's declaration reaches the index
through the published revision that ``solution_adopter_save`` writes, like any other change of the case."""

from __future__ import annotations

import numpy as np
import pytest

from search.backends.elasticsearch import document_source, knn_search
from search.documents import live_page, prepare_document
from search.indexing import process_outbox
from search.models import IndexTask, SearchEntry
from solutions.services import solution_adopter_save

pytestmark = pytest.mark.django_db


def api(client, **params) -> dict:
    response = client.get("/api/v1/solutions/", params)
    assert response.status_code == 200, response.content
    return response.json()


def adopt(page, town, **changes) -> None:
    """What a declaration does: one adopter row through the service, published as a revision."""
    solution_adopter_save(page.pk, town, **changes)
    assert IndexTask.objects.filter(page_id=page.pk).exists()  # publishing queued the case for the index
    process_outbox()


def test_a_declaration_reaching_operation_flips_proven(client, indexed, register):
    streets = indexed["barleben-strassen"]
    assert api(client, proven="1")["count"] == 0

    adopt(streets, register["groeningen"], since_year=2024, status="pilot", learned_from=register["barleben"])
    assert api(client, proven="1")["count"] == 0
    hit = next(h for h in api(client, q="Straßenzustand")["results"] if h["slug"] == "barleben-strassen")
    assert hit["adoptions"] == {"count": 1, "in_operation": 0}

    adopt(streets, register["groeningen"], status="in_operation")
    proven = api(client, proven="1")
    assert [h["slug"] for h in proven["results"]] == ["barleben-strassen"]
    assert proven["results"][0]["adoptions"] == {"count": 1, "in_operation": 1}

    adopt(streets, register["groeningen"], status="stopped", stopped_reason="Lizenz zu teuer.")
    assert api(client, proven="1")["count"] == 0


def test_completed_counts_as_proven_and_the_facet_counts_it(client, indexed, register):
    adopt(indexed["hemmingen-heizung"], register["calw"], since_year=2023, status="completed")
    adopt(indexed["hemmingen-heizung"], register["groeningen"], since_year=2024, status="planned")
    adopt(indexed["calw-strassenlaterne"], register["barleben"], since_year=2025, status="pilot")

    body = api(client, q="Heizung Gasverbrauch")
    assert body["facets"]["proven"] == [{"value": "1", "label": "bewährt (anderswo im Betrieb)", "count": 1}]
    heating = next(h for h in body["results"] if h["slug"] == "hemmingen-heizung")
    assert heating["adoptions"] == {"count": 2, "in_operation": 1}

    everything = api(client)["count"]
    assert everything == 5
    assert api(client, proven="0")["count"] == everything  # 0 and empty: no filter
    assert api(client, proven="")["count"] == everything
    assert [h["slug"] for h in api(client, proven="1")["results"]] == ["hemmingen-heizung"]
    # with another filter: „bewährt“ in Niedersachsen yes, in Baden-Württemberg not yet
    assert api(client, proven="1", state="Niedersachsen")["count"] == 1
    assert api(client, proven="1", state="08")["count"] == 0


@pytest.mark.parametrize("value", ["2", "1,0", "vielleicht", "jein", "wahr"])
def test_a_bad_proven_value_is_a_german_400(client, indexed, value):
    response = client.get("/api/v1/solutions/", {"proven": value})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_proven"
    assert body["detail"].startswith("„proven“ muss 1 (nur bewährte Praxisbeispiele) oder 0 sein.")
    assert "true, false, ja, nein" in body["detail"]


def test_proven_takes_the_usual_yes_and_no(client, indexed, register):
    """Clients write true/false (JSON habits) or ja/nein as often as 1/0, in any case."""
    adopt(indexed["barleben-strassen"], register["groeningen"], since_year=2023, status="in_operation")
    everything = api(client)["count"]
    for yes in ("1", "true", "True", "TRUE", "ja", "Ja"):
        assert [h["slug"] for h in api(client, proven=yes)["results"]] == ["barleben-strassen"], yes
    for no in ("0", "false", "False", "nein", "NEIN", ""):
        assert api(client, proven=no)["count"] == everything, no
    # the page reads the same parameters: a shared link with proven=true filters there too
    html = client.get("/suche/", {"q": "Straße", "proven": "true"}).content.decode()
    assert "Übernahme: bewährt (anderswo im Betrieb)" in html


def test_search_page_offers_the_filter_and_shows_transfer_counts(client, indexed, register):
    adopt(indexed["barleben-strassen"], register["groeningen"], since_year=2023, status="in_operation")
    adopt(indexed["barleben-strassen"], register["calw"], since_year=2024, status="pilot")

    html = client.get("/suche/", {"q": "Straße"}).content.decode()
    assert "in 2 Kommunen übernommen, davon 1 im Betrieb" in html
    assert "<legend>Übernahme</legend>" in html
    assert 'name="proven" value="1"' in html and 'bewährt (anderswo im Betrieb) <span class="muted">(1)</span>' in html

    filtered = client.get("/suche/", {"q": "Straße", "proven": "1"}).content.decode()
    assert "1 Praxisbeispiel gefunden" in filtered
    assert "Straßenzustandserfassung mit KI" in filtered and "LED-Straßenbeleuchtung" not in filtered
    assert "Übernahme: bewährt (anderswo im Betrieb)" in filtered  # the chip that takes the filter back

    bad = client.get("/suche/", {"q": "Straße", "proven": "vielleicht"})
    assert bad.status_code == 400 and "„proven“ muss 1" in bad.content.decode()


def test_documents_carry_the_transfer_counts(indexed, register):
    streets = indexed["barleben-strassen"]
    solution_adopter_save(streets.pk, register["groeningen"], since_year=2023, status="completed")
    solution_adopter_save(streets.pk, register["calw"], since_year=2024, status="stopped", stopped_reason="Zu groß.")
    solution_adopter_save(streets.pk, register["hemmingen_ni"], since_year=2025, status="planned")
    document = prepare_document(live_page(streets.pk))
    assert (document.adoptions, document.adoptions_in_operation, document.proven) == (3, 1, True)

    process_outbox()
    entry = SearchEntry.objects.get(page_id=streets.pk)
    assert (entry.adoptions, entry.adoptions_in_operation) == (3, 1)

    source = document_source(document, np.ones(384, dtype=np.float32) / np.sqrt(384))
    assert (source["adoptions"], source["adoptions_in_operation"], source["proven"]) == (3, 1, True)
    body = knn_search("baukasten-cases", np.zeros(384, dtype=np.float32), {"proven": ("1",), "topic": ()}).to_dict()
    assert body["knn"]["filter"] == {"bool": {"filter": [{"term": {"proven": {"value": True}}}]}}


def test_a_saved_search_keeps_proven(client, indexed, register):
    from notifications.models import SavedSearch
    from tests.factories.solutions import member

    adopt(indexed["calw-strassenlaterne"], register["groeningen"], since_year=2024, status="in_operation")
    client.force_login(member(register["hemmingen_ni"]))
    html = client.get("/suche/", {"q": "Straßenbeleuchtung", "proven": "1", "similar": "0"}).content.decode()
    form = html[html.index('id="suche-speichern"') :]
    assert '<input type="hidden" name="proven" value="1">' in form

    client.post("/benachrichtigungen/suche-speichern/", {"q": "Straßenbeleuchtung", "proven": "1"})
    assert SavedSearch.objects.get().filters == {"proven": ["1"]}
    settings_page = client.get("/benachrichtigungen/einstellungen/").content.decode()
    assert "Übernahme: bewährt (anderswo im Betrieb)" in settings_page
