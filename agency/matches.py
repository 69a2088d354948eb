"""What fits a need: cases, towns that have solved it, partners nearby and suppliers, each with German
reasons. Read-only; ``agency.services`` turns towns and partners into introductions.

How it ranks (the weights live in ``agency.need_ranking``, the pure part):

- **Cases**: the one search service (``search.service.search``, hybrid) on the need's title; only if that
  finds nothing fitting, on the title and the start of the description (a paragraph is slower and blurrier
  than the few words a town would type). A case matches only if the search finds it fitting (a weak match,
  ``hit.weak``, never is) **and** it shares at least one of the need's topics: the search's fit floor was
  calibrated on short queries, and a word-part („Straßen…“ in „Straßenbeleuchtung“) or a paragraph's
  general words („gemeinsam“, „Kommune“) make almost any case „fit“; the topics the town chose say what the
  need is about. From the description, where every case comes out near, a case must also score at least
  ``DESCRIBED_MIN_RELATIVE`` of the best topical hit. The search's ``near=`` boost for the need's town is
  applied to the matching hits only (``_near``). A case's fit is its score relative to the best hit, up to a
  fifth more for the share of the need's topics it carries; reasons: the shared topics („Thema „Straßen &
  Infrastruktur“ wie im Gesuch“) and the search's own („aus einer Kommune ähnlicher Größe“).
- **Towns that have solved it**: the lead towns and the adopters of those cases that run them (pilot, in
  operation or completed; a planned case has solved nothing yet), only of matching cases (so only of cases
  on the need's topics); the reasons name the case and the topic it shares („„X“ passt zum Thema „Energie &
  Klimaschutz“ des Gesuchs“). Score = town fit (its best case, +10 % per
  further matching case, at most three) × (0.3 + 0.7 · peer similarity to the need's town, from
  ``matching.peers``) × (0.5 + 0.5 · e^(−km/150)); a town without coordinates counts as half near.
- **Partners** (needs of kind „partner“ only, and only other needs of kind „partner“: both look for
  partners, and only a partner need has a radius): other towns' public needs sharing at least one topic, within
  the need's radius (default 25 km) and within the other need's radius when it set one. Score = share of
  the need's topics the other shares × (1 − 0.5 · distance / reach).
- **Suppliers**: first those named by the matching cases (by the case's fit), then
  ``matching.services.suppliers_list`` per topic of the need (references in towns like the need's town),
  merged by supplier.

What it ignores: the need's own town is never a town or a partner (its own cases may appear as cases);
cases that share only a topic but not the words (the search decides what fits), and cases that share the
words but none of the need's topics; towns that planned a
case; unpublished or restricted cases (the search and the peers register see published ones only);
closed, hidden, pending and expired needs (``agency.selectors.needs_public``); people (no person's name
or address is read). Whether a town wants to be introduced is decided when introductions are made
(``agency.services``), not here: the public page may still show that a town runs a case.

Results are cached per process and in Django's cache for (need, ``matches_version()``): the version
changes when the register or the published cases change (``matching.peers.peers_version``), when any need
or its topics change, and at midnight (needs expire by date); like the register, the needs' version is
asked at most every ``PEERS_VERSION_CHECK_SECONDS`` (10 s).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone

from agency import need_ranking
from agency.models import DEFAULT_RADIUS_KM, Need, NeedKind
from agency.selectors import TOPICS_PREFETCH, needs_public
from core.versioned_cache import VersionedCache
from matching.peers import peer_similarities, peers_version
from matching.services import suppliers_list
from municipalities.geography import distance_km
from municipalities.models import Municipality
from search import ranking
from search.near import asking_municipality, lead_profiles
from search.params import MAX_QUERY_LENGTH
from search.service import search
from search.types import Hit, SearchQuery
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionPage

CASE_LIMIT = 10
SEARCH_DEPTH = 20  # hits asked of the search; only the fitting ones are kept
TOWN_LIMIT = 10
PARTNER_LIMIT = 10
SUPPLIER_LIMIT = 6
SUPPLIERS_PER_TOPIC = 10
CASES_PER_TOWN_REASON = 2
# A town has solved it when it runs the case: not when it only plans it (nor gave it up).
RUNNING = RUNNING_STATUSES
# From a paragraph (title + description) the search finds nearly every case fitting; there a topical case must
# also come close to the best one. On the demo's „Eine Klimaschutzstelle mit Nachbarn teilen“ this keeps the
# shared-staff cases (1.0 and 0.82 of the best) and drops bus lines and a village app (0.45, 0.39).
DESCRIBED_MIN_RELATIVE = 0.5
# Part of matches_version(): raised when the rules change, so matches cached and introductions made under the
# old rules are recomputed.
RULES_VERSION = 2
CACHE_SIZE = 2000
SHARED_CACHE_SECONDS = 24 * 3600  # the key holds the version: an entry is never stale, only unused


@dataclass(frozen=True)
class CaseMatch:
    slug: str
    title: str
    url: str
    score: float
    reasons: list[str]
    topics: tuple[str, ...] = ()  # names of the need's topics the case shares


@dataclass(frozen=True)
class TownMatch:
    municipality: Municipality
    similarity: float  # peer similarity to the need's town, 0..1
    distance_km: float | None
    cases: list[CaseMatch]  # the matching cases it leads or has adopted
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class PartnerMatch:
    need: Need  # the other town's open need
    distance_km: float
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class SupplierFit:
    name: str
    slug: str
    references: list[str]  # case slugs
    reasons: list[str]
    score: float = 0.0


@dataclass(frozen=True)
class NeedMatches:
    cases: list[CaseMatch] = field(default_factory=list)
    towns: list[TownMatch] = field(default_factory=list)
    partners: list[PartnerMatch] = field(default_factory=list)
    suppliers: list[SupplierFit] = field(default_factory=list)


def _needs_version() -> tuple:
    """Any need posted, edited, moderated, closed or deleted, or its topics changed."""
    needs = Need.objects.aggregate(n=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"))
    links = Need.topics.through.objects.aggregate(n=Count("pk"), ids=Sum("pk"))
    return needs["n"], needs["ids"], needs["changed"], links["n"], links["ids"]


# Asked at most every PEERS_VERSION_CHECK_SECONDS, like the register (core.versioned_cache): a need posted a
# few seconds ago may be missing from other needs' partners for that long.
_needs_version_cache: VersionedCache[tuple] = VersionedCache(_needs_version, lambda version: version)


def matches_version() -> str:
    """Changes whenever a case or a need changes: introductions are re-made for needs matched earlier."""
    parts = (peers_version(), _needs_version_cache.get(), timezone.localdate(), RULES_VERSION)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


class _Cache:
    """The last CACHE_SIZE results, per process. The key holds the version, so a stale entry is never read;
    it is only pushed out by newer ones."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str], NeedMatches] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> NeedMatches | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[int, str], value: NeedMatches) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _Cache(CACHE_SIZE)


