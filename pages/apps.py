from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Seiten"

    def ready(self) -> None:
        post_migrate.connect(site_install_after_migrate, sender=self)


def site_install_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Every migrated database has the page tree (start page, Impressum, Datenschutz, list of cases), so
    that ``import_solutions`` and the case submission work on a fresh installation; the case services
    below only fetch the list of cases.

    Skipped while migrations are still missing (``migrate <app> <migration>`` can leave tables out) and
    after ``flush``, which also empties the root page Wagtail's migrations made."""
    from django.db.migrations.executor import MigrationExecutor
    from wagtail.models import Page

    from pages.services import site_install

    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if Page.get_first_root_node() is None:
        return
    site_install()
