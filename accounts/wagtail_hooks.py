"""Membership approval in the Wagtail admin, under "Kommunen → Mitglieder".

New registrations wait on the admin's start page („Anmeldungen warten auf Freigabe“); editors tick
"approved"; saving stamps the first approval and tells the person by e-mail."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.selectors import members_pending
from accounts.services import MEMBER_ADMIN, member_approval_stamp
from accounts.towns import town_label
from municipalities.models import MunicipalityMember
from municipalities.wagtail_hooks import REGISTER_MENU_HOOK

PENDING_SHOWN = 10


class MemberViewSet(SnippetViewSet):
    model = MunicipalityMember
    icon = "user"
    menu_label = _("Mitglieder")
    menu_hook = REGISTER_MENU_HOOK
    menu_order = 2  # after "Kommunen" in the register's menu
    # A yes/no column, not the generic one (that would print Python's „True“/„False“).
    list_display = ["user", "municipality", "role", BooleanColumn("approved", label=_("bestätigt"))]
    list_filter = ["approved", "role"]
    panels = [FieldPanel("user"), FieldPanel("municipality"), FieldPanel("role"), FieldPanel("approved")]


register_snippet(MemberViewSet)


@hooks.register("after_edit_snippet")
@hooks.register("after_create_snippet")
def announce_approval(request, instance):
    if isinstance(instance, MunicipalityMember):
        member_approval_stamp(instance)


class PendingMembersPanel(Component):
    """The registrations waiting for approval, on the admin's start page, each linked to its membership."""

    name = "pending_members"
    template_name = "accounts/admin/pending_members_panel.html"
    order = 50  # first: a person is waiting

    def get_context_data(self, parent_context=None):
        pending = members_pending()
        total = pending.count()
        members = [
            {"member": m, "town": town_label(m.municipality), "edit_url": reverse(f"{MEMBER_ADMIN}:edit", args=[m.pk])}
            for m in pending[:PENDING_SHOWN]
        ]
        heading = ngettext("%(n)s Anmeldung wartet auf Freigabe", "%(n)s Anmeldungen warten auf Freigabe", total) % {
            "n": total
        }
        return {
            "members": members,
            "total": total,
            "more": total > len(members),
            "heading": heading,
            "list_url": reverse(f"{MEMBER_ADMIN}:list") + "?approved=false",
        }


@hooks.register("construct_homepage_panels")
def add_pending_members_panel(request, panels):
    if request.user.has_perm("municipalities.change_municipalitymember"):
        panels.append(PendingMembersPanel())