def need_matches_cache_clear() -> None:
    _cache.clear()
    _needs_version_cache.clear()


def need_matches_cache_key(need_pk: int, version: str) -> str:
    """The key of a need's matches in Django's cache."""
    return f"agency:need-matches:{need_pk}:{version}"


def need_matches(need: Need) -> NeedMatches:
    """Cases, towns, partners and suppliers for the need, best first, each with German reasons (see the
    module's docstring); cached per (need, matches_version()) in this process and in Django's cache, so
    that what the agency worker computed is read, not recomputed, by the web processes."""
    if not need.pk:
        return need_matches_uncached(need)
    version = matches_version()
    key = (need.pk, version)
    shared_key = need_matches_cache_key(need.pk, version)
    cached = _cache.get(key) or cache.get(shared_key)
    if cached is None:
        cached = need_matches_uncached(need)
        cache.set(shared_key, cached, SHARED_CACHE_SECONDS)
    _cache.put(key, cached)
    return cached


def need_matches_uncached(need: Need) -> NeedMatches:
    topics = {t.slug: t.name for t in need.topics.all()}
    found = _case_matches(need, topics)
    return NeedMatches(
        cases=[match for match, _ in found][:CASE_LIMIT],
        towns=_town_matches(need, found),
        partners=_partner_matches(need, topics) if need.kind == NeedKind.PARTNER else [],
        suppliers=_supplier_fits(need, topics, found),
    )


