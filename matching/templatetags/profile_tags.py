"""The sections of a town's profile that need the floors above the register (cases, hosts, suppliers,
peers). The profile view lives in ``municipalities`` and cannot import them; its template loads these
tags instead, as the case page loads the search tags."""

from __future__ import annotations

from django import template

from matching.profiles import (
    profile_hosts_nearby,
    profile_learn_from,
    profile_suppliers,
    towns_with_cases_by_state,
)
from municipalities.models import Municipality

register = template.Library()


@register.inclusion_tag("municipalities/_hosts_nearby.html")
def hosts_nearby(municipality: Municipality) -> dict:
    return {"hosts": profile_hosts_nearby(municipality), "municipality": municipality}


@register.inclusion_tag("municipalities/_suppliers.html")
def suppliers_with_references(municipality: Municipality) -> dict:
    return {"suppliers": profile_suppliers(municipality), "municipality": municipality}


@register.inclusion_tag("municipalities/_learn_from.html")
def learn_from(municipality: Municipality) -> dict:
    return {"learn_from": profile_learn_from(municipality), "municipality": municipality}


# Up to this many towns in all, every Land is shown open; beyond, each Land is a disclosure (a phone would
# otherwise scroll past hundreds of names).
OPEN_UP_TO = 60


@register.inclusion_tag("municipalities/_towns_with_cases.html")
def towns_with_cases() -> dict:
    states = towns_with_cases_by_state()
    return {"states": states, "open": sum(len(s.towns) for s in states) <= OPEN_UP_TO}
