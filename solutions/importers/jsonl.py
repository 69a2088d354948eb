"""Validation of the JSON Lines case format (PRODUCT.md → Imports → import_solutions).

``parse_solutions_file`` reads every line and returns clean records plus every error with its line
number; nothing is written here. Keys a line leaves out mean "keep what is stored".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import ngettext

from municipalities.models import Municipality
from municipalities.size_classes import SizeClass
from municipalities.states import state_from_input
from municipalities.text import SLUG_RE, ascii_slug, fold
from solutions.choices import AdoptionStatus, SolutionStatus
from solutions.models import FIRST_YEAR, SolutionPage, Topic

# Lower-case letters of any alphabet and digits between single hyphens: what the admin stored before
# slugs were transliterated ("blühwiesen"); such a slug is read as its transliteration.
UNICODE_SLUG = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")
TEXT_FIELDS = (
    "summary",
    "problem",
    "solution",
    "results",
    "lessons_learned",
    "transferability",
    "staff_effort",
    "funding",
    "procurement",
    "costs_note",
    "hosting_note",
)
MAX_TITLE = 255


class SolutionsFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class SolutionRecord:
    line: int
    slug: str
    values: dict  # canonical values, only for keys present in the line
    new_topics: dict[str, str] = field(default_factory=dict)  # slug → name of topics to create


@dataclass
class ParseResult:
    records: list[SolutionRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lines: int = 0


def quoted(value: object) -> str:
    """A value from the file as a message quotes it: a text in German quotes („fertig“), anything else as
    JSON (42, true, [1, 2]); cut at 40 characters."""
    if isinstance(value, str):
        return f"„{value[:40]}“"
    return json.dumps(value, ensure_ascii=False)[:40]


class Line:
    """One line of the file while it is cleaned: its data, the errors found so far, and readers for
    text and numbers that report in the file's terms."""

    def __init__(self, line_no: int, data: dict, municipalities: _MunicipalityLookup) -> None:
        self.line_no = line_no
        self.data = data
        self.errors: list[str] = []
        self.municipalities = municipalities

    def error(self, message: str) -> None:
        self.errors.append(message)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.error(f"„{key}“ fehlt")
            return None if not required else ""
        value = self.data[key]
        if not isinstance(value, str):
            self.error(f"„{key}“ muss Text sein")
            return None
        value = value.strip()
        if required and not value:
            self.error(f"„{key}“ ist leer")
        if max_length and len(value) > max_length:
            self.error(f"„{key}“ ist länger als {max_length} Zeichen")
        return value

    def number(
        self,
        key: str,
        *,
        integer: bool = False,
        minimum: Decimal | int | None = None,
        maximum: int | None = None,
        label: str | None = None,
    ):
        value = self.data.get(key)
        label = label or key
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error(f"„{label}“ muss eine Zahl sein")
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.error(f"„{label}“ = {quoted(value)} ist keine Zahl")
            return None
        if not number.is_finite():
            self.error(f"„{label}“ = {quoted(value)} ist keine Zahl")
            return None
        if integer and number != number.to_integral_value():
            self.error(f"„{label}“ = {quoted(value)} ist keine ganze Zahl")
            return None
        if minimum is not None and number < minimum:
            self.error(
                f"„{label}“ = {value} darf nicht negativ sein"
                if minimum == 0
                else f"„{label}“ = {value} ist kleiner als {minimum}"
            )
            return None
        if maximum is not None and number > maximum:
            self.error(f"„{label}“ = {value} ist größer als {maximum}")
            return None
        return int(number) if integer else number


