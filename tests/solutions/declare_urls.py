"""The site's URLs plus a stand-in for ``adoption:declare`` (built in the adoption app): the case page shows
„Wir setzen das auch um“ once that URL exists."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site_patterns

declare_patterns = (
    [path("vorhaben/<int:page_id>/", lambda request, page_id: HttpResponse(), name="declare")],
    "adoption",
)
urlpatterns = [path("", include(declare_patterns)), *site_patterns]
