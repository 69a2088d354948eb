from django.urls import path

from accounts import privacy_views

app_name = "privacy"

urlpatterns = [
    path("meine-daten/", privacy_views.my_data, name="my-data"),
    path("meine-daten/export.json", privacy_views.my_data_export, name="export"),
    path("loeschen/", privacy_views.account_delete_view, name="delete"),
    path("geloescht/", privacy_views.account_deleted, name="deleted"),
]
