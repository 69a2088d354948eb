from django.urls import path

from solutions import views

app_name = "solutions"

urlpatterns = [
    path("themen/<slug:slug>/", views.topic_detail, name="topic"),
    path("anbieter/<slug:slug>/", views.supplier_detail, name="supplier"),
    path("einreichen/", views.submission_create, name="submit"),
    path("meine-einreichungen/", views.submission_list, name="submissions"),
    path("meine-einreichungen/<int:pk>/", views.submission_detail, name="submission"),
]
