"""The Matching-Agentur in the Wagtail admin: „Gesuche“ (filter by status and kind; approve or hide through
„Prüfen“) and the introductions, read-only."""

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from agency import admin_views
from agency.models import Introduction, Need, NeedState

PENDING_NEEDS_SHOWN = 10


class NeedViewSet(SnippetViewSet):
    model = Need
    icon = "help"
    menu_label = _("Gesuche")
    list_display = [
        Column("title", label=_("Titel"), sort_key="title"),
        Column("municipality", label=_("Kommune"), accessor=lambda n: n.municipality.name),
        Column("kind", label=_("Art"), accessor="get_kind_display", sort_key="kind"),
        Column("state", label=_("Status"), accessor="get_state_display", sort_key="state"),
        # A calendar date, not a moment: Wagtail's DateColumn would print it relative to now („Jetzt gerade“).
        Column("expires", label=_("läuft ab am"), accessor=lambda n: f"{n.expires:%d.%m.%Y}", sort_key="expires"),
        Column(
            "moderation",
            label=_("Prüfen"),
            accessor=lambda n: format_html(
                '<a href="{}">{}</a>', reverse("agency_moderation:need", args=[n.pk]), _("Freigeben oder verbergen")
            ),
        ),
    ]
    list_filter = ["state", "kind", "source"]
    search_fields = ["title", "description", "ref"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # Text corrections only: status changes go through „Prüfen“, so that approving introduces the need.
    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("topics"), FieldPanel("expires")]


class NeedPolicy(ModelPermissionPolicy):
    """Needs are posted by a town's members (``/gesuche/neu/``) or imported (``import_needs``), both through
    ``agency.services`` which sets the town, the author and the kind's rules. Editors moderate and correct
    text; they do not post on a town's behalf, so the admin offers no „hinzufügen“ (its form could not
    name a town and ended in a server error)."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Introductions are made and answered by the towns; the editors look, they do not change them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# Registered before the viewsets ask for a policy (Wagtail 9 wants it in the registry).
register_permission_policy(Need, NeedPolicy(Need))
register_permission_policy(Introduction, ReadOnlyPolicy(Introduction))


class IntroductionViewSet(SnippetViewSet):
    model = Introduction
    icon = "link"
    menu_label = _("Vorstellungen")
    list_display = [
        Column("need", label=_("Gesuch"), accessor=lambda i: str(i.need)),
        Column("municipality", label=_("vorgestellte Kommune"), accessor=lambda i: i.municipality.name),
        Column("kind", label=_("Art"), accessor="get_kind_display", sort_key="kind"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        DateColumn("created_at", label=_("vorgestellt am"), sort_key="created_at"),
    ]
    list_filter = ["status", "kind"]
    copy_view_enabled = False
    inspect_view_enabled = True


class AgencyGroup(SnippetViewSetGroup):
    items = (NeedViewSet, IntroductionViewSet)
    menu_icon = "help"
    menu_label = _("Matching-Agentur")
    menu_order = 165


register_snippet(AgencyGroup)


moderation_urls = [path("<int:pk>/", admin_views.need_moderation, name="need")]


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("gesuche-pruefen/", include((moderation_urls, "agency_moderation"), namespace="agency_moderation"))]


class PendingNeedsPanel(Component):
    """Needs waiting for approval (posted before the member was approved), on the admin's start page,
    next to the registrations waiting: approving the member alone does not publish them."""

    name = "pending_needs"
    template_name = "agency/admin/pending_needs_panel.html"
    order = 60  # after the registrations: approve the person first, then their needs

    def get_context_data(self, parent_context=None):
        pending = Need.objects.filter(state=NeedState.PENDING).select_related("municipality").order_by("created_at")
        total = pending.count()
        needs = [
            {"need": n, "url": reverse("agency_moderation:need", args=[n.pk])} for n in pending[:PENDING_NEEDS_SHOWN]
        ]
        heading = ngettext("%(n)s Gesuch wartet auf Freigabe", "%(n)s Gesuche warten auf Freigabe", total) % {
            "n": total
        }
        return {
            "needs": needs,
            "total": total,
            "more": total > len(needs),
            "heading": heading,
            "list_url": reverse("wagtailsnippets_agency_need:list") + f"?state={NeedState.PENDING}",
        }


@hooks.register("construct_homepage_panels")
def add_pending_needs_panel(request, panels):
    if request.user.has_perm("agency.change_need"):
        panels.append(PendingNeedsPanel())
