"""The JSON Lines exchange format: a case as a plain dict, and that dict applied to a page.

``solution_to_record`` is the export; ``solution_apply_record`` is the write half of the import.
Both use the same keys so that export → import round-trips without loss.
"""

from __future__ import annotations

from decimal import Decimal

from municipalities.models import Municipality
from solutions.choices import AdoptionStatus
from solutions.importers.jsonl import ADOPTER_KEPT_KEYS
from solutions.models import SolutionAdopter, SolutionOutcome, SolutionPage, Supplier, Topic
from solutions.stream import stream_from_text, stream_to_fields


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def supplier_to_record(supplier: Supplier) -> dict:
    """Everything the admin lets an editor set on a supplier, so an export carries it to the next site."""
    return {
        "name": supplier.name,
        "website": supplier.website,
        "slug": supplier.slug,
        "description": supplier.description,
        "topics": sorted(t.slug for t in supplier.topics.all()),
    }


def adopter_to_record(adopter: SolutionAdopter) -> dict:
    """One adopting town as the import reads it. ``stopped_reason`` is the editors' text (the export is for
    operators; the API publishes it only when editors did); a town that has not stopped carries none."""
    stopped = adopter.status == AdoptionStatus.STOPPED
    return {
        "ags": adopter.municipality.ags,
        "year": adopter.since_year,
        "status": adopter.status,
        "hosts_visits": adopter.hosts_visits,
        "visits_per_year": adopter.visits_per_year,
        "learned_from": adopter.learned_from.ags if adopter.learned_from_id else None,
        "started_on": adopter.started_on.isoformat() if adopter.started_on else None,
        "stopped_reason": adopter.stopped_reason if stopped else None,
        "stopped_reason_public": adopter.stopped_reason_public if stopped else False,
        "notes": adopter.notes,
        "outcomes": [
            {
                "metric": o.get("metric", ""),
                "value": o.get("value"),
                "unit": o.get("unit", ""),
                "baseline": o.get("baseline"),
            }
            for o in adopter.outcomes or []
            if isinstance(o, dict)
        ],
        "is_sample": adopter.is_sample,
    }


def solution_to_record(page: SolutionPage) -> dict:
    """A published case in the import format (every key present)."""
    stream = stream_to_fields(list(page.solution.raw_data))
    suppliers = sorted((supplier_to_record(s) for s in page.suppliers.all()), key=lambda s: s["name"])
    record: dict = {
        "slug": page.slug,
        "title": page.title,
        "summary": page.teaser,
        "problem": page.problem,
        "solution": stream["solution"],
        "steps": stream["steps"],
        "results": page.results,
        "lessons_learned": page.lessons_learned,
        "transferability": page.transferability,
        "topics": sorted(t.slug for t in page.topics.all()),
        # The names, so that an import into a database without these topics creates them as they were.
        "topic_names": {t.slug: t.name for t in sorted(page.topics.all(), key=lambda t: t.slug)},
        "municipality_ags": page.lead_municipality.ags if page.lead_municipality_id else None,
        "hosts_visits": page.lead_hosts_visits,
        "visits_per_year": page.lead_visits_per_year,
        "hosting_note": page.hosting_note,
        "supplier": suppliers[0] if len(suppliers) == 1 else None,
        "costs_eur": _number(page.costs_eur),
        "costs_note": page.costs_note,
        "duration_months": page.duration_months,
        "status": page.status,
        "year": page.year,
        "staff_effort": page.staff_effort,
        "funding": page.funding,
        "procurement": page.procurement,
        "outcomes": [
            {"metric": o.metric, "value": _number(o.value), "unit": o.unit, "baseline": _number(o.baseline)}
            for o in page.outcomes.all()
        ],
        "contact": {
            "name": page.contact_name,
            "role": page.contact_role,
            "email": page.contact_email,
            "phone": page.contact_phone,
            "consent": page.contact_consent,
        }
        if page.contact_name or page.contact_email or page.contact_phone
        else None,
        "adopters": [adopter_to_record(a) for a in page.adopters.all()],
        "suitable_for": page.suitable_for_list,
        "last_confirmed": page.last_confirmed.isoformat() if page.last_confirmed else None,
    }
    if len(suppliers) > 1:
        record["suppliers"] = suppliers
    if "solution_blocks" in stream:
        record["solution_blocks"] = stream["solution_blocks"]
    return record


