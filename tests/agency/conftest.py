from __future__ import annotations

import pytest

from tests.factories.embeddings import embeddings_reused
from tests.factories.needs import demo_cases
from tests.factories.search_caches import search_caches_reset


@pytest.fixture
def fresh_matches():
    """Per-process caches a new server process would not have: the search's, the peers register's and the
    matches' own."""
    from agency.matches import need_matches_cache_clear
    from matching.peers import peers_cache_clear
    from matching.services import suppliers_references_cache_clear
    from search.backends import reset_backends

    def clear():
        search_caches_reset()
        reset_backends()
        peers_cache_clear()
        suppliers_references_cache_clear()
        need_matches_cache_clear()

    clear()
    yield
    clear()


@pytest.fixture
def demo(tmp_path, index, settings, fresh_matches):
    """The demo's 25 cases on the database backend, with the demo register's towns (real coordinates)."""
    from search.backends import reset_backends

    settings.ELASTICSEARCH_URL = None
    reset_backends()
    with embeddings_reused():
        return demo_cases(tmp_path)
