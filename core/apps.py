from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Ground floor: small helpers every app may use (rate limits, API errors, form fields, upload checks)."""

    name = "core"
    verbose_name = "Grundlagen"
