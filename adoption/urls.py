from django.urls import path

from adoption import views

app_name = "adoption"

urlpatterns = [
    # The case page links here with its page id: {% url 'adoption:declare' page.pk %}.
    path("vorhaben/neu/<int:page_id>/", views.declare, name="declare"),
    path("vorhaben/<int:pk>/", views.edit, name="edit"),
    path("vorhaben/stand/<str:token>/", views.status_link, name="status-link"),
]
