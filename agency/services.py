"""Writes of the Matching-Agentur: needs posted, changed, renewed, closed and moderated; introductions made
and answered.

Who sees what: a need is public while it is open and not expired. It is open at once when an approved
member posts it (the town vouches for it) and waits for the editors otherwise; editors can hide any need
(with a note). Contacts of an introduction are shared by ``matching.consent``, the rule hospitation uses."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from agency import matches
from agency.introductions import introduction_reasons_for, introduction_side, introductions_of_town
from agency.models import (
    DEFAULT_LIFETIME_DAYS,
    DEFAULT_RADIUS_KM,
    RADIUS_MAX_KM,
    RADIUS_MIN_KM,
    Introduction,
    IntroductionKind,
    IntroductionSide,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedSource,
    NeedState,
    TownAgencySetting,
)
from agency.selectors import needs_public
from municipalities.models import Municipality, MunicipalityMember
from municipalities.text import ascii_slug
from notifications.models import NoticeKind
from notifications.selectors import members_approved
from notifications.services import notify, notify_town
from solutions.models import Topic

logger = logging.getLogger(__name__)

RENEW_DAYS = DEFAULT_LIFETIME_DAYS  # „verlängern“ adds another six months
MAX_LIFETIME_DAYS = 366  # a need further out than a year is a wish list, not a need
MAX_INTRODUCTIONS_PER_KIND = 5  # per need: towns that solved it, and partners
REF_MAX_LENGTH = 80


class NeedRefused(Exception):
    """An action on a need or an introduction that is not possible (now); the message is shown as is."""


# --- needs ----------------------------------------------------------------------------------------------


def need_default_expiry(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)


def need_ref_for(municipality: Municipality, title: str) -> str:
    """A readable, unique key: town and title as a slug (``hemmingen-heizungssensoren``), numbered when taken."""
    base = ascii_slug(f"{municipality.name} {title}", REF_MAX_LENGTH - 4) or f"gesuch-{municipality.ags}"
    ref, number = base, 1
    while Need.objects.filter(ref=ref).exists():
        number += 1
        ref = f"{base}-{number}"
    return ref


def _require_member(member: MunicipalityMember | None) -> MunicipalityMember:
    if member is None or not member.user.is_active:
        raise NeedRefused("Nur Mitglieder einer Kommune können Gesuche einstellen und bearbeiten.")
    return member


def _check_expiry(expires: dt.date) -> None:
    today = timezone.localdate()
    if expires <= today:
        raise NeedRefused("Das Ablaufdatum muss in der Zukunft liegen.")
    if expires > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise NeedRefused("Ein Gesuch läuft höchstens ein Jahr; danach können Sie es verlängern.")


def _radius_for(kind: str, radius_km: int | None) -> int | None:
    if kind != NeedKind.PARTNER:
        return None  # only a partner search has a radius
    radius = radius_km or DEFAULT_RADIUS_KM
    if not RADIUS_MIN_KM <= radius <= RADIUS_MAX_KM:
        raise NeedRefused(f"Der Umkreis muss zwischen {RADIUS_MIN_KM} und {RADIUS_MAX_KM} km liegen.")
    return radius


def _introduce_quietly(need: Need) -> None:
    """Matching must never cost the member the need they just posted: a failure is logged, and
    ``needs_rematch`` tries again later (the need's matched_version stays behind)."""
    try:
        with transaction.atomic():
            need_introduce(need)
    except Exception:
        logger.exception("Vorstellungen für das Gesuch %s konnten nicht erstellt werden", need.ref)


@transaction.atomic
def need_create(
    member: MunicipalityMember | None,
    *,
    title: str,
    description: str,
    topics: Iterable[Topic],
    kind: str,
    radius_km: int | None = None,
    expires: dt.date | None = None,
) -> Need:
    """Posts a need for the member's own town. Open at once from an approved member, else pending."""
    member = _require_member(member)
    if kind not in NeedKind.values:
        raise NeedRefused("Bitte wählen Sie, was Sie suchen.")
    topics = list(topics)
    if not topics:
        raise NeedRefused("Bitte wählen Sie mindestens ein Thema.")
    expires = expires or need_default_expiry()
    _check_expiry(expires)
    approved = member.approved
    need = Need.objects.create(
        ref=need_ref_for(member.municipality, title),
        kind=kind,
        municipality=member.municipality,
        title=title.strip(),
        description=description.strip(),
        radius_km=_radius_for(kind, radius_km),
        expires=expires,
        state=NeedState.OPEN if approved else NeedState.PENDING,
        source=NeedSource.MEMBER,
        author=member.user,
        published_at=timezone.now() if approved else None,
    )
    need.topics.set(topics)
    if approved:
        _introduce_quietly(need)
    return need


def need_of_town(ref: str, member: MunicipalityMember | None) -> Need:
    """The need with this ref if it belongs to the member's town; another town's need looks missing."""
    if member is None:
        raise Need.DoesNotExist
    return Need.objects.select_related("municipality").get(ref=ref, municipality_id=member.municipality_id)


def _editable(ref: str, member: MunicipalityMember | None) -> Need:
    member = _require_member(member)
    need = Need.objects.select_for_update().get(
        pk=need_of_town(ref, member).pk
    )  # raises Need.DoesNotExist for a foreign need
    if need.state == NeedState.HIDDEN:
        raise NeedRefused("Die Redaktion hat dieses Gesuch verborgen; bitte wenden Sie sich an die Redaktion.")
    return need


@transaction.atomic
def need_update(
    ref: str,
    member: MunicipalityMember | None,
    *,
    title: str,
    description: str,
    topics: Iterable[Topic],
    kind: str,
    radius_km: int | None = None,
    expires: dt.date | None = None,
) -> Need:
    """Changes a need of the member's town. The ref stays (links and the API keep working)."""
    need = _editable(ref, member)
    if need.state == NeedState.CLOSED:
        raise NeedRefused("Dieses Gesuch ist geschlossen und kann nicht mehr geändert werden.")
    if kind not in NeedKind.values:
        raise NeedRefused("Bitte wählen Sie, was Sie suchen.")
    topics = list(topics)
    if not topics:
        raise NeedRefused("Bitte wählen Sie mindestens ein Thema.")
    if expires is not None and expires != need.expires:
        _check_expiry(expires)
        need.expires = expires
    need.title, need.description, need.kind = title.strip(), description.strip(), kind
    need.radius_km = _radius_for(kind, radius_km)
    need.save()
    need.topics.set(topics)
    if need.state == NeedState.OPEN:
        _introduce_quietly(need)
    return need


def _renew_limit(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=MAX_LIFETIME_DAYS)


def need_renewable(need: Need, today: dt.date | None = None) -> bool:
    """Whether „verlängern“ can succeed now: the need is neither closed nor hidden and not yet a year ahead.
    The page asks it before offering the button; ``need_renew`` refuses by the same rule."""
    if need.state in (NeedState.CLOSED, NeedState.HIDDEN):
        return False
    return need.expires < _renew_limit(today or timezone.localdate())


@transaction.atomic
def need_renew(ref: str, member: MunicipalityMember | None) -> Need:
    """Six more months from today (or from the current expiry, whichever is later), at most a year ahead."""
    need = _editable(ref, member)
    today = timezone.localdate()
    if not need_renewable(need, today):
        if need.state == NeedState.CLOSED:
            raise NeedRefused("Dieses Gesuch ist geschlossen. Stellen Sie bei Bedarf ein neues ein.")
        raise NeedRefused("Dieses Gesuch läuft schon ein Jahr; verlängern können Sie es später wieder.")
    renewed = max(need.expires, today) + dt.timedelta(days=RENEW_DAYS)
    limit = _renew_limit(today)
    need.expires = min(renewed, limit)
    need.save(update_fields=["expires", "updated_at"])
    return need


@transaction.atomic
def need_close(ref: str, member: MunicipalityMember | None) -> Need:
    """Closes a need (found what we looked for, or no longer needed). Open introductions stay answerable."""
    need = _editable(ref, member)
    if need.state == NeedState.CLOSED:
        raise NeedRefused("Dieses Gesuch ist bereits geschlossen.")
    need.state, need.closed_at = NeedState.CLOSED, timezone.now()
    need.save(update_fields=["state", "closed_at", "updated_at"])
    return need


@transaction.atomic
def need_approve(need_id: int, editor: User) -> Need:
    """Editors publish a pending need (posted before the member was approved) or show a hidden one again."""
    need = Need.objects.select_for_update().get(pk=need_id)
    if need.state not in (NeedState.PENDING, NeedState.HIDDEN):
        raise NeedRefused("Nur wartende oder verborgene Gesuche können freigegeben werden.")
    need.state, need.hidden_note = NeedState.OPEN, ""
    need.published_at = need.published_at or timezone.now()
    need.save(update_fields=["state", "hidden_note", "published_at", "updated_at"])
    logger.info("Gesuch %s freigegeben von %s", need.ref, editor.pk)
    _introduce_quietly(need)
    return need


@transaction.atomic
def need_hide(need_id: int, editor: User, note: str) -> Need:
    """Editors take a need off the site; the note (why) is shown to the town's members."""
    note = (note or "").strip()[:500]
    if not note:
        raise NeedRefused("Bitte geben Sie einen Grund an; die Kommune sieht ihn.")
    need = Need.objects.select_for_update().get(pk=need_id)
    if need.state == NeedState.HIDDEN:
        raise NeedRefused("Dieses Gesuch ist bereits verborgen.")
    need.state, need.hidden_note = NeedState.HIDDEN, note
    need.save(update_fields=["state", "hidden_note", "updated_at"])
    logger.info("Gesuch %s verborgen von %s", need.ref, editor.pk)
    return need


def need_is_public(need: Need, today: dt.date | None = None) -> bool:
    """``agency.selectors.needs_public`` for one need already loaded: open and not expired."""
    return need.state == NeedState.OPEN and need.expires >= (today or timezone.localdate())


# --- introductions --------------------------------------------------------------------------------------


def _answerable(municipality: Municipality) -> bool:
    """Someone can answer for the town: an approved, active member."""
    return members_approved().filter(municipality=municipality).exists()


def _introducible(municipality: Municipality) -> bool:
    """A town is introduced only if someone can answer and it has not switched introductions off."""
    if TownAgencySetting.objects.filter(municipality=municipality, introductions=False).exists():
        return False
    return _answerable(municipality)


def town_introductions_set(municipality: Municipality, *, on: bool, by: User | None) -> TownAgencySetting:
    """The member setting „Unsere Kommune darf von der Matching-Agentur vorgestellt werden“."""
    setting, _ = TownAgencySetting.objects.update_or_create(
        municipality=municipality, defaults={"introductions": on, "changed_by": by}
    )
    return setting


def town_introductions_on(municipality: Municipality) -> bool:
    setting = TownAgencySetting.objects.filter(municipality=municipality).first()
    return setting is None or setting.introductions


def introduction_url(introduction: Introduction) -> str:
    return reverse("agency:introduction", args=[introduction.pk])


def _tell_about(introduction: Introduction) -> None:
    need = introduction.need
    url = introduction_url(introduction)
    if introduction.kind == IntroductionKind.SOLVED:
        title = f"{need.municipality.name} sucht eine Kommune, die das gelöst hat: „{need.title}“"
        seeker_title = f"Vorgestellt: {introduction.municipality.name} hat „{need.title}“ gelöst"
    else:
        title = f"Gemeinsam angehen: {need.municipality.name} sucht dasselbe – „{need.title}“"
        # the need's title: a town with two partner searches must tell the introductions apart
        seeker_title = f"Vorgestellt: {introduction.municipality.name} sucht dasselbe wie Sie – „{need.title}“"
    notify_town(
        introduction.municipality,
        kind=NoticeKind.INTRODUCTION,
        key=f"introduction:{introduction.pk}",
        title=title,
        body="\n".join(introduction_reasons_for(introduction, IntroductionSide.HELPER)),
        url=url,
    )
    notify_town(
        need.municipality,
        kind=NoticeKind.NEED_MATCH,
        key=f"introduction:{introduction.pk}:seeker",
        title=seeker_title,
        body="\n".join(introduction_reasons_for(introduction, IntroductionSide.SEEKER)),
        url=url,
    )


def need_introduce(need: Need, found: matches.NeedMatches | None = None) -> list[Introduction]:
    """Introduces the need's matched towns and partners that were not introduced yet and tells them; safe to
    call again (existing introductions are kept). Returns the new introductions. ``found``: matches the
    caller already has (needs_rematch), so they are not computed twice."""
    if not need_is_public(need):
        return []
    if not _answerable(need.municipality):
        # An imported need of a town without members: nobody could agree on its side, so no town is asked
        # for it yet. Its version is not stamped, so the next needs_rematch tries again (cheap: matches are
        # cached) and introduces as soon as a member of the town is approved.
        return []
    if found is None:
        found = matches.need_matches(need)
    existing = dict(
        Introduction.objects.filter(need=need).values_list("municipality_id", "kind")
    )  # town → kind of its introduction
    # Two partner needs that were already introduced to each other (from the other need's side) are not
    # introduced again the other way round. Only that pair: the towns may still meet over other needs, and a
    # town that solved something is asked whatever partner searches it shares with the need's town.
    reverse_partners = set(
        Introduction.objects.filter(kind=IntroductionKind.PARTNER, other_need=need).values_list("need_id", flat=True)
    )
    candidates: list[tuple[str, Municipality, Need | None, list[str], list[str], float]] = []
    for town in found.towns:
        candidates.append(
            (IntroductionKind.SOLVED, town.municipality, None, [c.slug for c in town.cases], town.reasons, town.score)
        )
    for partner in found.partners:
        candidates.append(
            (
                IntroductionKind.PARTNER,
                partner.need.municipality,
                partner.need,
                [],
                partner.reasons,
                partner.score,
            )
        )
    made: list[Introduction] = []
    counts = {kind: sum(1 for k in existing.values() if k == kind) for kind in IntroductionKind.values}
    for kind, town, other_need, cases, reasons, score in candidates:
        if counts[kind] >= MAX_INTRODUCTIONS_PER_KIND:
            continue
        if town.pk == need.municipality_id or town.pk in existing:
            continue
        if other_need is not None and other_need.pk in reverse_partners:
            continue
        if not _introducible(town):
            continue
        try:
            with transaction.atomic():
                introduction = Introduction.objects.create(
                    need=need,
                    kind=kind,
                    municipality=town,
                    other_need=other_need,
                    cases=cases,
                    reasons=list(reasons),
                    score=score,
                )
        except IntegrityError:  # made in parallel by another run: that run tells the towns
            continue
        existing[town.pk] = kind
        counts[kind] += 1
        _tell_about(introduction)
        made.append(introduction)
    need.matched_version = matches.matches_version()
    need.matched_at = timezone.now()
    need.save(update_fields=["matched_version", "matched_at"])
    return made


def _matches_fingerprint(found: matches.NeedMatches) -> str:
    keys = sorted(
        [f"case:{c.slug}" for c in found.cases]
        + [f"town:{t.municipality.ags}" for t in found.towns]
        + [f"partner:{p.need.ref}" for p in found.partners]
        + [f"supplier:{s.slug}" for s in found.suppliers]
    )
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]