def _described(need: Need) -> str:
    """Title and the start of the description, cut at a word within the search's length limit."""
    text = f"{need.title.strip()}. {' '.join(need.description.split())}"
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    return text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]


def _topical_hits(text: str, wanted: set[str]) -> list[Hit]:
    """The search's fitting hits that share at least one of the need's topics."""
    result = search(SearchQuery(text=text, page_size=SEARCH_DEPTH))
    return [hit for hit in result.hits if not hit.weak and wanted.intersection(hit.topics)]


def _fitting_hits(need: Need, wanted: set[str]) -> list[Hit]:
    """The title first: it is what the town would type into the search, and a short query is both sharper
    and about three times faster on 50,000 cases than a paragraph. Only when the title finds nothing that
    fits is the description read too (a title like „Unser Anliegen“ says nothing); from it only the cases
    close to the best one count (DESCRIBED_MIN_RELATIVE)."""
    hits = _topical_hits(need.title.strip(), wanted)
    if not hits:
        hits = _topical_hits(_described(need), wanted)
        if hits:
            best = max(hit.score for hit in hits)
            hits = [hit for hit in hits if hit.score >= DESCRIBED_MIN_RELATIVE * best]
    return _near(need, hits) if hits else []


def _near(need: Need, hits: list[Hit]) -> list[Hit]:
    """The search's ``near=`` boost and reasons („aus einer Kommune ähnlicher Größe“), for the fitting hits
    only. Whether a case fits does not depend on ``near`` (it only reorders), and asking the search for it
    would weigh every candidate's lead town: about 45 ms more per need at 50,000 cases (bench/agency.py)."""
    asking = asking_municipality(need.municipality.ags)
    leads = lead_profiles({hit.municipality["ags"] for hit in hits if hit.municipality})
    for hit in hits:
        lead = leads.get(hit.municipality["ags"]) if hit.municipality else None
        boost, reasons = ranking.near_reasons(asking, lead)
        hit.score *= 1.0 + boost
        hit.reasons = [*hit.reasons, *reasons]
    return hits


def _case_matches(need: Need, topics: dict[str, str]) -> list[tuple[CaseMatch, int]]:
    """The fitting cases with their page ids, best first."""
    wanted = set(topics)
    hits = _fitting_hits(need, wanted)
    shares = [need_ranking.topic_share(wanted, hit.topics) for hit in hits]
    fits = need_ranking.case_fits([hit.score for hit in hits], shares)
    found = []
    for hit, fit in zip(hits, fits, strict=True):
        shared = tuple(name for slug, name in topics.items() if slug in hit.topics)  # never empty: _topical_hits
        reasons = [f"Thema „{name}“ wie im Gesuch" for name in shared]
        if hit.municipality and hit.municipality["ags"] == need.municipality.ags:
            reasons.append("aus der eigenen Kommune")
        reasons.extend(hit.reasons)
        match = CaseMatch(hit.slug, hit.title, hit.url, round(float(fit), 4), reasons, shared)
        found.append((match, hit.page_id))
    found.sort(key=lambda item: (-item[0].score, item[0].slug))
    return found


