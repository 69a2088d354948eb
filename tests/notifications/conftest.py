from __future__ import annotations

import pytest

from matching.peers import peers_cache_clear
from tests.factories.search_caches import search_caches_reset
from tests.factories.solutions import member
from tests.matching import smtp


@pytest.fixture(autouse=True)
def _fresh_peer_and_search_caches():
    """The register and the corpus are cached per process; every test builds its own."""
    peers_cache_clear()
    search_caches_reset()
    yield
    peers_cache_clear()
    search_caches_reset()


@pytest.fixture
def towns(register):
    """The register fixture with real coordinates: Barleben and Gröningen (Börde) are 40 km apart, Calw
    and Hemmingen (Baden-Württemberg) far away."""
    coordinates = {
        "barleben": (52.2, 11.6),
        "groeningen": (51.94, 11.21),
        "calw": (48.71, 8.74),
        "hemmingen_bw": (48.87, 9.03),
        "hemmingen_ni": (52.31, 9.72),
    }
    for key, (lat, lon) in coordinates.items():
        town = register[key]
        town.lat, town.lon = lat, lon
        town.save(update_fields=["lat", "lon"])
    return register


@pytest.fixture
def members(towns):
    """Approved mayors of Barleben, Gröningen and Calw, and a Hemmingen member still waiting for approval."""
    return {
        "barleben": member(towns["barleben"], "barleben", email="rathaus@barleben.example"),
        "groeningen": member(towns["groeningen"], "groeningen", email="buergermeisterin@groeningen.example"),
        "calw": member(towns["calw"], "calw", email="ob@calw.example"),
        "pending": member(towns["hemmingen_bw"], "hemmingen", approved=False, email="neu@hemmingen.example"),
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend delivers to it."""
    server, inbox = smtp.start()
    smtp.smtp_settings(settings, inbox.port)
    yield inbox
    server.shutdown()
    server.server_close()
