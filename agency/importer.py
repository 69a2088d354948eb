"""Needs collected at regional workshops, as JSON Lines (PRODUCT.md → import_needs): one need per line with
``ref`` (key of the upsert), ``kind``, ``municipality_ags``, ``topics`` (slugs or names), ``title``,
``description`` and optionally ``radius_km`` and ``expires``. Unknown keys are ignored.

``needs_file_parse`` reads and checks every line and returns clean records plus every error with its line
number; nothing is written there. ``needs_import`` writes the records in one transaction and publishes them
at once (the operator who imports vouches for them). The line reader, the register lookup and the topic
vocabulary are those of the case import (solutions.importers.jsonl), so both imports speak alike."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from agency.models import DEFAULT_LIFETIME_DAYS, RADIUS_MAX_KM, RADIUS_MIN_KM, Need, NeedKind, NeedSource, NeedState
from municipalities.models import Municipality
from municipalities.text import SLUG_RE
from solutions.importers.jsonl import Line, _known_topic, _learn_topic, _MunicipalityLookup, json_error_message, quoted
from solutions.models import Topic

REF_MAX = Need._meta.get_field("ref").max_length
TITLE_MAX = Need._meta.get_field("title").max_length
DESCRIPTION_MAX = Need._meta.get_field("description").max_length
KINDS = ", ".join(f"„{kind}“" for kind in NeedKind.values[:-1]) + f" oder „{NeedKind.values[-1]}“"


class NeedsFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class NeedRecord:
    line: int
    ref: str
    kind: str
    municipality_ags: str
    topics: list[str]  # slugs
    title: str
    description: str
    radius_km: int | None
    expires: dt.date


@dataclass
class NeedsParse:
    records: list[NeedRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lines: int = 0


@dataclass
class NeedsImportSummary:
    created: int = 0
    updated: int = 0
    needs: list[Need] = field(default_factory=list)


def _read(path: Path) -> str:
    if not path.is_file():
        raise NeedsFileError(f"Die Datei „{path}“ gibt es nicht.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # a byte order mark (Excel, Notepad) is dropped
    except UnicodeDecodeError as exc:
        raise NeedsFileError(
            f"„{path.name}“ ist nicht UTF-8-kodiert (Byte {exc.start}); bitte als UTF-8 speichern."
        ) from exc


def needs_file_parse(path: Path) -> NeedsParse:
    """Every line checked; a line with an error becomes one message „Zeile N: …; …“ in ``errors``."""
    text = _read(path)
    topics: dict[str, str] = {}
    for slug, name in Topic.objects.values_list("slug", "name"):
        _learn_topic(topics, slug, name)
    municipalities = _MunicipalityLookup()
    today = timezone.localdate()
    result = NeedsParse()
    seen: dict[str, int] = {}
    for number, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue  # blank lines (often the last one) carry nothing
        result.lines += 1
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            result.errors.append(f"Zeile {number}: {json_error_message(exc)}")
            continue
        if not isinstance(data, dict):
            result.errors.append(f"Zeile {number}: erwartet wird ein JSON-Objekt {{…}}")
            continue
        line = Line(number, data, municipalities)
        record = _clean(line, topics, today)
        ref = data.get("ref")
        if isinstance(ref, str) and ref.strip() in seen:
            line.error(f"„ref“ = „{ref.strip()}“ kommt schon in Zeile {seen[ref.strip()]} vor")
            record = None
        elif isinstance(ref, str):
            seen[ref.strip()] = number
        if record is None:
            result.errors.append(f"Zeile {number}: " + "; ".join(line.errors))
        else:
            result.records.append(record)
    _refuse_refs_of_members(result)
    if not result.lines:
        result.errors.append(f"„{path.name}“ enthält kein Gesuch (nur leere Zeilen).")
    return result


def _clean(line: Line, topics: dict[str, str], today: dt.date) -> NeedRecord | None:
    data = line.data
    ref = line.text("ref", required=True, max_length=REF_MAX) or ""
    if ref and not SLUG_RE.match(ref):
        line.error(f"„ref“ = „{ref[:40]}“: nur Kleinbuchstaben, Ziffern und Bindestriche erlaubt")
    kind = data.get("kind")
    if kind is None:
        line.error("„kind“ fehlt")
    elif kind not in NeedKind.values:
        line.error(f"„kind“ muss {KINDS} sein, nicht {quoted(kind)}")
    ags = data.get("municipality_ags")
    if ags in (None, ""):
        line.error("„municipality_ags“ fehlt")
    else:
        ags = line.municipalities.resolve(line, ags=ags, name=None, state=None, label="„municipality_ags“")
    slugs = _clean_topics(line, topics)
    title = line.text("title", required=True, max_length=TITLE_MAX) or ""
    description = line.text("description", required=True, max_length=DESCRIPTION_MAX) or ""
    radius = line.number("radius_km", integer=True, minimum=RADIUS_MIN_KM, maximum=RADIUS_MAX_KM)
    expires = _clean_expires(line, today)
    if line.errors:
        return None
    return NeedRecord(line.line_no, ref, kind, ags, slugs, title, description, radius, expires)


def _clean_topics(line: Line, topics: dict[str, str]) -> list[str]:
    """Known topics only: a workshop's need files under the platform's topics, it does not add any."""
    given = line.data.get("topics")
    if given is None:
        line.error("„topics“ fehlt")
        return []
    if not isinstance(given, list) or not all(isinstance(t, str) and t.strip() for t in given):
        line.error("„topics“ muss eine Liste von Themen (Slug oder Name) sein")
        return []
    if not given:
        line.error("„topics“ ist leer: ein Gesuch braucht mindestens ein Thema")
    slugs: list[str] = []
    for topic in (t.strip() for t in given):
        slug = _known_topic(topics, topic)
        if slug is None:
            line.error(f"Thema „{topic[:60]}“ gibt es nicht")
        elif slug not in slugs:
            slugs.append(slug)
    return slugs


def _clean_expires(line: Line, today: dt.date) -> dt.date:
    raw = line.data.get("expires")
    if raw in (None, ""):
        return today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
    try:
        expires = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        expires = None
    if expires is None:
        line.error(f"„expires“ = {quoted(raw)} ist kein Datum (JJJJ-MM-TT)")
        return today
    if expires < today:
        line.error(f"„expires“ = {raw} liegt in der Vergangenheit")
    return expires


def _refuse_refs_of_members(result: NeedsParse) -> None:
    """A ref a member's need already holds is not the workshop's to overwrite."""
    taken = set(
        Need.objects.filter(ref__in=[r.ref for r in result.records])
        .exclude(source=NeedSource.IMPORT)
        .values_list("ref", flat=True)
    )
    for record in [r for r in result.records if r.ref in taken]:
        result.records.remove(record)
        result.errors.append(
            f"Zeile {record.line}: „ref“ = „{record.ref}“ gehört schon zu einem Gesuch, das ein Mitglied "
            "eingestellt hat; bitte eine andere Kennung wählen"
        )
    result.errors.sort(key=lambda error: int(error.split(":")[0].removeprefix("Zeile ")))


def needs_import(records: list[NeedRecord], *, on_record: Callable[[int], object] | None = None) -> NeedsImportSummary:
    """Writes all records in one transaction (all or none) and publishes them: state open, published now,
    source import. A need the editors hid stays hidden when its line is imported again."""
    summary = NeedsImportSummary()
    now = timezone.now()
    towns = dict(Municipality.objects.filter(ags__in={r.municipality_ags for r in records}).values_list("ags", "pk"))
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    with transaction.atomic():
        existing = Need.objects.select_for_update().in_bulk([r.ref for r in records], field_name="ref")
        for record in records:
            need = existing.get(record.ref) or Need(ref=record.ref, source=NeedSource.IMPORT)
            created = need.pk is None
            need.kind = record.kind
            need.municipality_id = towns[record.municipality_ags]
            need.title = record.title
            need.description = record.description
            need.radius_km = record.radius_km
            need.expires = record.expires
            if need.state != NeedState.HIDDEN:
                need.state = NeedState.OPEN
                need.closed_at = None
                need.published_at = need.published_at or now
            need.save()
            need.topics.set([topic_ids[slug] for slug in record.topics])
            summary.needs.append(need)
            if created:
                summary.created += 1
            else:
                summary.updated += 1
            if on_record is not None:
                on_record(1)
    return summary