def _town_matches(need: Need, found: list[tuple[CaseMatch, int]]) -> list[TownMatch]:
    by_page = {page_id: match for match, page_id in found}
    # town id → [(case, "lead" | "adopter", year)]
    runs: dict[int, list[tuple[CaseMatch, str, int | None]]] = defaultdict(list)
    for page_id, town_id, year in SolutionPage.objects.filter(
        pk__in=by_page, lead_municipality__isnull=False, status__in=RUNNING
    ).values_list("pk", "lead_municipality_id", "year"):
        runs[town_id].append((by_page[page_id], "lead", year))
    for page_id, town_id, year in SolutionAdopter.objects.filter(page_id__in=by_page, status__in=RUNNING).values_list(
        "page_id", "municipality_id", "since_year"
    ):
        if all(case is not by_page[page_id] for case, _, _ in runs[town_id]):
            runs[town_id].append((by_page[page_id], "adopter", year))
    runs.pop(need.municipality_id, None)  # never the need's own town
    if not runs:
        return []
    towns = Municipality.objects.in_bulk(list(runs))
    ids = [pk for pk in runs if pk in towns]
    home = need.municipality
    similarities = peer_similarities(home.ags, [towns[pk].ags for pk in ids])
    distances = [distance_km(home, towns[pk]) for pk in ids]
    fits = [need_ranking.town_fit([case.score for case, _, _ in runs[pk]]) for pk in ids]
    sims = [similarities[towns[pk].ags] for pk in ids]
    scores = need_ranking.town_scores(fits, sims, distances)
    order = sorted(range(len(ids)), key=lambda k: (-scores[k], towns[ids[k]].ags))[:TOWN_LIMIT]
    matches = []
    for k in order:
        town = towns[ids[k]]
        cases = sorted(runs[ids[k]], key=lambda run: (-run[0].score, run[0].slug))
        reasons = [_run_reason(case, role, year) for case, role, year in cases[:CASES_PER_TOWN_REASON]]
        reasons.append(_fit_reason(cases[0][0]))
        reasons.extend(_town_reasons(home, town, distances[k]))
        matches.append(
            TownMatch(
                municipality=town,
                similarity=round(float(sims[k]), 4),
                distance_km=None if distances[k] is None else round(distances[k], 1),
                cases=[case for case, _, _ in cases],
                score=round(float(scores[k]), 4),
                reasons=reasons,
            )
        )
    return matches


def _run_reason(case: CaseMatch, role: str, year: int | None) -> str:
    if role == "lead":
        return f"führt „{case.title}“" + (f" seit {year}" if year else "")
    return f"hat „{case.title}“ übernommen" + (f" ({year})" if year else "")


def _fit_reason(case: CaseMatch) -> str:
    """Why the town's best case fits: the need's topics it shares („„X“ passt zum Thema „Energie &
    Klimaschutz“ des Gesuchs“)."""
    names = [f"„{name}“" for name in case.topics]
    if not names:
        return f"„{case.title}“ passt zum Gesuch"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]
    label = "zum Thema" if len(names) == 1 else "zu den Themen"
    return f"„{case.title}“ passt {label} {joined} des Gesuchs"


def _town_reasons(home: Municipality, town: Municipality, distance: float | None) -> list[str]:
    reasons = []
    if town.population and home.population and 0.5 <= town.population / home.population <= 2:
        reasons.append(f"ähnliche Größe: {need_ranking.format_count(town.population)} Einwohner")
    elif town.size_class == home.size_class:
        reasons.append(f"ebenfalls {town.get_size_class_display()}")
    if town.state == home.state:
        reasons.append(f"ebenfalls in {town.state_name}")
    if distance is not None:
        reasons.append(f"{need_ranking.format_km(distance)} entfernt")
    return reasons


