from __future__ import annotations

import os

import pytest

from search.backends import reset_backends
from search.indexing import process_outbox
from tests.factories.search_caches import search_caches_reset
from tests.factories.solutions import case_line, publish_cases

CASES = [
    case_line(
        "barleben-strassen",
        title="Straßenzustandserfassung mit KI",
        summary="Kameras in Dienstwagen erfassen den Zustand der Gemeindestraßen.",
        topics=["strassen-infrastruktur"],
        municipality_ags="15083040",
    ),
    case_line(
        "hemmingen-heizung",
        title="Heizungsoptimierung im Rathaus",
        summary="Sensoren an den Heizanlagen senken den Gasverbrauch.",
        problem="Die Energiekosten der Gebäude stiegen stark.",
        solution="Messgeräte in den Heizzentralen, Auswertung im Dashboard.",
        results="Gasverbrauch minus 16 Prozent.",
        lessons_learned="Hausmeister früh einbinden.",
        topics=["energie-klimaschutz"],
        municipality_ags="03241007",
        supplier={"name": "SigmaHeat"},
        status="pilot",
    ),
    case_line(
        "heidenheim-nachwuchs",
        title="Nachwuchsgewinnung mit Social Media",
        summary="Eine Kampagne auf Instagram und TikTok wirbt für Ausbildungsberufe in der Stadtverwaltung.",
        problem="Die Bewerbungen für Ausbildungsplätze gingen stark zurück.",
        solution="Auszubildende berichten selbst als Botschafter über ihren Alltag.",
        results="Mehr Bewerbungen.",
        lessons_learned="Kontinuität ist wichtig.",
        topics=["personal-fachkraefte"],
        municipality_ags="08235085",
        supplier=None,
    ),
    case_line(
        "groeningen-muenchen",
        title="Partnerschaft mit München",
        summary="Ein Austausch mit der Landeshauptstadt München über Verwaltungsdigitalisierung.",
        problem="Kleine Verwaltung, wenig Erfahrung.",
        solution="Regelmäßige Treffen.",
        results="Zwei Projekte übernommen.",
        lessons_learned="Klein anfangen.",
        topics=["interkommunale-zusammenarbeit"],
        municipality_ags="15083245",
        supplier=None,
    ),
    case_line(
        "calw-strassenlaterne",
        title="LED-Straßenbeleuchtung",
        summary="Die Stadt stellt ihre Laternen auf LED um.",
        problem="Hohe Stromkosten der Beleuchtung.",
        solution="Schrittweiser Austausch der Leuchten.",
        results="Weniger Stromverbrauch.",
        lessons_learned="Anwohner informieren.",
        topics=["energie-klimaschutz", "strassen-infrastruktur"],
        municipality_ags="08235085",
        supplier=None,
        status="completed",
    ),
]


def _backends():
    params = [pytest.param("database", id="database")]
    if os.environ.get("ELASTICSEARCH_URL"):
        params.append(pytest.param("elasticsearch", id="elasticsearch"))
    return params


@pytest.fixture(params=_backends())
def backend_name(request, settings):
    """The behavioural suite runs on the database backend always and on Elasticsearch whenever
    ELASTICSEARCH_URL is set (hosted CI has an ES service container)."""
    settings.ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL") if request.param == "elasticsearch" else None
    settings.ELASTICSEARCH_INDEX_PREFIX = "test-baukasten"
    reset_backends()
    yield request.param
    reset_backends()


@pytest.fixture
def fresh_caches():
    search_caches_reset()
    yield
    search_caches_reset()


@pytest.fixture
def indexed(tmp_path, register, index, backend_name, fresh_caches):
    from search.backends import configured_external_backends

    for backend in configured_external_backends():  # a clean ES index per test: listed, deleted by name
        backend.drop_index_versions()
    pages = publish_cases(tmp_path, *CASES)
    process_outbox()
    for backend in configured_external_backends():
        backend.client.indices.refresh(index=backend.alias)
    return {p.slug: p for p in pages}
