"""Membership approval in the Wagtail admin, under "Kommunen → Mitglieder".

Editors tick "approved"; saving stamps the first approval and tells the person by e-mail."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.services import member_approval_stamp
from municipalities.models import MunicipalityMember
from municipalities.wagtail_hooks import REGISTER_MENU_HOOK


class MemberViewSet(SnippetViewSet):
    model = MunicipalityMember
    icon = "user"
    menu_label = _("Mitglieder")
    menu_hook = REGISTER_MENU_HOOK
    menu_order = 2  # after "Kommunen" in the register's menu
    list_display = ["user", "municipality", "role", "approved"]
    list_filter = ["approved", "role"]
    panels = [FieldPanel("user"), FieldPanel("municipality"), FieldPanel("role"), FieldPanel("approved")]


register_snippet(MemberViewSet)


@hooks.register("after_edit_snippet")
@hooks.register("after_create_snippet")
def announce_approval(request, instance):
    if isinstance(instance, MunicipalityMember):
        member_approval_stamp(instance)