def _comparable(values: dict) -> dict:
    """Normalises parsed import values to the export's shapes, for the unchanged check."""
    result = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = _number(value)
        elif key == "outcomes":
            value = [{**o, "value": _number(o["value"]), "baseline": _number(o["baseline"])} for o in value]
        elif key == "last_confirmed" and value is not None:
            value = value.isoformat()
        elif key == "adopters":
            value = [_comparable_adopter(a) for a in value]
        result[key] = value
    if "suppliers" in result:
        suppliers = result.pop("suppliers")
        result["supplier"] = suppliers[0] if len(suppliers) == 1 else None
        if len(suppliers) > 1:
            result["suppliers"] = suppliers
    return result


def _comparable_adopter(adopter: dict) -> dict:
    result = dict(adopter)
    if result.get("started_on") is not None:
        result["started_on"] = result["started_on"].isoformat()
    if result.get("status") != AdoptionStatus.STOPPED:
        result.pop("stopped_reason", None)  # the export writes null there, the import reads "" or null
        result.pop("stopped_reason_public", None)
    return result


def record_differs(page: SolutionPage, values: dict) -> bool:
    """Only the keys the import line carries are compared: a missing key means "keep"."""
    current = solution_to_record(page)
    incoming = _comparable(values)
    for key in ("supplier", "suppliers"):
        # A line may name a supplier with fewer keys than the export writes: compare only those it gives.
        if isinstance(current.get(key), dict) and isinstance(incoming.get(key), dict):
            current[key] = {k: current[key].get(k) for k in incoming[key]}
        elif isinstance(current.get(key), list) and isinstance(incoming.get(key), list):
            current[key] = [
                {k: have.get(k) for k in given} for have, given in zip(current[key], incoming[key], strict=False)
            ]
    if isinstance(incoming.get("adopters"), list):
        # An adopter given without a key added later keeps the stored value: compare only the keys it gives.
        have, given = current["adopters"], incoming["adopters"]
        current["adopters"] = [{k: h.get(k) for k in g} for h, g in zip(have, given, strict=False)] + have[len(given) :]
    return any(current.get(key) != value for key, value in incoming.items())


def _supplier(item: dict, cache: dict[str, Supplier]) -> Supplier:
    if item["name"] in cache:
        return cache[item["name"]]
    supplier = Supplier.objects.filter(name=item["name"]).first()
    if supplier is None:
        # The exported slug if it is free, else one made from the name, as in the admin.
        slug = item.get("slug") or ""
        if slug and Supplier.objects.filter(slug=slug).exists():
            slug = ""
        supplier = Supplier(name=item["name"], slug=slug)
    before = (
        supplier.website,
        supplier.description,
        sorted(t.pk for t in supplier.topics.all()) if supplier.pk else [],
    )
    # Given keys overwrite, missing ones keep what the site has; an empty website does not erase one.
    if item.get("website"):
        supplier.website = item["website"]
    if "description" in item:
        supplier.description = item["description"]
    if "topics" in item:  # a ParentalManyToManyField: set in memory, written by save()
        supplier.topics.set(list(Topic.objects.filter(slug__in=item["topics"])))
    if supplier.pk is None or before != (
        supplier.website,
        supplier.description,
        sorted(t.pk for t in supplier.topics.all()),
    ):
        supplier.save()
    cache[item["name"]] = supplier
    return supplier


