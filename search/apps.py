from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Suche"

    def ready(self) -> None:
        from search import signals

        signals.connect()
