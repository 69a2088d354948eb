"""Pulled events: what happened on the platform since the last run that a member should hear about.

Run by ``send_digests`` before it builds the digests (idempotent: every event has a key, and one row per
person and key makes a second run a no-op):

* a **new case** (published since the last run) from a town like mine, in a topic I follow, or a new hit
  of one of my **saved searches**;
* a **tandem round** that is open for applications;
* a **host near me**: a town within HOST_RADIUS_KM that now receives visits for a published case.

Cheap for the nation because the work goes by event, not by member: a week brings a few dozen new cases
and hosts, and each is compared with all member towns at once (one similarity row, one distance row),
instead of computing every member's peers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from matching import scoring
from matching.models import TandemRound, TandemRoundStatus
from matching.peers import peers_features
from municipalities.geography import haversine_km_matrix
from notifications.models import NoticeKind, Notification, PullMark, SavedSearch, TopicFollow
from notifications.selectors import members_approved
from notifications.services import notifications_create
from search.service import search
from search.types import SearchQuery
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionPage, TaggedSolution

MARK = "pulled"
# „Towns like mine“: the case's town is among the PEER_REACH most similar towns (size class ±1) seen from
# the case's town. Similarity is symmetric, so this is the same pairs as „in my top PEER_REACH“ up to the
# ranks; computed once per case instead of once per member.
PEER_REACH = 50
HOST_RADIUS_KM = 50
FIRST_LOOKBACK = dt.timedelta(days=7)  # the very first run looks back one week
SEARCH_DEPTH = 50  # a saved search reports new cases among its first 50 hits (one page of the API)
ROUND_BODY = "Erfahrene und neue Bürgermeister:innen lernen voneinander; bewerben Sie sich als Mentee oder Mentor:in."


@dataclass
class Pulled:
    new_cases: int = 0
    notices: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    searches_run: int = 0


@dataclass(frozen=True)
class _Member:
    user_id: int
    ags: str
    town: str
    lat: float | None
    lon: float | None


def _members(ags: str | None) -> list[_Member]:
    rows = members_approved()
    if ags:
        rows = rows.filter(municipality__ags=ags)
    return [
        _Member(*row)
        for row in rows.values_list(
            "user_id", "municipality__ags", "municipality__name", "municipality__lat", "municipality__lon"
        ).order_by("user_id")
    ]


def _cases_since(since: dt.datetime) -> QuerySet[SolutionPage]:
    return SolutionPage.objects.live().public().filter(first_published_at__gt=since).order_by("first_published_at")


def _topics_of(case_ids: list[int]) -> tuple[dict[int, set[str]], dict[str, str]]:
    topics: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for page_id, slug, name in TaggedSolution.objects.filter(content_object_id__in=case_ids).values_list(
        "content_object_id", "tag__slug", "tag__name"
    ):
        topics[page_id].add(slug)
        names[slug] = name
    return topics, names


def _new_case_notices(cases: list[SolutionPage], members: list[_Member]) -> list[Notification]:
    """Members who follow a topic of a new case whose town is like theirs."""
    if not cases or not members:
        return []
    topics, names = _topics_of([c.pk for c in cases])
    member_ids = {m.user_id for m in members}
    followers: dict[str, set[int]] = defaultdict(set)
    wanted = set().union(*topics.values()) if topics else set()
    for user_id, slug in TopicFollow.objects.filter(topic__slug__in=wanted).values_list("user_id", "topic__slug"):
        if user_id in member_ids:
            followers[slug].add(user_id)
    town_of = {m.user_id: m for m in members}
    features = peers_features()
    rows = []
    for case in cases:
        lead = case.lead_municipality
        j = features.index.get(lead.ags) if lead is not None else None
        interested = set().union(*(followers[s] for s in topics.get(case.pk, ()))) if topics.get(case.pk) else set()
        if j is None or not interested:
            continue
        candidates = scoring.peer_candidates(features, j)
        scores = scoring.similarity_row(features, j, candidates)
        like = {features.ags[int(candidates[p])] for p in scoring.top_k(scores, candidates, PEER_REACH)}
        followed = sorted(names[s] for s in topics[case.pk])
        for user_id in sorted(interested):
            member = town_of[user_id]
            if member.ags not in like:
                continue
            topic = next(names[s] for s in sorted(topics[case.pk]) if user_id in followers[s])
            rows.append(
                Notification(
                    user_id=user_id,
                    kind=NoticeKind.NEW_CASE,
                    key=f"new_case:{case.pk}",
                    title=f"Neues Praxisbeispiel aus {lead.name}: {case.title}"[:300],
                    body=f"{lead.name} ist {member.town} ähnlich; Thema „{topic}“, dem Sie folgen"
                    + (f" (außerdem: {', '.join(t for t in followed if t != topic)})." if len(followed) > 1 else "."),
                    url=case.url or "",
                )
            )
    return rows


def _saved_search_notices(cases: list[SolutionPage], members: list[_Member], pulled: Pulled) -> list[Notification]:
    """Re-runs each distinct saved search once; new cases among its first SEARCH_DEPTH fitting hits are told
    to every member who saved it (and saved it before the case appeared)."""
    if not cases or not members:
        return []
    new = {c.pk: c for c in cases}
    member_ids = {m.user_id for m in members}
    groups: dict[tuple, list[SavedSearch]] = defaultdict(list)
    for saved in SavedSearch.objects.order_by("pk"):
        if saved.user_id in member_ids:
            filters = saved.filters or {}
            key = (
                saved.text,
                *(tuple(filters.get(f, ())) for f in ("topic", "size_class", "state", "status")),
                bool(filters.get("proven")),  # „bewährt“, stored as ["1"] like the other filters
            )
            groups[(*key, saved.near)].append(saved)
    rows = []
    for (text, topics, sizes, states, statuses, proven, near), saved_list in groups.items():
        query = SearchQuery(
            text=text,
            topics=topics,
            size_classes=sizes,
            states=states,
            statuses=statuses,
            proven=proven,
            near=near or None,
            page_size=SEARCH_DEPTH,
        )
        pulled.searches_run += 1
        hits = [h for h in search(query).hits if h.page_id in new and not h.weak]
        for hit in hits:
            case = new[hit.page_id]
            for saved in saved_list:
                if saved.created_at >= case.first_published_at:
                    continue
                label = f"„{saved.text}“" if saved.text else "ohne Suchwort"
                rows.append(
                    Notification(
                        user_id=saved.user_id,
                        kind=NoticeKind.NEW_CASE,
                        key=f"new_case:{case.pk}",
                        title=f"Neuer Treffer für Ihre gespeicherte Suche {label}: {case.title}"[:300],
                        body=f"Aus {hit.municipality['name']}." if hit.municipality else "",
                        url=case.url or "",
                    )
                )
    return rows


def _round_notices(members: list[_Member], today: dt.date) -> list[Notification]:
    rounds = TandemRound.objects.filter(
        status=TandemRoundStatus.OPEN, application_start__lte=today, application_end__gte=today
    )
    url = reverse("matching:tandem-apply")
    rows = []
    for r in rounds:
        # the worker runs hourly: members told already are skipped here, not by 20,000 ignored inserts
        told = set(Notification.objects.filter(key=f"tandem_round:{r.pk}").values_list("user_id", flat=True))
        rows += [
            Notification(
                user_id=m.user_id,
                kind=NoticeKind.TANDEM_ROUND,
                key=f"tandem_round:{r.pk}",
                title=f"Tandem-Runde „{r.title}“: Bewerbung bis {r.application_end:%d.%m.%Y}"[:300],
                body=ROUND_BODY,
                url=url,
            )
            for m in members
            if m.user_id not in told
        ]
    return rows


def hosts_now() -> set[str]:
    """Every (case, town) pair that receives visits for a published case, as "case id:AGS" (the rule of
    ``solutions.selectors.solution_hosts``, for all cases in two queries)."""
    cases = SolutionPage.objects.live().public()
    lead = cases.filter(lead_hosts_visits=True, lead_municipality__isnull=False).values_list(
        "pk", "lead_municipality__ags"
    )
    adopters = SolutionAdopter.objects.filter(
        hosts_visits=True, status__in=RUNNING_STATUSES, page__in=cases
    ).values_list("page_id", "municipality__ags")
    return {f"{pk}:{ags}" for pk, ags in (*lead, *adopters)}


def _hosts_before(mark: PullMark | None, now_hosts: set[str], since: dt.datetime) -> set[str]:
    if mark is not None:
        return set(mark.hosts)
    # First run: hosts of cases published before the look-back are not news.
    recent = set(_cases_since(since).values_list("pk", flat=True))
    return {pair for pair in now_hosts if int(pair.split(":")[0]) not in recent}


def _host_notices(new_pairs: set[str], members: list[_Member]) -> list[Notification]:
    if not new_pairs or not members:
        return []
    pairs = sorted(new_pairs)
    case_ids = {int(p.split(":")[0]) for p in pairs}
    cases = {c.pk: c for c in SolutionPage.objects.filter(pk__in=case_ids)}
    from municipalities.models import Municipality

    towns = {t.ags: t for t in Municipality.objects.filter(ags__in={p.split(":")[1] for p in pairs})}
    located = [m for m in members if m.lat is not None and m.lon is not None]
    if not located:
        return []
    lat = np.array([m.lat for m in located], dtype=float)
    lon = np.array([m.lon for m in located], dtype=float)
    rows = []
    for pair in pairs:
        case_id, ags = pair.split(":")
        host, case = towns.get(ags), cases.get(int(case_id))
        if host is None or case is None or host.lat is None or host.lon is None:
            continue
        distances = haversine_km_matrix(np.array([host.lat]), np.array([host.lon]), lat, lon)[0]
        for k in np.flatnonzero(distances <= HOST_RADIUS_KM):
            member = located[int(k)]
            if member.ags == ags:
                continue
            rows.append(
                Notification(
                    user_id=member.user_id,
                    kind=NoticeKind.HOST_NEARBY,
                    key=f"host_nearby:{ags}:{case.pk}",
                    title=f"{host.name} empfängt jetzt Hospitationen: {case.title}"[:300],
                    body=f"{round(float(distances[k]))} km von {member.town} entfernt. Ein Besuch lässt sich anfragen.",
                    url=case.url or "",
                )
            )
    return rows


def collect_pulled(*, ags: str | None = None, now: dt.datetime | None = None) -> Pulled:
    """Stores the notifications of every pulled event since the last run (for the members of one town
    with ``ags``; the run's mark then stays where it was, so the other towns still hear of the events)."""
    now = now or timezone.now()
    pulled = Pulled()
    mark = PullMark.objects.filter(name=MARK).first()
    since = mark.ran_at if mark is not None else now - FIRST_LOOKBACK
    members = _members(ags)
    cases = list(_cases_since(since).filter(first_published_at__lte=now).select_related("lead_municipality"))
    pulled.new_cases = len(cases)
    current_hosts = hosts_now()
    new_hosts = current_hosts - _hosts_before(mark, current_hosts, since)
    batches = (
        _new_case_notices(cases, members),
        _saved_search_notices(cases, members, pulled),
        _round_notices(members, timezone.localdate(now)),
        _host_notices(new_hosts, members),
    )
    with transaction.atomic():
        for rows in batches:
            for row in rows:
                pulled.notices[row.kind] += 1
            notifications_create(rows)
        if not ags:
            PullMark.objects.update_or_create(name=MARK, defaults={"ran_at": now, "hosts": sorted(current_hosts)})
    return pulled
