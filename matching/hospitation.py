"""The hospitation workflow: request → accept / decline / propose a date → visit → feedback.

Every function acts for one member of one municipality and refuses, with a German sentence, whatever
that member may not do. Capacity per host, case and year is enforced by one conditional UPDATE; the
daily quota of requests per account is checked here too, so every way of asking obeys it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import MailNotDelivered, mail_send
from matching.addressee import hospitation_addressee, host_member_emails
from matching.links import LINK_VALID_DAYS, hospitation_link_get, hospitation_link_issue
from matching.models import (
    HOSPITATION_OPEN_STATES,
    Addressee,
    Adoption,
    HospitationLink,
    HospitationRequest,
    HospitationStatus,
    HostQuota,
)
from municipalities.models import Municipality, MunicipalityMember
from solutions.choices import AdoptionStatus
from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import SolutionHost, solution_hosts
from solutions.services import AdopterNotSaved, solution_adopter_save

# Hospitation requests per account within 24 hours. A product rule, counted from the stored requests so
# that it holds across restarts and workers; core.ratelimit is the technical brake in front of it.
MAX_REQUESTS_PER_DAY = 10
logger = logging.getLogger(__name__)


class RefusedError(Exception):
    """An action the member may not take (now); the message is shown to them as is."""


class DailyQuotaError(RefusedError):
    """The account has reached MAX_REQUESTS_PER_DAY; asking again tomorrow will work."""


def _hosts(solution: SolutionPage) -> list[SolutionHost]:
    # solution_hosts reads the adopters with their towns: one query unless the caller prefetched them.
    prefetch_related_objects(
        [solution], Prefetch("adopters", queryset=SolutionAdopter.objects.select_related("municipality"))
    )
    return solution_hosts(solution)


def host_capacity(solution: SolutionPage, host: Municipality) -> int | None:
    """Visits per year the host offers for this case, or None if it does not host visits for it."""
    return next((h.visits_per_year for h in _hosts(solution) if h.municipality.pk == host.pk), None)


def host_accepted_this_year(solution: SolutionPage, host: Municipality, year: int) -> int:
    quota = HostQuota.objects.filter(host=host, solution=solution, year=year).values_list("accepted", flat=True)
    return quota.first() or 0


def _left(capacity: int, accepted: int) -> int:
    """Places a host still has for a case in a year: the one rule, for one host or many."""
    return max(0, capacity - accepted)


def _places_left(solution: SolutionPage, host: Municipality, capacity: int, year: int) -> int:
    return _left(capacity, host_accepted_this_year(solution, host, year))


def host_places_left_many(pairs: Iterable[tuple[SolutionPage, SolutionHost]], year: int) -> dict[tuple[int, int], int]:
    """Places left in the year for many (case, host) pairs at once, keyed by (host town id, case id):
    one HostQuota query however many hosts, for lists of hosts (API, profile)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    accepted = {
        (host_id, solution_id): n
        for host_id, solution_id, n in HostQuota.objects.filter(
            year=year, solution_id__in={case.pk for case, _ in pairs}
        ).values_list("host_id", "solution_id", "accepted")
    }
    return {
        (host.municipality.pk, case.pk): _left(host.visits_per_year, accepted.get((host.municipality.pk, case.pk), 0))
        for case, host in pairs
    }


def host_capacity_left(solution: SolutionPage, host: Municipality, year: int | None = None) -> int:
    capacity = host_capacity(solution, host)
    if capacity is None:
        return 0
    return _places_left(solution, host, capacity, year or timezone.localdate().year)


def hosts_with_capacity_left(solution: SolutionPage, year: int | None = None) -> list[Municipality]:
    """The towns that still receive visits for this case in the year, lead town first."""
    hosts = _hosts(solution)
    left = host_places_left_many([(solution, host) for host in hosts], year or timezone.localdate().year)
    return [host.municipality for host in hosts if left[host.municipality.pk, solution.pk] > 0]


