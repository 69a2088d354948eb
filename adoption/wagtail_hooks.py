"""The editors' view of stopped adoptions („Abbruchgründe“): a menu item, its page, and a dashboard panel when new
reasons have come in."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from adoption import admin_views
from adoption.selectors import NEW_STOPPED_DAYS, stopped_new

admin_urls = [path("", admin_views.stopped_list, name="stopped")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("abbruchgruende/", include((admin_urls, "adoption_admin"), namespace="adoption_admin"))]


class StoppedMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_review(request.user)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    # Right after the Matching-Agentur (165): both are about towns working with each other's solutions.
    return StoppedMenuItem(_("Abbruchgründe"), reverse("adoption_admin:stopped"), icon_name="warning", order=166)


class NewStoppedPanel(Component):
    """New reasons for stopping, so that „Was schiefging“ hears of them while they are fresh."""

    name = "new_stopped_adoptions"
    template_name = "adoption/admin/stopped_panel.html"
    order = 70

    def get_context_data(self, parent_context=None):
        rows = stopped_new()
        heading = ngettext(
            "%(n)s neuer Abbruchgrund (letzte %(days)s Tage)",
            "%(n)s neue Abbruchgründe (letzte %(days)s Tage)",
            len(rows),
        ) % {"n": len(rows), "days": NEW_STOPPED_DAYS}
        return {"rows": rows[:10], "heading": heading, "list_url": reverse("adoption_admin:stopped")}


@hooks.register("construct_homepage_panels")
def add_new_stopped_panel(request, panels):
    if admin_views.may_review(request.user):
        panels.append(NewStoppedPanel())
