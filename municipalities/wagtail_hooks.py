"""Admin views for the register. Municipalities come from the official import; editors only add
what the register lacks (number of Ortsteile). Registering them as snippets also gives every
municipality field in the page editor a searchable chooser instead of a 10,752-entry select.

The "Kommunen" admin menu is a group other apps may add items to through ``REGISTER_MENU_HOOK``
(accounts adds "Mitglieder", the membership approval), so the register imports none of them."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from municipalities.models import Municipality

REGISTER_MENU_HOOK = "register_municipalities_menu_item"


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


class RegisterGroup(SnippetViewSetGroup):
    items = (MunicipalityViewSet,)
    submenu_hook = REGISTER_MENU_HOOK
    menu_icon = "site"
    menu_label = _("Kommunen")
    menu_order = 140


register_snippet(RegisterGroup)