class DeliveryError(RefusedError):
    """The e-mail to the addressee could not be sent; nothing was stored."""


DELIVERY_FAILED = (
    "Die E-Mail an %(who)s konnte gerade nicht versandt werden. Es wurde nichts gespeichert; "
    "bitte versuchen Sie es in einigen Minuten noch einmal."
)


def _url(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def _send(subject: str, template: str, context: dict, recipients: list[str] | tuple[str, ...], who: str) -> None:
    """Sends now, inside the caller's transaction: if the mail server refuses, DeliveryError rolls the
    whole write back. Chosen over an outbox because the project runs no background worker that would
    deliver one, and a stored request nobody hears of is exactly the failure to avoid. What remains is
    the rare mail sent for a write whose commit then fails; its link then shows „ungültig“."""
    if not recipients:
        return
    try:
        mail_send(subject, render_to_string(template, context), list(recipients))
    except MailNotDelivered as exc:
        raise DeliveryError(_(DELIVERY_FAILED) % {"who": who}) from exc


def _tell_visitor(request: HospitationRequest, subject: str, template: str) -> None:
    members = MunicipalityMember.objects.filter(municipality=request.visitor, approved=True, user__is_active=True)
    recipients = sorted(set(members.exclude(user__email="").values_list("user__email", flat=True)))
    context = {"request": request, "link": _url(reverse("matching:request", args=[request.pk]))}
    _send(subject, template, context, recipients, _("die anfragende Kommune"))


def _tell_addressee(request: HospitationRequest, subject: str) -> None:
    """Decides who answers (hospitation_addressee), records it on the request and e-mails them."""
    addressee = hospitation_addressee(request.solution, request.host)
    if request.addressee != addressee.kind:
        HospitationRequest.objects.filter(pk=request.pk).update(addressee=addressee.kind)
        request.addressee = addressee.kind
    context: dict = {"request": request}
    if addressee.kind == Addressee.MEMBERS:
        context["link"] = _url(reverse("matching:request", args=[request.pk]))
        template = "matching/email/request_created.txt"
    elif addressee.kind == Addressee.CONTACT:
        context["link"] = hospitation_link_issue(request, addressee.emails[0]).url
        context["valid_days"] = LINK_VALID_DAYS
        template = "matching/email/request_to_contact.txt"
    else:
        # Without any editor address the request still waits in the admin queue, which is delivery too.
        context["link"] = _url(reverse("matching_queue:list"))
        template = "matching/email/request_to_editors.txt"
    _send(subject, template, context, addressee.emails, addressee.label)


def hospitation_answerer(request: HospitationRequest) -> tuple[str, str]:
    """Name and e-mail of whoever accepted (shown to the visitor only after acceptance): the member or
    editor who decided, else the contact person or forwarded address whose link was used."""
    if request.decided_by is not None:
        user = request.decided_by
        return user.get_full_name() or user.username, user.email
    link = request.links.filter(used_at__isnull=False).order_by("-used_at").first()
    if request.addressee == Addressee.CONTACT and link is not None and link.email == request.solution.contact_email:
        return request.solution.contact_name, request.solution.contact_email
    return (request.host.name, link.email) if link is not None else (request.host.name, "")


def _require_member(member: MunicipalityMember | None) -> MunicipalityMember:
    if member is None or not member.approved:
        raise RefusedError("Nur bestätigte Mitglieder einer Kommune können Hospitationen anfragen oder beantworten.")
    return member


def hospitation_requests_today(user_id: int) -> int:
    """Requests the account sent within the last 24 hours (the window of MAX_REQUESTS_PER_DAY)."""
    since = timezone.now() - dt.timedelta(days=1)
    return HospitationRequest.objects.filter(requested_by_id=user_id, created_at__gte=since).count()


@transaction.atomic
def hospitation_request(
    *,
    member: MunicipalityMember | None,
    solution: SolutionPage,
    host: Municipality,
    message: str,
    period: str,
    people: int,
) -> HospitationRequest:
    """Stores the request and tells its addressee in one transaction: if the e-mail cannot be sent,
    DeliveryError leaves nothing behind."""
    member = _require_member(member)
    if hospitation_requests_today(member.user_id) >= MAX_REQUESTS_PER_DAY:
        raise DailyQuotaError(
            _("Sie haben heute schon %(n)s Anfragen gestellt; bitte morgen wieder.") % {"n": MAX_REQUESTS_PER_DAY}
        )
    if host.pk == member.municipality_id:
        raise RefusedError("Eine Kommune kann keine Hospitation bei sich selbst anfragen.")
    if not solution.live:
        raise RefusedError("Dieses Praxisbeispiel ist nicht veröffentlicht.")
    capacity = host_capacity(solution, host)
    if capacity is None:
        raise RefusedError(f"{host.name} empfängt zu diesem Praxisbeispiel keine Hospitationen.")
    year = timezone.localdate().year
    if _places_left(solution, host, capacity, year) <= 0:
        raise RefusedError(f"{host.name} hat für {year} keine freien Hospitationsplätze mehr zu diesem Praxisbeispiel.")
    duplicate = HospitationRequest.objects.filter(
        solution=solution, host=host, visitor=member.municipality, status__in=HOSPITATION_OPEN_STATES
    ).exists()
    if duplicate:
        raise RefusedError("Zu diesem Praxisbeispiel läuft schon eine offene Anfrage Ihrer Kommune bei dieser Kommune.")
    request = HospitationRequest.objects.create(
        solution=solution,
        visitor=member.municipality,
        host=host,
        requested_by=member.user,
        message=message,
        period=period,
        people=people,
        year=year,
        addressee=hospitation_addressee(solution, host).kind,
    )
    _tell_addressee(request, f"Hospitationsanfrage aus {request.visitor.name}")
    return request


def _locked(request_id: int) -> HospitationRequest | None:
    return (
        HospitationRequest.objects.select_for_update(of=("self",))
        .select_related("solution", "host", "visitor")
        .filter(pk=request_id)
        .first()
    )


def _locked_request(request_id: int, member: MunicipalityMember | None, side: str) -> HospitationRequest:
    """The request, row-locked, if the member's municipality is its ``side`` ("host" or "visitor")."""
    member = _require_member(member)
    request = _locked(request_id)
    if request is None or getattr(request, f"{side}_id") != member.municipality_id:
        raise RefusedError(
            "Diese Anfrage richtet sich nicht an Ihre Kommune."
            if side == "host"
            else "Diese Anfrage stammt nicht aus Ihrer Kommune."
        )
    return request


def _for_host(request_id: int, member: MunicipalityMember | None) -> HospitationRequest:
    return _locked_request(request_id, member, "host")


def _for_visitor(request_id: int, member: MunicipalityMember | None) -> HospitationRequest:
    return _locked_request(request_id, member, "visitor")


def _refuse_unless_open(request: HospitationRequest) -> None:
    if request.status == HospitationStatus.ACCEPTED:
        raise RefusedError("Diese Anfrage ist bereits angenommen.")
    if request.status == HospitationStatus.DECLINED:
        raise RefusedError("Diese Anfrage wurde bereits abgelehnt.")
    if request.status == HospitationStatus.CANCELLED:
        raise RefusedError("Diese Anfrage wurde von der anfragenden Kommune zurückgezogen.")


# The host's three answers, the same whoever gives them: a member, the contact person through a link
# or an editor. ``by`` is the account that answered, None for a link.


def _accept(request: HospitationRequest, by, note: str) -> HospitationRequest:
    _refuse_unless_open(request)
    capacity = host_capacity(request.solution, request.host) or 0
    HostQuota.objects.get_or_create(host=request.host, solution=request.solution, year=request.year)
    taken = HostQuota.objects.filter(
        host=request.host, solution=request.solution, year=request.year, accepted__lt=capacity
    ).update(accepted=F("accepted") + 1)
    if not taken:
        raise RefusedError(f"Das Kontingent für {request.year} ({capacity} Hospitationen) ist ausgeschöpft.")
    # conditional on the status we saw, so a parallel decision cannot be overwritten
    changed = HospitationRequest.objects.filter(pk=request.pk, status__in=HOSPITATION_OPEN_STATES).update(
        status=HospitationStatus.ACCEPTED, decided_by=by, decided_at=timezone.now(), host_note=note
    )
    if not changed:
        raise RefusedError("Diese Anfrage wurde inzwischen bearbeitet.")
    request.refresh_from_db()
    _tell_visitor(request, f"Hospitation in {request.host.name} angenommen", "matching/email/request_accepted.txt")
    return request


def _decline(request: HospitationRequest, by, note: str) -> HospitationRequest:
    _refuse_unless_open(request)
    HospitationRequest.objects.filter(pk=request.pk).update(
        status=HospitationStatus.DECLINED, decided_by=by, decided_at=timezone.now(), host_note=note
    )
    request.refresh_from_db()
    _tell_visitor(request, f"Hospitation in {request.host.name} abgelehnt", "matching/email/request_declined.txt")
    return request


def _propose(request: HospitationRequest, by, proposed: str, note: str) -> HospitationRequest:
    _refuse_unless_open(request)
    if not proposed.strip():
        raise RefusedError("Bitte einen Terminvorschlag angeben.")
    HospitationRequest.objects.filter(pk=request.pk).update(
        status=HospitationStatus.DATE_PROPOSED,
        proposed_date=proposed.strip()[:200],
        host_note=note,
        decided_by=by,
        decided_at=timezone.now(),
    )
    request.refresh_from_db()
    _tell_visitor(request, f"Terminvorschlag aus {request.host.name}", "matching/email/request_date_proposed.txt")
    return request


ANSWERS = ("annehmen", "ablehnen", "termin")


def _answer(request: HospitationRequest, by, action: str, note: str, proposed: str) -> HospitationRequest:
    if action == "annehmen":
        return _accept(request, by, note)
    if action == "ablehnen":
        return _decline(request, by, note)
    if action == "termin":
        return _propose(request, by, proposed, note)
    raise RefusedError("Unbekannte Antwort.")


@transaction.atomic
def hospitation_accept(request_id: int, member: MunicipalityMember | None, note: str = "") -> HospitationRequest:
    request = _for_host(request_id, member)
    return _accept(request, member.user, note)


@transaction.atomic
def hospitation_decline(request_id: int, member: MunicipalityMember | None, note: str = "") -> HospitationRequest:
    request = _for_host(request_id, member)
    return _decline(request, member.user, note)


@transaction.atomic
def hospitation_propose_date(
    request_id: int, member: MunicipalityMember | None, proposed: str, note: str = ""
) -> HospitationRequest:
    request = _for_host(request_id, member)
    return _propose(request, member.user, proposed, note)


@transaction.atomic
def hospitation_link_answer(token: str, action: str, note: str = "", proposed: str = "") -> HospitationRequest:
    """The answer of someone without an account, through their link. The link is used up with the
    answer, in the same transaction: if the answer is refused or its e-mail fails, the link still works."""
    link = hospitation_link_get(token, lock=True)
    request = _locked(link.request_id)
    answered = _answer(request, None, action, note, proposed)
    HospitationLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    return answered


def _for_editors(request_id: int, user) -> HospitationRequest:
    request = _locked(request_id)
    if request is None or request.addressee != Addressee.EDITORS:
        raise RefusedError("Diese Anfrage wartet nicht auf die Redaktion.")
    return request


@transaction.atomic
def hospitation_editor_answer(
    request_id: int, user, action: str, note: str = "", proposed: str = ""
) -> HospitationRequest:
    """An editor answers for a host that has no one else to answer (e.g. after a phone call)."""
    return _answer(_for_editors(request_id, user), user, action, note, proposed)


@transaction.atomic
def hospitation_editor_forward(request_id: int, user, email: str) -> HospitationRequest:
    """Sends the request with an answer link to an address the editors found (e.g. the town hall's)."""
    request = _for_editors(request_id, user)
    _refuse_unless_open(request)
    context = {
        "request": request,
        "link": hospitation_link_issue(request, email).url,
        "valid_days": LINK_VALID_DAYS,
        "forwarded": True,
    }
    _send(
        f"Hospitationsanfrage aus {request.visitor.name}",
        "matching/email/request_to_contact.txt",
        context,
        [email],
        email,
    )
    return request


@transaction.atomic
def hospitation_cancel(request_id: int, member: MunicipalityMember | None) -> HospitationRequest:
    request = _for_visitor(request_id, member)
    _refuse_unless_open(request)
    HospitationRequest.objects.filter(pk=request.pk).update(status=HospitationStatus.CANCELLED)
    request.refresh_from_db()
    return request


@transaction.atomic
def hospitation_agree_date(request_id: int, member: MunicipalityMember | None) -> HospitationRequest:
    """The visitor takes the host's proposed date; the request goes back to its addressee to accept
    (a contact person gets a new link: the first one was used for the proposal)."""
    request = _for_visitor(request_id, member)
    if request.status != HospitationStatus.DATE_PROPOSED:
        raise RefusedError("Es liegt kein Terminvorschlag vor.")
    HospitationRequest.objects.filter(pk=request.pk, status=HospitationStatus.DATE_PROPOSED).update(
        status=HospitationStatus.REQUESTED, period=request.proposed_date
    )
    request.refresh_from_db()
    _tell_addressee(request, f"Termin bestätigt: {request.visitor.name}")
    return request


@transaction.atomic
def hospitation_feedback(
    request_id: int, member: MunicipalityMember | None, *, helped: bool, adopted: str, feedback: str = ""
) -> HospitationRequest:
    request = _for_visitor(request_id, member)
    if request.status != HospitationStatus.ACCEPTED:
        raise RefusedError("Rückmeldung ist erst nach einer angenommenen Hospitation möglich.")
    if request.feedback_at is not None:
        raise RefusedError("Zu dieser Hospitation liegt schon eine Rückmeldung vor.")
    if adopted not in Adoption.values:
        raise RefusedError("Bitte angeben, ob Sie die Lösung übernommen haben.")
    HospitationRequest.objects.filter(pk=request.pk).update(
        helped=helped, adopted=adopted, feedback=feedback, feedback_at=timezone.now()
    )
    request.refresh_from_db()
    if adopted == Adoption.YES:
        solution_add_adopter(request.solution, request.visitor, timezone.localdate())
    recipients = host_member_emails(request.host)
    transaction.on_commit(lambda: _feedback_notice(request, recipients))
    return request


def _feedback_notice(request: HospitationRequest, recipients: list[str]) -> None:
    """Feedback is kept even if this thank-you notice cannot be sent: the host sees it in the request."""
    context = {"request": request, "link": _url(reverse("matching:request", args=[request.pk]))}
    try:
        _send(
            f"Rückmeldung zur Hospitation aus {request.visitor.name}",
            "matching/email/feedback.txt",
            context,
            recipients,
            request.host.name,
        )
    except DeliveryError:
        logger.warning("Rückmeldung zu Hospitation %s: Hinweis-E-Mail nicht versandt", request.pk)


def solution_add_adopter(solution: SolutionPage, municipality: Municipality, today: dt.date) -> None:
    """„übernommen: ja“ in a visit's feedback: the visitor's town joins the case's adopters (in operation since
    this year) unless it is there already or leads the case."""
    with contextlib.suppress(AdopterNotSaved):
        solution_adopter_save(
            solution.pk, municipality, only_if_new=True, since_year=today.year, status=AdoptionStatus.IN_OPERATION
        )
