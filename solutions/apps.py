from django.apps import AppConfig


class SolutionsConfig(AppConfig):
    name = "solutions"
    verbose_name = "Praxisbeispiele"

    def ready(self) -> None:
        from solutions.slugs import admin_slug_fields_register

        admin_slug_fields_register()