class _MunicipalityLookup:
    """Resolves AGS and name(+state) against the register with one query per file."""

    def __init__(self) -> None:
        self.by_ags: dict[str, Municipality] = {}
        self.by_name: dict[str, list[Municipality]] = {}
        for m in Municipality.objects.only("ags", "name", "official_name", "state", "district_name"):
            self.by_ags[m.ags] = m
            for name in {fold(m.name), fold(m.official_name)}:
                self.by_name.setdefault(name, []).append(m)

    def resolve(self, line: Line, *, ags: object, name: object, state: object, label: str) -> str | None:
        if ags not in (None, ""):
            if not isinstance(ags, str) or not re.match(r"^\d{8}$", ags):
                line.error(f"{label}: AGS {quoted(ags)} hat nicht genau 8 Ziffern")
                return None
            if ags not in self.by_ags:
                line.error(f"{label}: AGS {ags} gibt es im Gemeindeverzeichnis nicht")
                return None
            return ags
        if name in (None, ""):
            return None
        candidates = self.by_name.get(fold(str(name)), [])
        if state not in (None, ""):
            wanted = state_from_input(str(state))
            if wanted is None:
                line.error(f"{label}: Bundesland „{state}“ ist unbekannt")
                return None
            candidates = [m for m in candidates if m.state == wanted.value]
        if not candidates:
            where = f" in {state}" if state else ""
            line.error(f"{label}: Kommune „{name}“{where} gibt es im Gemeindeverzeichnis nicht")
            return None
        if len(candidates) > 1:
            options = ", ".join(f"{m.name} ({m.state_name}, AGS {m.ags})" for m in candidates)
            line.error(f"{label}: „{name}“ ist mehrdeutig – bitte „state“ oder die AGS angeben: {options}")
            return None
        return candidates[0].ags


def clean_line(line: Line, topic_names: dict[str, str]) -> SolutionRecord | None:
    """One line → a record, or ``None`` with every problem of the line in ``line.errors``, in the order
    of the fields. Keys the line leaves out are not cleaned: they mean "keep what is stored"."""
    data = line.data
    slug = clean_slug(line)
    values: dict = {"title": line.text("title", required=True, max_length=MAX_TITLE), **clean_texts(line)}
    if "steps" in data:
        values["steps"] = clean_steps(line)
    if "solution_blocks" in data:
        values["solution_blocks"] = clean_solution_blocks(line)
    if "status" in data:
        values["status"] = clean_status(line)
    if "year" in data:
        values["year"] = clean_year(line)
    if "costs_eur" in data:
        values["costs_eur"] = line.number("costs_eur", minimum=0)
    if "duration_months" in data:
        values["duration_months"] = line.number("duration_months", integer=True, minimum=0, maximum=600)
    if "municipality_ags" in data or "municipality_name" in data:
        values["municipality_ags"] = clean_municipality(line)
    if "hosts_visits" in data:
        values["hosts_visits"] = clean_hosts_visits(line)
    if "visits_per_year" in data:
        values["visits_per_year"] = line.number("visits_per_year", integer=True, minimum=0, maximum=365)
    new_topics: dict[str, str] = {}
    if "topics" in data:
        values["topics"], new_topics = clean_topics(line, topic_names)
    if "supplier" in data or "suppliers" in data:
        values["suppliers"] = clean_suppliers(line, topic_names)
    if "outcomes" in data:
        values["outcomes"] = clean_outcomes(line)
    if "contact" in data:
        values["contact"] = clean_contact(line)
    if "adopters" in data:
        values["adopters"] = clean_adopters(line)
    if "suitable_for" in data:
        values["suitable_for"] = clean_suitable_for(line)
    if "last_confirmed" in data:
        values["last_confirmed"] = clean_last_confirmed(line)
    if line.errors:
        return None
    return SolutionRecord(line=line.line_no, slug=str(slug), values=values, new_topics=new_topics)


# The cleaners below read one field (or a pair of fields) of ``line.data``, report what is wrong with
# ``line.error`` and return the canonical value; when they report an error the line is dropped, so what
# they return then does not matter.


def clean_slug(line: Line) -> str | None:
    slug = line.text("slug", required=True)
    if slug and not SLUG_RE.match(slug):
        if slug == slug.lower() and UNICODE_SLUG.match(slug) and ascii_slug(slug):
            return ascii_slug(slug)  # an export from before the transliteration: "blühwiesen" → "bluehwiesen"
        line.error(f"„slug“ = „{slug}“: nur Kleinbuchstaben, Ziffern und Bindestriche erlaubt")
    return slug


def clean_texts(line: Line) -> dict[str, str]:
    """The plain text fields the line carries; "summary" is required."""
    texts = {key: line.text(key) or "" for key in TEXT_FIELDS if key in line.data}
    if "summary" not in line.data:
        line.error("„summary“ fehlt")
    return texts


def clean_steps(line: Line) -> list[str] | None:
    steps = line.data["steps"]
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        line.error("„steps“ muss eine Liste von Texten sein")
        return None
    return [s.strip() for s in steps if s.strip()]