def needs_rematch() -> int:
    """Re-matches every open need whose matches were computed for an older state of cases and needs: new
    introductions are made, and the author hears of changed matches (NEED_MATCH; the notification key holds
    a fingerprint of the matches, so an unchanged result tells nobody twice). Returns the needs re-matched."""
    version = matches.matches_version()
    stale = needs_public().exclude(matched_version=version).select_related("municipality", "author")
    done = 0
    for need in stale:
        try:
            with transaction.atomic():
                found = matches.need_matches(need)
                need_introduce(need, found)
                if found.cases or found.towns or found.partners or found.suppliers:
                    _tell_author(need, found)
        except Exception:
            logger.exception("Gesuch %s konnte nicht neu abgeglichen werden", need.ref)
            continue
        done += 1
    return done


def _tell_author(need: Need, found: matches.NeedMatches) -> None:
    counts = (
        (len(found.cases), "%(n)s Praxisbeispiel", "%(n)s Praxisbeispiele"),
        (len(found.towns), "%(n)s Kommune, die es gelöst hat", "%(n)s Kommunen, die es gelöst haben"),
        (len(found.partners), "%(n)s möglicher Partner", "%(n)s mögliche Partner"),
        (len(found.suppliers), "%(n)s Anbieter", "%(n)s Anbieter"),
    )
    parts = [ngettext(one, many, n) % {"n": n} for n, one, many in counts if n]
    kwargs = {
        "kind": NoticeKind.NEED_MATCH,
        "key": f"need:{need.pk}:matches:{_matches_fingerprint(found)}",
        "title": f"Neue Treffer für Ihr Gesuch „{need.title}“",
        "body": "Gefunden: " + ", ".join(parts) + ".",
        "url": reverse("agency:need", args=[need.ref]),
    }
    author = need.author
    if author is not None and author.is_active and getattr(author, "membership", None) is not None:
        notify([author], **kwargs)
    else:  # imported needs, or the author left: the town's members hear of it
        notify_town(need.municipality, **kwargs)


