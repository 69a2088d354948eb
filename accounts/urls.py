"""Everything under /konto/: login, logout, registration, the account's state, password reset and „Meine Daten“.

The URL names are global (``login``, ``register``, ``password_reset`` …) except the „Meine Daten“
pages, which keep their ``privacy:`` namespace; templates and tests reverse both."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from core.ratelimit import ratelimit

privacy_patterns = [
    path("meine-daten/", views.my_data, name="my-data"),
    path("meine-daten/export.json", views.my_data_export, name="export"),
    path("loeschen/", views.account_delete_view, name="delete"),
    path("geloescht/", views.account_deleted, name="deleted"),
]

urlpatterns = [
    path("anmelden/", ratelimit("login")(views.LoginView.as_view()), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("registrieren/", views.register, name="register"),
    path("registrieren/kommune/", views.register_town, name="register-town"),
    path("status/", views.account_status, name="account-status"),
    path("", include((privacy_patterns, "privacy"))),
    path("passwort/", ratelimit("password_reset")(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path("passwort/gesendet/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("passwort/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("passwort/fertig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
