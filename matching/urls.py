from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("hospitation/anfragen/", views.hospitation_new, name="hospitation-new"),
    path("hospitation/antwort/<str:token>/", views.hospitation_answer, name="answer"),
    path("meine-anfragen/", views.my_requests, name="requests"),
    path("tandem/bewerben/", views.tandem_apply, name="tandem-apply"),
    path("meine-anfragen/<int:pk>/", views.request_detail, name="request"),
    path("meine-anfragen/<int:pk>/<slug:action>/", views.request_action, name="request-action"),
]