# --- answers to an introduction --------------------------------------------------------------------------


ACTIONS = ("zustimmen", "ablehnen")


@transaction.atomic
def introduction_answer(pk: int, member: MunicipalityMember | None, action: str) -> Introduction:
    """One side agrees („Wir helfen gern“ / „Wir sind dabei“ / „Ja, Kontakt aufnehmen“) or declines, without
    a reason. Both agreed: contacts are shared (matching.consent). The other side is told either way.
    Raises Introduction.DoesNotExist when the introduction is not the member's town's."""
    if action not in ACTIONS:
        raise NeedRefused("Unbekannte Antwort.")
    municipality_id = member.municipality_id if member is not None else None
    introduction = (
        introductions_of_town(municipality_id).select_for_update(of=("self",)).get(pk=pk)
    )  # DoesNotExist for a foreign one
    if not member.approved or not member.user.is_active:
        raise NeedRefused("Antworten können nur bestätigte Mitglieder der Kommune.")
    side = introduction_side(introduction, municipality_id)
    if introduction.status == IntroductionStatus.DECLINED:
        raise NeedRefused("Diese Vorstellung wurde bereits abgelehnt.")
    if introduction.status == IntroductionStatus.AGREED:
        raise NeedRefused("Beide Seiten haben schon zugestimmt; die Kontaktdaten stehen unten.")
    now = timezone.now()
    if action == "ablehnen":
        introduction.status = IntroductionStatus.DECLINED
        introduction.declined_at, introduction.declined_side = now, side
    else:
        if side == IntroductionSide.SEEKER:
            if introduction.seeker_agreed_at is not None:
                raise NeedRefused("Sie haben bereits zugestimmt; jetzt ist die andere Kommune am Zug.")
            introduction.seeker_agreed_at, introduction.seeker_agreed_by = now, member.user
        else:
            if introduction.helper_agreed_at is not None:
                raise NeedRefused("Sie haben bereits zugestimmt; jetzt ist die andere Kommune am Zug.")
            introduction.helper_agreed_at, introduction.helper_agreed_by = now, member.user
        if introduction.seeker_agreed_at and introduction.helper_agreed_at:
            introduction.status = IntroductionStatus.AGREED
    introduction.save()
    _tell_other_side(introduction, side, action)
    return introduction


def _tell_other_side(introduction: Introduction, side: str, action: str) -> None:
    need = introduction.need
    if side == IntroductionSide.SEEKER:
        me, other = need.municipality, introduction.municipality
    else:
        me, other = introduction.municipality, need.municipality
    if action == "ablehnen":
        title = f"{me.name} hat die Vorstellung zu „{need.title}“ abgelehnt"
    elif introduction.status == IntroductionStatus.AGREED:
        title = f"{me.name} hat zugestimmt – die Kontaktdaten zu „{need.title}“ sind freigegeben"
    else:
        title = f"{me.name} hat der Vorstellung zu „{need.title}“ zugestimmt – bitte antworten Sie auch"
    notify_town(
        other,
        kind=NoticeKind.ANSWER,
        key=f"introduction:{introduction.pk}:{side}:{action}",
        title=title,
        url=introduction_url(introduction),
    )
