from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from solutions.admin_views import solution_listing_viewset
from solutions.models import Supplier, Topic


@hooks.register("register_admin_viewset")
def register_solution_listing():
    return solution_listing_viewset


class SupplierViewSet(SnippetViewSet):
    model = Supplier
    icon = "group"
    menu_label = _("Anbieter")
    add_to_admin_menu = True
    menu_order = 120
    list_display = ["name", "website"]
    search_fields = ["name", "description"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Themen")
    add_to_admin_menu = True
    menu_order = 130
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(SupplierViewSet)
register_snippet(TopicViewSet)
