from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from config.api import api, api_not_found
from config.health import healthz
from pages.sitemaps import SITEMAPS
from pages.views import favicon, robots_txt
from search import views as search_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("kommunen/", include("municipalities.urls")),
    path("suche/", search_views.search_page, name="search"),
    path("", include("solutions.urls")),
    path("", include("adoption.urls")),  # „Wir setzen das auch um“, „Unsere Vorhaben“, the reminders' status link
    path("", include("agency.urls")),  # before matching: it serves „Meine Anfragen“ with the introductions
    path("", include("matching.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("konto/", include("accounts.urls")),  # login, logout, registration, password reset, Meine Daten
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploads on a server with nothing in front of it (development, the demo); Django's ``static()``
    # helper would serve them only with DEBUG on.
    from django.views.static import serve

    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

urlpatterns.append(path("", include(wagtail_urls)))
