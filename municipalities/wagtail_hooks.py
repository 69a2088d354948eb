"""Admin views for the register. Municipalities come from the official import; editors only add
what the register lacks (number of Ortsteile). Registering them as snippets also gives every
municipality field in the page editor a searchable chooser instead of a 10,752-entry select."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.registration import member_after_edit
from municipalities.models import Municipality, MunicipalityMember


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    icon = "site"
    menu_label = _("Kommunen")
    list_display = ["name", "ags", "district_name", "state", "population", "size_class"]
    list_filter = ["state", "size_class"]
    search_fields = ["name", "official_name", "ags", "name_search"]
    panels = [FieldPanel("ortsteile_count")]
    add_to_admin_menu = False
    inspect_view_enabled = True


class MemberViewSet(SnippetViewSet):
    model = MunicipalityMember
    icon = "user"
    menu_label = _("Mitglieder")
    list_display = ["user", "municipality", "role", "approved"]
    list_filter = ["approved", "role"]
    panels = [FieldPanel("user"), FieldPanel("municipality"), FieldPanel("role"), FieldPanel("approved")]


class RegisterGroup(SnippetViewSetGroup):
    items = (MunicipalityViewSet, MemberViewSet)
    menu_icon = "site"
    menu_label = _("Kommunen")
    menu_order = 140


register_snippet(RegisterGroup)


@hooks.register("after_edit_snippet")
@hooks.register("after_create_snippet")
def announce_approval(request, instance):
    if isinstance(instance, MunicipalityMember):
        member_after_edit(instance)
