"""Thin views of the bell, the settings, „Suche speichern“, „Thema folgen“ and the unsubscribe link."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.ratelimit import ratelimit
from municipalities.models import MunicipalityMember
from notifications.forms import SettingsForm
from notifications.links import UnsubscribeProblem, unsubscribe_check
from notifications.models import Notification
from notifications.selectors import (
    MAX_SAVED_SEARCHES,
    follows_topic_ids,
    member_approved_get,
    notifications_list,
    saved_searches_described,
    settings_get,
)
from notifications.services import (
    RefusedError,
    notifications_mark_read,
    saved_search_create,
    saved_search_delete,
    settings_update,
    topic_follow,
    topic_unfollow,
    unsubscribe_apply,
)
from search.params import ParamError, parse_search_params
from solutions.models import Topic

PER_PAGE = 20
NOT_A_MEMBER = (
    "Benachrichtigungen, gefolgte Themen und gespeicherte Suchen gibt es für bestätigte Mitglieder einer Kommune. "
    "Ihr Konto ist noch keiner Kommune zugeordnet oder noch nicht von der Redaktion bestätigt."
)


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/not_member.html", {"text": NOT_A_MEMBER}, status=403)


def _member(request: HttpRequest) -> MunicipalityMember | None:
    return member_approved_get(request.user)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if _member(request) is None:
        return _refused(request)
    page = Paginator(notifications_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    unread = sum(1 for n in page.object_list if n.read_at is None)
    return render(request, "notifications/list.html", {"page": page, "unread_on_page": unread})


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    if _member(request) is None:
        return _refused(request)
    count = notifications_mark_read(request.user)
    messages.success(
        request,
        "Alle Benachrichtigungen sind als gelesen markiert."
        if count
        else "Es gab keine ungelesenen Benachrichtigungen.",
    )
    return redirect("notifications:list")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks one notification read and goes to what it is about (only paths of this site)."""
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(request.user, [item.pk])
    url = item.url if item.url.startswith("/") and not item.url.startswith("//") else ""
    return HttpResponseRedirect(url or "/benachrichtigungen/")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    if _member(request) is None:
        return _refused(request)
    current = settings_get(request.user)
    initial = {
        "email_immediate": current.email_immediate,
        "email_digest": current.email_digest,
        "topics": sorted(follows_topic_ids(request.user)),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            settings_update(
                request.user,
                email_immediate=form.cleaned_data["email_immediate"],
                email_digest=form.cleaned_data["email_digest"],
                topics=form.cleaned_data["topics"],
            )
            messages.success(request, "Ihre Einstellungen sind gespeichert.")
            return redirect("notifications:settings")
        status = 400
    context = {"form": form, "saved": saved_searches_described(request.user), "max_saved": MAX_SAVED_SEARCHES}
    return render(request, "notifications/settings.html", context, status=status)


@login_required
@require_POST
def saved_search_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if _member(request) is None:
        return _refused(request)
    if saved_search_delete(request.user, pk):
        messages.success(request, "Die gespeicherte Suche ist gelöscht.")
    else:
        messages.info(request, "Diese gespeicherte Suche gibt es nicht (mehr).")
    return redirect("notifications:settings")


@login_required
@require_POST
@ratelimit("saved_search")
def saved_search_save(request: HttpRequest) -> HttpResponse:
    """„Suche speichern“ on /suche/: the words, filters and near= of the search, checked like the search."""
    member = _member(request)
    if member is None:
        return _refused(request)
    fields = {k: request.POST.getlist(k) for k in ("q", "topic", "size_class", "state", "status", "proven", "near")}
    try:
        query = parse_search_params(fields)
    except ParamError as exc:
        return render(
            request, "notifications/problem.html", {"title": "Suche nicht gespeichert", "text": exc.detail}, status=400
        )
    filters = {k: list(v) for k, v in query.filters().items() if v}
    try:
        saved, created = saved_search_create(request.user, text=query.text, filters=filters, near=query.near or "")
    except RefusedError as exc:
        messages.error(request, str(exc))
    else:
        label = f"„{saved.text}“" if saved.text else "ohne Suchwort"
        if created:
            messages.success(
                request, f"Ihre Suche {label} ist gespeichert. Neue Treffer erscheinen in Ihren Benachrichtigungen."
            )
        else:
            messages.info(request, f"Die Suche {label} hatten Sie schon gespeichert.")
    # back to the search (where the confirmation is shown beside the button)
    again = [(k, v) for k, values in fields.items() for v in values if v.strip()]
    return redirect(_back(request, "/suche/?" + urlencode(again)) + "#suche-speichern")


@login_required
@require_POST
def topic_follow_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    if _member(request) is None:
        return _refused(request)
    topic = get_object_or_404(Topic, slug=slug)
    if request.POST.get("follow") == "0":
        topic_unfollow(request.user, topic)
        messages.success(request, f"Sie folgen dem Thema „{topic.name}“ nicht mehr.")
    else:
        topic_follow(request.user, topic)
        messages.success(
            request,
            f"Sie folgen jetzt dem Thema „{topic.name}“. Neue Praxisbeispiele aus Kommunen wie Ihrer erscheinen in "
            "Ihren Benachrichtigungen.",
        )
    return redirect(_back(request, topic.get_absolute_url()))


PROBLEMS = {
    "invalid": ("Link ungültig", "Dieser Abmeldelink ist ungültig – vielleicht wurde er beim Kopieren verändert."),
    "expired": (
        "Link abgelaufen",
        "Dieser Abmeldelink ist abgelaufen. Abmelden können Sie sich mit dem Link der neuesten E-Mail "
        "oder in Ihren Einstellungen.",
    ),
    "used": (
        "Link schon verwendet",
        "Dieser Abmeldelink wurde schon verwendet, oder Ihre Einstellungen wurden seitdem geändert. "
        "Ihre aktuellen Einstellungen sehen Sie nach der Anmeldung unter „Benachrichtigungen“.",
    ),
}


@csrf_exempt  # the signed token is the proof; mail clients POST here without a session (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not unsubscribe anyone); POST switches every e-mail off."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        if request.method == "POST":
            with transaction.atomic():
                unsubscribe_apply(unsubscribe_check(token, lock=True))
            return render(request, "notifications/unsubscribed.html")
        unsubscribe_check(token)
    except UnsubscribeProblem as problem:
        title, text = PROBLEMS[problem.kind]
        return render(request, "notifications/problem.html", {"title": title, "text": text}, status=400)
    return render(request, "notifications/unsubscribe.html", {"token": token})
