from django.urls import path, re_path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.municipality_list, name="list"),
    re_path(r"^(?P<ags>\d{8})/$", views.municipality_detail, {"slug": ""}, name="detail-short"),
    re_path(r"^(?P<ags>\d{8})-(?P<slug>[-a-z0-9]+)/$", views.municipality_detail, name="detail"),
]