def clean_solution_blocks(line: Line) -> list | None:
    """Raw StreamField blocks (as the export writes them when the text alone would lose content)."""
    blocks = line.data["solution_blocks"]
    if not isinstance(blocks, list):
        line.error("„solution_blocks“ muss eine Liste sein")
        return None
    return blocks


def clean_status(line: Line) -> str:
    status = line.data["status"]
    if status not in SolutionStatus.values:
        line.error(f"„status“ = {quoted(status)} ist unbekannt; erlaubt: {', '.join(SolutionStatus.values)}")
    return status


def clean_year(line: Line) -> int | None:
    year = line.number("year", integer=True, minimum=FIRST_YEAR, label="year")
    if year is not None and year > timezone.localdate().year:
        line.error(f"„year“ = {year} liegt in der Zukunft")
    return year


def clean_municipality(line: Line) -> str | None:
    """The lead municipality's AGS, given as AGS or as name (with "state" where the name is ambiguous)."""
    data = line.data
    return line.municipalities.resolve(
        line,
        ags=data.get("municipality_ags"),
        name=data.get("municipality_name"),
        state=data.get("state"),
        label="Kommune",
    )


def clean_hosts_visits(line: Line) -> bool:
    if not isinstance(line.data["hosts_visits"], bool):
        line.error("„hosts_visits“ muss true oder false sein")
    return bool(line.data["hosts_visits"])


