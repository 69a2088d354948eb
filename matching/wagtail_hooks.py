from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from matching import admin_views
from matching.models import HospitationRequest, TandemRound


class TandemRoundViewSet(SnippetViewSet):
    model = TandemRound
    icon = "group"
    menu_label = _("Tandem-Runden")
    list_display = [
        Column("title", label=_("Titel"), sort_key="title"),
        Column("application_start", label=_("Bewerbung ab"), sort_key="application_start"),
        Column("application_end", label=_("Bewerbung bis"), sort_key="application_end"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
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
    list_display = [
        Column("__str__", label=_("Anfrage")),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column("addressee", label=_("Empfänger"), accessor="get_addressee_display", sort_key="addressee"),
        Column("year", label=_("Jahr"), sort_key="year"),
        DateColumn("created_at", label=_("angefragt am"), sort_key="created_at"),
    ]
    list_filter = ["status", "addressee", "year"]
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


queue_urls = [
    path("", admin_views.hospitation_queue, name="list"),
    path("<int:pk>/", admin_views.hospitation_queue_action, name="action"),
]


@hooks.register("register_admin_urls")
def register_round_urls():
    return [
        path("tandem-runden/", include((admin_urls, "matching_admin"), namespace="matching_admin")),
        path("hospitationen-redaktion/", include((queue_urls, "matching_queue"), namespace="matching_queue")),
    ]


class QueueMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("matching.view_hospitationrequest")


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return QueueMenuItem(_("Zum Weiterleiten"), reverse("matching_queue:list"), icon_name="mail", order=161)