def _partner_matches(need: Need, topics: dict[str, str]) -> list[PartnerMatch]:
    home = need.municipality
    if home.lat is None or home.lon is None or not topics:
        return []
    radius = need.radius_km or DEFAULT_RADIUS_KM
    lat_min, lat_max, lon_min, lon_max = need_ranking.bounding_box(home.lat, home.lon, radius)
    # Two short queries instead of one join: the towns in the box (a scan of the register), then their public
    # needs by the indexed town key; the planner's guess for the joined ranges was ten times slower.
    towns = list(
        Municipality.objects.filter(lat__range=(lat_min, lat_max), lon__range=(lon_min, lon_max))
        .exclude(pk=home.pk)
        .values_list("pk", flat=True)
    )
    if not towns:
        return []
    # The box holds few needs (about one in two hundred for 25 km): their topics are compared in Python.
    candidates = list(
        needs_public()
        .filter(municipality_id__in=towns, kind=NeedKind.PARTNER)
        .exclude(pk=need.pk)
        .select_related("municipality")
        .prefetch_related(TOPICS_PREFETCH)
    )
    if not candidates:
        return []
    wanted = set(topics)
    their_topics = [{t.slug for t in other.topics.all()} for other in candidates]
    shares = [need_ranking.topic_share(wanted, theirs) for theirs in their_topics]
    distances = [distance_km(home, other.municipality) for other in candidates]
    scores = need_ranking.partner_scores(
        shares,
        [float("nan") if d is None else d for d in distances],
        radius,
        [other.radius_km for other in candidates],
    )
    order = sorted(
        (k for k in range(len(candidates)) if scores[k] > 0),
        key=lambda k: (-scores[k], distances[k], candidates[k].ref),
    )[:PARTNER_LIMIT]
    matches = []
    for k in order:
        other = candidates[k]
        km = need_ranking.format_km(distances[k])
        reasons = [f"Gemeinsam angehen: {other.municipality.name} sucht dasselbe, {km} entfernt"]
        reasons.extend(f"gemeinsames Thema „{name}“" for slug, name in topics.items() if slug in their_topics[k])
        matches.append(PartnerMatch(other, round(distances[k], 1), round(float(scores[k]), 4), reasons))
    return matches


def _supplier_fits(need: Need, topics: dict[str, str], found: list[tuple[CaseMatch, int]]) -> list[SupplierFit]:
    # slug → {name, case_fit, score, references, reasons}
    merged: dict[str, dict] = {}

    def entry(slug: str, name: str) -> dict:
        return merged.setdefault(slug, {"name": name, "fit": 0.0, "score": 0.0, "references": [], "reasons": []})

    by_page = {page_id: match for match, page_id in found}
    links = SolutionPage.suppliers.through.objects.filter(solutionpage_id__in=by_page).order_by("pk")
    for page_id, slug, name in links.values_list("solutionpage_id", "supplier__slug", "supplier__name"):
        case = by_page[page_id]
        item = entry(slug, name)
        if case.slug not in item["references"]:
            item["references"].append(case.slug)
            if len(item["reasons"]) < CASES_PER_TOWN_REASON:
                item["reasons"].append(f"liefert „{case.title}“, das zum Gesuch passt")
        item["fit"] = max(item["fit"], case.score)
    for slug, topic_name in topics.items():
        for match in suppliers_list(need.municipality, topic=slug, limit=SUPPLIERS_PER_TOPIC):
            item = entry(match.supplier.slug, match.supplier.name)
            if item["score"] == 0.0:
                item["reasons"].extend(r for r in match.reasons if r not in item["reasons"])
            item["score"] = max(item["score"], match.score)
            item["references"].extend(r["slug"] for r in match.references if r["slug"] not in item["references"])
            reason = f"Referenzen zum Thema „{topic_name}“"
            if reason not in item["reasons"]:
                item["reasons"].append(reason)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1]["fit"], -kv[1]["score"], kv[1]["name"]))
    return [
        SupplierFit(
            name=item["name"],
            slug=slug,
            references=item["references"],
            reasons=item["reasons"],
            score=round(max(item["fit"], item["score"]), 4),
        )
        for slug, item in ranked[:SUPPLIER_LIMIT]
    ]
