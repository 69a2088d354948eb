from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import ModelMultipleChoiceField
from core.ratelimit import ratelimit
from solutions.choices import SolutionStatus
from solutions.models import FIRST_YEAR, SolutionPage, Supplier, Topic
from solutions.selectors import (
    solutions_for_topic,
    submissions_of_municipality,
    supplier_references,
)
from solutions.services import solution_submit
from solutions.slugs import slug_lookup


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = slug_lookup(Topic.objects.all(), slug)
    if topic is None:
        raise Http404
    page = Paginator(solutions_for_topic(topic), 20).get_page(request.GET.get("page"))
    return render(request, "solutions/topic_detail.html", {"topic": topic, "page": page})


def supplier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    supplier = slug_lookup(Supplier.objects.prefetch_related("topics"), slug)
    if supplier is None:
        raise Http404
    return render(
        request, "solutions/supplier_detail.html", {"supplier": supplier, "references": supplier_references(supplier)}
    )


class SubmissionForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"), max_length=200, help_text=_("Was wurde gelöst? z. B. „Straßenschäden per App erfassen“")
    )
    teaser = forms.CharField(label=_("Kurzbeschreibung"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}))
    topics = ModelMultipleChoiceField(  # hardened against ids beyond the integer range
        label=_("Themen"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    problem = forms.CharField(label=_("Ausgangslage / Problem"), widget=forms.Textarea(attrs={"rows": 5}))
    solution = forms.CharField(label=_("Lösung: was haben Sie getan?"), widget=forms.Textarea(attrs={"rows": 8}))
    results = forms.CharField(label=_("Ergebnisse"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lessons_learned = forms.CharField(
        label=_("Was lief schief, was würden Sie anders machen?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    costs_eur = forms.DecimalField(
        label=_("Kosten in Euro"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    year = forms.IntegerField(label=_("Seit welchem Jahr?"), required=False, min_value=FIRST_YEAR)
    status = forms.ChoiceField(label=_("Stand"), choices=SolutionStatus.choices, initial=SolutionStatus.IN_OPERATION)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("Das Jahr liegt in der Zukunft."))
        return year


def _member(request: HttpRequest):
    member = getattr(request.user, "membership", None)
    if member is None or not member.approved:
        raise PermissionDenied(_("Nur bestätigte Mitglieder einer Kommune können Praxisbeispiele einreichen."))
    return member


@login_required
@ratelimit("submission")
def submission_create(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page = solution_submit(member=member, **form.cleaned_data)
        messages.success(request, _("Danke! Ihr Praxisbeispiel ist bei der Redaktion zur Prüfung."))
        return redirect("solutions:submission", pk=page.pk)
    return render(request, "solutions/submission_form.html", {"form": form, "member": member})


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "solutions/submission_list.html",
        {"member": member, "submissions": submissions_of_municipality(member.municipality_id)},
    )


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted case as it stands in its latest revision; only for its own municipality."""
    member = _member(request)
    page = SolutionPage.objects.filter(pk=pk, lead_municipality_id=member.municipality_id).first()
    if page is None:
        raise Http404
    draft = page.get_latest_revision_as_object()
    return render(request, "solutions/submission_detail.html", {"member": member, "page": draft, "is_live": page.live})
