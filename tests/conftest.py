from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} fehlt: der Test braucht die amtlichen Daten aus ../shared/data")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (core/ratelimit.py) and the home page overview live in the cache; each
    test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def search_down(settings):
    """Elasticsearch configured but unreachable: nothing listens on port 9, so connecting fails at once."""
    from search.backends import reset_backends

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_INDEX_PREFIX = "test-baukasten-down"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def site(db):
    from pages.services import site_setup

    return site_setup()


@pytest.fixture
def register(db):
    from tests.factories.register import municipality

    return {
        "barleben": municipality("15083040", "Barleben", 9238, district_name="Börde"),
        "hemmingen_ni": municipality("03241007", "Hemmingen", 18885, district_name="Region Hannover"),
        "hemmingen_bw": municipality("08118027", "Hemmingen", 8222, district_name="Ludwigsburg"),
        "groeningen": municipality("15083245", "Gröningen", 3525, district_name="Börde"),
        "calw": municipality("08235085", "Calw", 24448, district_name="Calw"),
    }


@pytest.fixture
def index(site):
    from solutions.selectors import solution_index_get
    from solutions.services import editorial_setup

    index = solution_index_get()
    editorial_setup(index)
    return index


@pytest.fixture(autouse=True)
def wagtail_base_data(request) -> None:
    """Tests with transaction=True start from a flushed database once an earlier such test ran; the rows
    Wagtail's data migrations made (locale, root page, root collection) are gone then, and the site setup
    needs them. The page tree the pages app adds after ``migrate`` is put back too, so that such a test
    sees what every migrated database has. (Serialized rollback is no way out: it collides with the
    content types the flush recreates.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if not transactional and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    from pages.services import site_install

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    site_install()


@pytest.fixture
def editor(index):
    """A member of the „Redaktion“ group (not a superuser), on a site with the case index."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("redakteurin", "redaktion@example.org", "ein-sicheres-passwort-42")
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list) -> None:
    """pytest-django runs the transactional tests after the others; among them, those with
    ``serialized_rollback`` (the browser tests) go first. Restoring their snapshot collides with the content
    types that the flush after any other transactional test recreates (Django's post_migrate), so such a
    test must never follow one — whichever folder sorts first."""

    def marker(item):
        return item.get_closest_marker("django_db")

    def transactional(item) -> bool:
        found = marker(item)
        return found is not None and bool(found.kwargs.get("transaction"))

    positions = [i for i, item in enumerate(items) if transactional(item)]
    group = sorted((items[i] for i in positions), key=lambda item: not marker(item).kwargs.get("serialized_rollback"))
    for position, item in zip(positions, group, strict=True):
        items[position] = item
