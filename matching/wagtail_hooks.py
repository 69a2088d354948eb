from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from matching import admin_views
from matching.models import HospitationRequest, TandemRound


class TandemRoundViewSet(SnippetViewSet):
    model = TandemRound
    icon = "group"
    menu_label = _("Tandem-Runden")
    list_display = [
        "title",
        "application_start",
        "application_end",
        "status",
        Column(
            "assignment",
            label=_("Zuordnung"),
            accessor=lambda r: format_html(
                '<a href="{}">{}</a>', reverse("matching_admin:round", args=[r.pk]), _("Bewerbungen und Zuordnung")
            ),
        ),
    ]
    list_filter = ["status"]


class HospitationViewSet(SnippetViewSet):
    model = HospitationRequest
    icon = "date"
    menu_label = _("Hospitationen")
    list_display = ["__str__", "status", "year", "created_at"]
    list_filter = ["status", "year"]
    inspect_view_enabled = True


class MatchingGroup(SnippetViewSetGroup):
    items = (TandemRoundViewSet, HospitationViewSet)
    menu_icon = "group"
    menu_label = _("Matching")
    menu_order = 160


register_snippet(MatchingGroup)

admin_urls = [
    path("<int:pk>/", admin_views.round_assignment, name="round"),
    path("<int:pk>/schliessen/", admin_views.round_close, name="close"),
    path("<int:pk>/bestaetigen/", admin_views.round_confirm, name="confirm"),
]


@hooks.register("register_admin_urls")
def register_round_urls():
    return [path("tandem-runden/", include((admin_urls, "matching_admin"), namespace="matching_admin"))]
