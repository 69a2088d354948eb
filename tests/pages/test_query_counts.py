"""No page's number of database queries grows with the data it shows (no N+1): each page is measured,
more of what it lists is added, and it is measured again."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import query_terms
from search.backends.database import lexical
from search.indexing import process_outbox
from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


def queries(client, url: str, settings) -> int:
    # The search vocabulary is reloaded once a minute; start each measurement from the same state.
    lexical.reset()
    settings.PEERS_VERSION_CHECK_SECONDS = 0
    client.get(url)  # warm per-process caches (corpus, peers, site root paths) as a running server has them
    # A running server checks the peers register at most every few seconds, not on each peer lookup (the
    # test settings check on every one, which would count one query per supplier reference).
    settings.PEERS_VERSION_CHECK_SECONDS = 3600
    # Likewise the synonyms are checked every 30 s: on a loaded machine that interval could end between
    # the warm-up and the measured request and count one query more (seen once in CI-like runs).
    with (
        mock.patch.object(query_terms, "SYNONYM_CACHE_SECONDS", 3600),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def rich_case(slug: str, n: int, **fields) -> dict:
    towns = ["15083245", "03241007", "08118027", "08235085"]
    return case_line(
        slug,
        adopters=[{"ags": ags, "year": 2024} for ags in towns[:n]],
        outcomes=[{"metric": f"Kennzahl {i}", "value": i + 1, "unit": "%"} for i in range(n)],
        topics=["strassen-infrastruktur", "digitale-verwaltung", "energie-klimaschutz"][: max(1, n - 1)],
        **fields,
    )


@pytest.fixture
def more(tmp_path, register, index):
    """Publishes cases in two rounds; returns a function that adds the second, bigger round."""
    publish_cases(tmp_path, rich_case("fall-a", 1), rich_case("fall-b", 1, title="Schlaglöcher per App melden"))
    process_outbox()

    def add() -> None:
        municipality("15083270", "Wanzleben-Börde", 13500, district_name="Börde")
        publish_cases(
            tmp_path,
            rich_case("fall-a", 4),
            rich_case("fall-b", 4, title="Schlaglöcher per App melden"),
            *[rich_case(f"fall-{i}", 3, title=f"Straßenschäden erfassen {i}") for i in range(4)],
        )
        process_outbox()

    return add


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/praxisbeispiele/fall-a/", 40),
        ("/kommunen/15083040-barleben/", 30),
        ("/kommunen/", 10),
        ("/suche/?q=Straßenschäden", 25),
        ("/suche/?q=Straßenschäden&topic=strassen-infrastruktur&size_class=kleinstadt", 25),
        ("/themen/strassen-infrastruktur/", 25),
        ("/api/v1/solutions/?q=Straßenschäden", 15),
        # every added case names the supplier vialytics: its references grow, the queries do not
        ("/api/v1/municipalities/15083245/suppliers/", 10),
        ("/api/v1/municipalities/15083245/suppliers/?topic=strassen-infrastruktur", 10),
    ],
)
def test_query_count_does_not_grow_with_the_data(client, more, settings, url, limit):
    before = queries(client, url, settings)
    more()
    after = queries(client, url, settings)
    assert after == before, f"{url}: {before} → {after} Abfragen"
    assert after <= limit