_SIMPLE_FIELDS = {
    "title": "title",
    "summary": "teaser",
    "problem": "problem",
    "results": "results",
    "lessons_learned": "lessons_learned",
    "transferability": "transferability",
    "staff_effort": "staff_effort",
    "funding": "funding",
    "procurement": "procurement",
    "costs_note": "costs_note",
    "hosting_note": "hosting_note",
    "status": "status",
    "year": "year",
    "costs_eur": "costs_eur",
    "duration_months": "duration_months",
    "suitable_for": "suitable_for",
    "last_confirmed": "last_confirmed",
    "hosts_visits": "lead_hosts_visits",
    "visits_per_year": "lead_visits_per_year",
}
_TEXT_ATTRIBUTES = {
    "title",
    "teaser",
    "problem",
    "results",
    "lessons_learned",
    "transferability",
    "staff_effort",
    "funding",
    "procurement",
    "costs_note",
    "hosting_note",
}


def _adopters(page: SolutionPage, given: list[dict], municipalities: dict[str, Municipality]) -> list[SolutionAdopter]:
    """The adopter rows a line lists. A key the line leaves out of an adopter keeps that town's stored value
    (``importers.jsonl.ADOPTER_KEPT_KEYS``); a town not listed is no adopter any more."""
    stored = {a.municipality.ags: a for a in page.adopters.all()} if page.pk else {}
    teachers = {a["learned_from"] for a in given if a.get("learned_from")} - set(municipalities)
    known = dict(municipalities)
    if teachers:  # towns named only as teachers: the import's lookup holds the case's own towns
        known.update(Municipality.objects.in_bulk(list(teachers), field_name="ags"))
    rows = []
    for a in given:
        before = stored.get(a["ags"])
        row = SolutionAdopter(
            municipality=municipalities[a["ags"]],
            since_year=a["year"],
            status=a["status"],
            hosts_visits=a["hosts_visits"],
            visits_per_year=a["visits_per_year"],
        )
        for key in ADOPTER_KEPT_KEYS:
            if key in a:
                value = a[key]
                if key == "learned_from":
                    row.learned_from = known[value] if value else None
                else:
                    setattr(row, key, value)
            elif before is not None:
                attribute = "learned_from_id" if key == "learned_from" else key
                setattr(row, attribute, getattr(before, attribute))
        if row.status != AdoptionStatus.STOPPED:  # a reason belongs to a stop; one that ended with it goes too
            row.stopped_reason, row.stopped_reason_public = "", False
        rows.append(row)
    return rows


def solution_apply_record(
    page: SolutionPage,
    values: dict,
    municipalities: dict[str, Municipality],
    suppliers: dict[str, Supplier] | None = None,
) -> None:
    """Sets the page's fields and child objects from parsed import values (unsaved). ``suppliers`` is a
    name → supplier cache shared across one import."""
    suppliers = {} if suppliers is None else suppliers
    for key, attribute in _SIMPLE_FIELDS.items():
        if key in values:
            value = values[key]
            if attribute == "suitable_for":
                value = ",".join(value or [])
            setattr(page, attribute, "" if value is None and attribute in _TEXT_ATTRIBUTES else value)
    if "solution_blocks" in values:
        page.solution = values["solution_blocks"]
    elif "solution" in values or "steps" in values:
        current = stream_to_fields(list(page.solution.raw_data)) if page.pk else {"solution": "", "steps": []}
        page.solution = stream_from_text(
            values.get("solution", current["solution"]), values.get("steps", current["steps"])
        )
    if "municipality_ags" in values:
        ags = values["municipality_ags"]
        page.lead_municipality = municipalities[ags] if ags else None
    if "topics" in values:
        page.topics.set(list(Topic.objects.filter(slug__in=values["topics"])))
    if "suppliers" in values:
        page.suppliers.set([_supplier(item, suppliers) for item in values["suppliers"]])
    if "outcomes" in values:
        page.outcomes = [
            SolutionOutcome(metric=o["metric"], value=o["value"], unit=o["unit"], baseline=o["baseline"])
            for o in values["outcomes"]
        ]
    if "adopters" in values:
        page.adopters = _adopters(page, values["adopters"], municipalities)
    if "contact" in values:
        contact = values["contact"] or {}
        page.contact_name = contact.get("name", "")
        page.contact_role = contact.get("role", "")
        page.contact_email = contact.get("email", "")
        page.contact_phone = contact.get("phone", "")
        page.contact_consent = bool(contact.get("consent"))
        page.stamp_contact_consent()
