from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("alle-gelesen/", views.notification_read_all, name="read-all"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("einstellungen/", views.notification_settings, name="settings"),
    path("suchen/<int:pk>/loeschen/", views.saved_search_remove, name="saved-search-delete"),
    path("suche-speichern/", views.saved_search_save, name="save-search"),
    path("themen/<slug:slug>/folgen/", views.topic_follow_toggle, name="follow"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
