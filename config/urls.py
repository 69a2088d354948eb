from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from config.api import api, api_not_found
from config.health import healthz
from core.ratelimit import ratelimit
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
    path("", include("matching.urls")),
    path("konto/anmelden/", ratelimit("login")(auth_views.LoginView.as_view()), name="login"),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/registrieren/", account_views.register, name="register"),
    path("konto/", include("accounts.urls")),  # Meine Daten: export, delete account
    path("konto/passwort/", ratelimit("password_reset")(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path("konto/passwort/gesendet/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "konto/passwort/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("konto/passwort/fertig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
