"""Tandem rounds: applications, the stable assignment when a round closes, confirmation by editors."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from matching.hospitation import DeliveryError, RefusedError
from matching.models import TandemApplication, TandemPair, TandemRole, TandemRound, TandemRoundStatus
from matching.tandem_matching import Applicant, match_round
from municipalities.models import MunicipalityMember
from solutions.models import Topic

MENTEE_MAX_YEARS = 2
MENTOR_MIN_YEARS = 5


def _years(since: dt.date, today: dt.date) -> float:
    return (today - since).days / 365.25


def tandem_round_open_now(today: dt.date | None = None) -> TandemRound | None:
    today = today or timezone.localdate()
    return TandemRound.objects.filter(
        status=TandemRoundStatus.OPEN, application_start__lte=today, application_end__gte=today
    ).first()


@transaction.atomic
def tandem_apply(
    *,
    member: MunicipalityMember | None,
    round: TandemRound,
    role: str,
    in_office_since: dt.date,
    topics: list[Topic],
    capacity: int = 1,
    max_distance_km: int | None = None,
    same_state_only: bool = False,
    partner_size_classes: list[str] | None = None,
    note: str = "",
) -> TandemApplication:
    if member is None or not member.approved:
        raise RefusedError("Nur bestätigte Mitglieder einer Kommune können sich bewerben.")
    today = timezone.localdate()
    if round.status != TandemRoundStatus.OPEN or not round.application_start <= today <= round.application_end:
        raise RefusedError("Für diese Runde ist die Bewerbung nicht (mehr) offen.")
    years = _years(in_office_since, today)
    if in_office_since > today:
        raise RefusedError("Das Datum „im Amt seit“ liegt in der Zukunft.")
    if role == TandemRole.MENTEE and years >= MENTEE_MAX_YEARS:
        raise RefusedError("Als Mentee bewerben sich Amtsinhaber:innen, die weniger als 2 Jahre im Amt sind.")
    if role == TandemRole.MENTOR and years < MENTOR_MIN_YEARS:
        raise RefusedError("Mentor:in kann werden, wer seit mindestens 5 Jahren im Amt ist.")
    if role == TandemRole.MENTOR and not 1 <= capacity <= 3:
        raise RefusedError("Mentor:innen begleiten 1 bis 3 Mentees.")
    if TandemApplication.objects.filter(round=round, user=member.user).exists():
        raise RefusedError("Sie haben sich für diese Runde schon beworben.")
    application = TandemApplication.objects.create(
        round=round,
        user=member.user,
        municipality=member.municipality,
        role=role,
        in_office_since=in_office_since,
        capacity=capacity if role == TandemRole.MENTOR else 1,
        max_distance_km=max_distance_km,
        same_state_only=same_state_only,
        partner_size_classes=",".join(partner_size_classes or []),
        note=note,
    )
    application.topics.set(topics)
    return application


def _applicant(application: TandemApplication) -> Applicant:
    m = application.municipality
    return Applicant(
        id=application.pk,
        role=application.role,
        ags=m.ags,
        name=m.name,
        state=m.state,
        size_class=m.size_class,
        population=m.population,
        density=m.density,
        lat=m.lat,
        lon=m.lon,
        topics=frozenset(t.slug for t in application.topics.all()),
        max_distance_km=application.max_distance_km,
        same_state_only=application.same_state_only,
        partner_size_classes=frozenset(filter(None, application.partner_size_classes.split(","))),
        capacity=application.capacity,
    )


@transaction.atomic
def tandem_round_close(round_id: int) -> TandemRound:
    """Closes the application period and computes the stable assignment (again, until confirmed)."""
    round = TandemRound.objects.select_for_update().get(pk=round_id)
    if round.status == TandemRoundStatus.CONFIRMED:
        raise RefusedError("Diese Runde ist schon bestätigt.")
    applications = list(round.applications.select_related("municipality").prefetch_related("topics"))
    mentees = [_applicant(a) for a in applications if a.role == TandemRole.MENTEE]
    mentors = [_applicant(a) for a in applications if a.role == TandemRole.MENTOR]
    result = match_round(mentees, mentors, dict(Topic.objects.values_list("slug", "name")))
    round.pairs.all().delete()
    TandemPair.objects.bulk_create(
        [
            TandemPair(round=round, mentee_id=p.mentee_id, mentor_id=p.mentor_id, score=p.score, reasons=p.reasons)
            for p in result.pairs
        ]
    )
    for application in applications:
        application.unmatched_reason = result.unmatched.get(application.pk, "")
    TandemApplication.objects.bulk_update(applications, ["unmatched_reason"])
    round.status = TandemRoundStatus.CLOSED
    round.closed_at = timezone.now()
    round.save(update_fields=["status", "closed_at"])
    return round


@transaction.atomic
def tandem_round_confirm(round_id: int) -> TandemRound:
    round = TandemRound.objects.select_for_update().get(pk=round_id)
    if round.status != TandemRoundStatus.CLOSED:
        raise RefusedError("Erst schließen und die Zuordnung prüfen, dann bestätigen.")
    round.status = TandemRoundStatus.CONFIRMED
    round.confirmed_at = timezone.now()
    round.save(update_fields=["status", "confirmed_at"])
    pairs = list(
        round.pairs.select_related("mentee__user", "mentee__municipality", "mentor__user", "mentor__municipality")
    )
    unmatched = list(round.applications.exclude(unmatched_reason="").select_related("user"))
    # Inside the transaction, like a hospitation request: if the mail server is down, the round stays
    # unconfirmed and the editors see why, instead of a confirmed round nobody was told about. A failure
    # midway means some get the news twice when the editors confirm again, which is the lesser harm.
    try:
        _announce(round, pairs, unmatched)
    except OSError as exc:
        raise DeliveryError(
            "Die Benachrichtigungen konnten nicht versandt werden (E-Mail-Versand gestört). Die Zuordnung ist "
            "nicht bestätigt; bitte später noch einmal bestätigen."
        ) from exc
    return round


def _announce(round: TandemRound, pairs: list[TandemPair], unmatched: list[TandemApplication]) -> None:
    for pair in pairs:
        why = "\n".join(f"– {reason}" for reason in pair.reasons)
        for me, partner in ((pair.mentee, pair.mentor), (pair.mentor, pair.mentee)):
            if me.user.email:
                send_mail(
                    f"Ihr Tandem in „{round.title}“: {partner.municipality.name}",
                    f"Guten Tag {me.user.get_full_name()},\n\nIhr Tandem-Partner ist "
                    f"{partner.user.get_full_name()} aus {partner.municipality.name}.\n\nWarum Sie zusammenpassen:\n"
                    f"{why}\n\nKontakt: {partner.user.email}\n\nIhr Baukasten guter Lösungen",
                    None,
                    [me.user.email],
                )
    for application in unmatched:
        if application.user.email:
            send_mail(
                f"Tandem-Runde „{round.title}“",
                f"Guten Tag {application.user.get_full_name()},\n\nin dieser Runde konnten wir Ihnen leider kein "
                f"Tandem zuordnen: {application.unmatched_reason}.\nIn der nächsten Runde sind Sie wieder dabei, "
                f"wenn Sie sich erneut bewerben.\n\nIhr Baukasten guter Lösungen",
                None,
                [application.user.email],
            )


def tandems_list(user) -> list[TandemPair]:
    """Confirmed tandems the user is part of (partner and contact visible)."""
    return list(
        TandemPair.objects.filter(round__status=TandemRoundStatus.CONFIRMED)
        .filter(Q(mentee__user=user) | Q(mentor__user=user))
        .select_related("round", "mentee__user", "mentee__municipality", "mentor__user", "mentor__municipality")
    )
