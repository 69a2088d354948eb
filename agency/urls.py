from django.urls import path

from agency import views

app_name = "agency"

urlpatterns = [
    path("gesuche/", views.need_list, name="list"),
    path("gesuche/neu/", views.need_new, name="new"),
    path("gesuche/meine/", views.my_needs, name="mine"),
    path("gesuche/meine/vorstellungen/", views.town_setting, name="town-setting"),
    path("gesuche/<slug:ref>/", views.need_detail, name="need"),
    path("gesuche/<slug:ref>/bearbeiten/", views.need_edit, name="edit"),
    path("gesuche/<slug:ref>/<slug:action>/", views.need_action, name="need-action"),
    # „Meine Anfragen“ is composed here (hospitation and tandems from matching, plus introductions); matching
    # keeps its own pattern for the same path so that ``matching:requests`` still reverses to it.
    path("meine-anfragen/", views.my_requests, name="requests"),
    path("meine-anfragen/vorstellungen/<int:pk>/", views.introduction_detail, name="introduction"),
    path("meine-anfragen/vorstellungen/<int:pk>/<slug:action>/", views.introduction_action, name="introduction-action"),
]