def clean_topics(line: Line, topic_names: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Topic slugs (sorted, at least one: the import publishes) and the topics that do not exist yet
    (slug → name). Topics are given by slug or name; the optional "topic_names" {slug: name}, which the
    export writes, names the new ones. ``topic_names`` maps slugs and folded names to the slug and
    learns the new ones, so later lines reuse them."""
    topics = line.data["topics"]
    names = line.data.get("topic_names") or {}
    if not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
        line.error("„topics“ muss eine Liste von Themen (Slug oder Name) sein")
        return [], {}
    if not isinstance(names, dict) or not all(isinstance(n, str) and n.strip() for n in names.values()):
        line.error("„topic_names“ muss ein Objekt {Slug: Name} sein")
        return [], {}
    if not topics:
        line.error("„topics“ ist leer: ein Praxisbeispiel braucht mindestens ein Thema")
    slugs: list[str] = []
    new_topics: dict[str, str] = {}
    max_name = Topic._meta.get_field("name").max_length
    for topic in (t.strip() for t in topics):
        name = names.get(topic, topic).strip()
        slug = _known_topic(topic_names, topic) or _known_topic(topic_names, name)
        if slug is None:
            # Nothing left of an emoji-only name („🌳“): "thema", "thema-2" … as the admin's Topic.save does.
            slug = (
                ascii_slug(name, Topic._meta.get_field("slug").max_length)
                or ascii_slug(topic)
                or _free_slug(topic_names, "thema")
            )
            if len(name) > max_name:
                line.error(f"Thema „{name[:40]}…“ ist länger als {max_name} Zeichen")
                continue
            new_topics[slug] = name
            _learn_topic(topic_names, slug, name)
        if slug not in slugs:
            slugs.append(slug)
    return sorted(slugs), new_topics


def _known_topic(topic_names: dict[str, str], topic: str) -> str | None:
    """The slug of an existing (or earlier created) topic given by slug, name or transliterated slug.
    Empty keys never match: „🌳“ and „🚲“ fold to "" and are different topics."""
    return next(
        (topic_names[key] for key in (topic, fold(topic), ascii_slug(topic)) if key and key in topic_names), None
    )


def _learn_topic(topic_names: dict[str, str], slug: str, name: str) -> None:
    for key in (slug, name, fold(name)):
        if key:
            topic_names[key] = slug


def _free_slug(topic_names: dict[str, str], base: str) -> str:
    slug, n = base, 2
    while slug in topic_names:
        slug, n = f"{base}-{n}", n + 1
    return slug


def clean_suppliers(line: Line, topic_names: dict[str, str]) -> list[dict]:
    """One "supplier" object or a list "suppliers", as a list sorted by name. Besides name and website
    the export writes slug, description and topics (slugs or names of known topics); each is optional."""
    data = line.data
    raw = data.get("suppliers") if "suppliers" in data else data.get("supplier")
    items = [] if raw is None else raw if isinstance(raw, list) else [raw]
    suppliers = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            line.error('„supplier“ braucht einen Namen: {"name": …, "website": …}')
            continue
        website = item.get("website") or ""
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                line.error(f"„supplier.website“ = {quoted(website)} ist keine gültige Adresse")
        cleaned = {"name": item["name"].strip(), "website": website}
        if "slug" in item:
            slug = item["slug"] or ""
            if not isinstance(slug, str) or (slug and not SLUG_RE.match(slug)):
                line.error(f"„supplier.slug“ = {quoted(slug)} ist kein gültiger Slug (nur a–z, 0–9 und Bindestriche)")
            cleaned["slug"] = slug if isinstance(slug, str) else ""
        if "description" in item:
            description = item["description"] or ""
            if not isinstance(description, str):
                line.error("„supplier.description“ muss ein Text sein")
                description = ""
            cleaned["description"] = description
        if "topics" in item:
            given = item["topics"] or []
            if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
                line.error("„supplier.topics“ muss eine Liste von Themen (Slug oder Name) sein")
                given = []
            slugs = []
            for topic in given:
                slug = _known_topic(topic_names, topic.strip())
                if slug is None:
                    line.error(f"„supplier.topics“: Thema „{topic}“ gibt es nicht")
                else:
                    slugs.append(slug)
            cleaned["topics"] = sorted(set(slugs))
        suppliers.append(cleaned)
    return sorted(suppliers, key=lambda s: s["name"])


def clean_outcomes(line: Line, key: str = "outcomes", label: str = "outcomes") -> list[dict]:
    """Measured results [{metric, value, unit, baseline}] of a case, or (``key``/``label`` of an adopter) of
    one town's run; the same format in both places."""
    raw_outcomes = line.data[key] or []
    if not isinstance(raw_outcomes, list):
        line.error(f"„{label}“ muss eine Liste sein")
        return []
    outcomes = []
    for i, item in enumerate(raw_outcomes, start=1):
        if not isinstance(item, dict) or not str(item.get("metric") or "").strip():
            line.error(f"{label}[{i}]: „metric“ fehlt")
            continue
        sub = Line(line.line_no, item, line.municipalities)
        value = sub.number("value", label=f"{label}[{i}].value")
        baseline = sub.number("baseline", label=f"{label}[{i}].baseline")
        if "value" not in item or item["value"] is None:
            sub.error(f"{label}[{i}]: „value“ fehlt")
        line.errors.extend(sub.errors)
        outcomes.append(
            {
                "metric": str(item["metric"]).strip(),
                "value": value,
                "unit": str(item.get("unit") or "").strip(),
                "baseline": baseline,
            }
        )
    return outcomes


def clean_contact(line: Line) -> dict | None:
    """The contact person; ``null`` removes the stored one. Publishing needs "consent": true."""
    contact = line.data["contact"]
    if contact is None:
        return None
    if not isinstance(contact, dict):
        line.error("„contact“ muss ein Objekt {name, role, email} sein")
        return None
    email = contact.get("email") or ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            line.error(f"„contact.email“ = {quoted(email)} ist keine gültige E-Mail-Adresse")
    return {
        "name": str(contact.get("name") or "").strip(),
        "role": str(contact.get("role") or "").strip(),
        "email": email,
        "phone": str(contact.get("phone") or "").strip(),
        "consent": bool(contact.get("consent", False)),
    }


def clean_adopters(line: Line) -> list[dict]:
    """Municipalities that took the solution over, each at most once."""
    raw_adopters = line.data["adopters"] or []
    if not isinstance(raw_adopters, list):
        line.error("„adopters“ muss eine Liste sein")
        return []
    adopters = []
    seen: set[str] = set()
    for i, item in enumerate(raw_adopters, start=1):
        if not isinstance(item, dict):
            line.error(f"adopters[{i}] muss ein Objekt sein")
            continue
        ags = line.municipalities.resolve(
            line, ags=item.get("ags"), name=item.get("name"), state=item.get("state"), label=f"adopters[{i}]"
        )
        if ags is None:
            if item.get("ags") in (None, "") and item.get("name") in (None, ""):
                line.error(f"adopters[{i}]: „ags“ fehlt")
            continue
        if ags in seen:
            line.error(f"adopters[{i}]: Kommune {ags} ist doppelt aufgeführt")
            continue
        seen.add(ags)
        adopters.append(_clean_adopter(line, i, item, ags))
    return adopters


# Keys of an adopter added with the adoption loop. A line that leaves one out keeps what is stored for that
# town (a new town gets the default), as a line that leaves out a key of the case keeps the stored value: files
# written before these keys existed go on importing without wiping what members declared since.
ADOPTER_KEPT_KEYS = (
    "learned_from",
    "started_on",
    "stopped_reason",
    "stopped_reason_public",
    "notes",
    "outcomes",
    "is_sample",
)


def _clean_adopter(line: Line, i: int, item: dict, ags: str) -> dict:
    label = f"adopters[{i}]"
    sub = Line(line.line_no, item, line.municipalities)
    year = sub.number("year", integer=True, minimum=FIRST_YEAR, label=f"{label}.year")
    if year is not None and year > timezone.localdate().year:
        sub.error(f"{label}.year = {year} liegt in der Zukunft")
    visits = sub.number("visits_per_year", integer=True, minimum=0, maximum=365, label=f"{label}.visits_per_year")
    status = item.get("status") or AdoptionStatus.IN_OPERATION
    if status not in AdoptionStatus.values:
        sub.error(f"{label}.status = {quoted(status)} ist unbekannt; erlaubt: {', '.join(AdoptionStatus.values)}")
    cleaned: dict = {
        "ags": ags,
        "year": year,
        "status": status,
        "hosts_visits": bool(item.get("hosts_visits", False)),
        "visits_per_year": visits,
    }
    if "learned_from" in item:
        cleaned["learned_from"] = _clean_learned_from(sub, label, item["learned_from"], ags)
    if "started_on" in item:
        raw = item["started_on"]
        try:
            cleaned["started_on"] = dt.date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            sub.error(f"{label}.started_on = {quoted(raw)} ist kein Datum (JJJJ-MM-TT)")
    for key in ("stopped_reason", "notes"):
        if key in item:
            value = item[key]
            if value is not None and not isinstance(value, str):
                sub.error(f"{label}.{key} muss Text sein")
            cleaned[key] = value.strip() if isinstance(value, str) else ""
    for key in ("stopped_reason_public", "is_sample"):
        if key in item:
            if not isinstance(item[key], bool):
                sub.error(f"{label}.{key} muss true oder false sein")
            cleaned[key] = item[key] is True
    if "outcomes" in item:
        cleaned["outcomes"] = [
            {**o, "value": _json_number(o["value"]), "baseline": _json_number(o["baseline"])}
            for o in clean_outcomes(sub, "outcomes", f"{label}.outcomes")
        ]
    # „abgebrochen“ needs its reason (the editors read it for „Was schiefging“); any other status has none.
    reason = cleaned.get("stopped_reason", "")
    if status == AdoptionStatus.STOPPED and not reason:
        sub.error(f"{label}: abgebrochen ohne „stopped_reason“ – bitte den Grund angeben")
    elif status != AdoptionStatus.STOPPED and reason:
        sub.error(f"{label}: „stopped_reason“ gibt es nur beim Stand „stopped“ (hier: {quoted(status)})")
    line.errors.extend(sub.errors)
    return cleaned


def _clean_learned_from(line: Line, label: str, value: object, ags: str) -> str | None:
    """The AGS of the town this one learned from; null for „über die Plattform“ or unknown. It must be a town
    of the register; it need not be on the case (such a town counts as one step from the lead town)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        line.error(f"{label}.learned_from muss eine AGS (8 Ziffern) oder null sein")
        return None
    resolved = line.municipalities.resolve(
        line, ags=value.strip(), name=None, state=None, label=f"{label}.learned_from"
    )
    if resolved == ags:
        line.error(f"{label}.learned_from: eine Kommune kann nicht von sich selbst gelernt haben")
        return None
    return resolved


def _json_number(value: Decimal | None) -> int | float | None:
    """A town's figures are stored as JSON: numbers as the export writes them (12, 16.56)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def clean_suitable_for(line: Line) -> list[str] | None:
    """Size-class slugs, in the register's order."""
    suitable = line.data["suitable_for"] or []
    if not isinstance(suitable, list) or any(s not in SizeClass.values for s in suitable):
        line.error(f"„suitable_for“ erlaubt nur: {', '.join(SizeClass.values)}")
        return None
    return [s for s in SizeClass.values if s in suitable]


def clean_last_confirmed(line: Line) -> dt.date | None:
    raw = line.data["last_confirmed"]
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        line.error(f"„last_confirmed“ = {quoted(raw)} ist kein Datum (JJJJ-MM-TT)")
        return None


# Python's own messages (json.decoder) are English; a workshop's operator reads German. Matched by their start:
# the decoder appends details („… at“) to some of them.
JSON_ERRORS = (
    (
        "Expecting property name enclosed in double quotes",
        "hier wird ein Feldname in doppelten Anführungszeichen erwartet",
    ),
    (
        "Expecting value",
        "hier fehlt ein Wert (Text in doppelten Anführungszeichen, Zahl, Liste, true, false oder null)",
    ),
    ("Expecting ':' delimiter", "hier fehlt der Doppelpunkt zwischen Feldname und Wert"),
    ("Expecting ',' delimiter", "hier fehlt ein Komma"),
    ("Extra data", "nach dem Ende des Objekts folgt noch etwas"),
    ("Unterminated string", "ein Text wird nicht mit einem doppelten Anführungszeichen beendet"),
    ("Invalid control character", "ein Text enthält ein Steuerzeichen (etwa einen Tabulator)"),
    ("Invalid \\escape", "ungültige Escape-Sequenz mit Backslash"),
    ("Invalid \\uXXXX escape", "ungültige Escape-Sequenz \\uXXXX"),
    ("Illegal trailing comma", "überzähliges Komma vor der schließenden Klammer"),
)


def json_error_message(exc: json.JSONDecodeError) -> str:
    """„kein gültiges JSON in Spalte 14: hier wird ein Feldname … erwartet“ — German, with the column, for
    both JSON-Lines imports (cases and needs)."""
    reason = next((german for english, german in JSON_ERRORS if exc.msg.startswith(english)), "")
    return f"kein gültiges JSON in Spalte {exc.colno}" + (f": {reason}" if reason else "")


def parse_solutions_file(path: Path) -> ParseResult:
    if not path.is_file():
        raise SolutionsFileError(f"Die Datei „{path}“ gibt es nicht.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SolutionsFileError(f"„{path.name}“ ist nicht UTF-8-kodiert (Byte {exc.start}).") from exc
    topic_names: dict[str, str] = {}
    for slug, name in Topic.objects.values_list("slug", "name"):
        _learn_topic(topic_names, slug, name)
    municipalities = _MunicipalityLookup()
    result = ParseResult()
    seen: dict[str, int] = {}
    for number, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
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
        record = clean_line(line, topic_names)
        slug = record.slug if record is not None else data.get("slug")
        if isinstance(slug, str) and slug in seen:
            line.error(f"„slug“ = „{slug}“ kommt schon in Zeile {seen[slug]} vor")
            record = None
        elif isinstance(slug, str):
            seen[slug] = number
        if record is None:
            result.errors.append(f"Zeile {number}: " + "; ".join(line.errors))
        else:
            result.records.append(record)
    _require_topics_of_new_cases(result)
    return result


def _require_topics_of_new_cases(result: ParseResult) -> None:
    """A line may leave "topics" out to keep the stored ones; a new case has none stored, and the import
    publishes it."""
    without = {r.slug: r for r in result.records if "topics" not in r.values}
    if not without:
        return
    stored = set(SolutionPage.objects.filter(slug__in=without).values_list("slug", flat=True))
    for slug, record in without.items():
        if slug not in stored:
            result.records.remove(record)
            result.errors.append(
                f"Zeile {record.line}: „topics“ fehlt: ein neues Praxisbeispiel braucht mindestens ein Thema"
            )
    result.errors.sort(key=lambda error: int(error.split(":")[0].removeprefix("Zeile ")))


def invalid_lines_refusal(errors: int, lines: int) -> str:
    """What an import says when it refuses a file with bad lines (cases and needs alike)."""
    faulty = ngettext(
        "%(n)s von %(total)s Zeilen ist fehlerhaft", "%(n)s von %(total)s Zeilen sind fehlerhaft", errors
    ) % {"n": errors, "total": lines}
    return (
        f"{faulty}; es wurde nichts importiert. "
        "Fehler beheben oder mit --skip-invalid nur die gültigen Zeilen importieren."
    )
