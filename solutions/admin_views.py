"""The editors' flat list of cases, filterable by topic, size class, status and Bundesland."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from municipalities.size_classes import SizeClass
from municipalities.states import State
from solutions.choices import SolutionStatus
from solutions.models import SolutionPage, Topic
from solutions.selectors import solutions_filter_size_classes


class SolutionFilterSet(PageFilterSet):
    topic = django_filters.ModelChoiceFilter(
        label=_("Thema"), queryset=Topic.objects.all(), field_name="tagged_topics__tag", distinct=True
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Größenklasse"), choices=SizeClass.choices, method="filter_size_class"
    )
    status = django_filters.ChoiceFilter(label=_("Stand"), choices=SolutionStatus.choices)
    state = django_filters.ChoiceFilter(
        label=_("Bundesland"), choices=State.choices, field_name="lead_municipality__state"
    )

    class Meta:
        model = SolutionPage
        fields = []

    def filter_size_class(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return solutions_filter_size_classes(queryset, [value]) if value else queryset


class SolutionListingViewSet(PageListingViewSet):
    model = SolutionPage
    icon = "doc-full-inverse"
    menu_label = _("Praxisbeispiele")
    menu_order = 110
    add_to_admin_menu = True
    filterset_class = SolutionFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("lead_municipality", label=_("Kommune")),
        Column("status", label=_("Stand"), accessor="get_status_display"),
        Column("last_confirmed", label=_("zuletzt bestätigt")),
    ]


solution_listing_viewset = SolutionListingViewSet("praxisbeispiele")
