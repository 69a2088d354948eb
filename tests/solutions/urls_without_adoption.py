"""The site's URLs without the adoption app: the case page must not break or offer a dead button then."""

from django.urls import URLPattern, URLResolver

from config.urls import urlpatterns as site_patterns


def _adoption(pattern: URLPattern | URLResolver) -> bool:
    return getattr(pattern, "namespace", None) == "adoption"


urlpatterns = [p for p in site_patterns if not _adoption(p)]
