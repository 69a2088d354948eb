from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SynonymGroup


class SynonymViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = _("Synonyme")
    add_to_admin_menu = True
    menu_order = 150
    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms"]


register_snippet(SynonymViewSet)
