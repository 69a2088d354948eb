"""A road-condition case led by Barleben, towns of the Börde around it, and members of each."""

from __future__ import annotations

import pytest

from tests.factories.register import municipality
from tests.factories.solutions import case_line, member, publish_cases


@pytest.fixture
def towns(register):
    return {
        **register,
        "wanzleben": municipality("15083531", "Wanzleben-Börde", 13669, district_name="Börde"),
        "suelzetal": municipality("15083490", "Sülzetal", 8892, district_name="Börde"),
        "haldensleben": municipality("15083270", "Haldensleben", 19188, district_name="Börde"),
    }


@pytest.fixture
def case(index, towns, tmp_path):
    """Straßenzustand per App erfassen, led by Barleben; Haldensleben runs it already (entered by editors)."""
    (page,) = publish_cases(
        tmp_path,
        case_line(adopters=[{"ags": "15083270", "year": 2022, "status": "in_operation", "hosts_visits": False}]),
    )
    return page


@pytest.fixture
def mayor(towns):
    """The approved mayor of Wanzleben-Börde."""
    return member(towns["wanzleben"], "buergermeisterin")


@pytest.fixture
def lead_member(towns):
    return member(towns["barleben"], "barleben-verwaltung")


@pytest.fixture
def other_member(towns):
    return member(towns["suelzetal"], "suelzetal-verwaltung")
