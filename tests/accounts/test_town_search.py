"""The town search behind registration, on rows of the official national register (../shared/data)."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from accounts.towns import town_labels
from municipalities.selectors import municipality_name_matches
from municipalities.text import fold
from tests.accounts.page_form import PageForm

pytestmark = pytest.mark.django_db

NAMES = (
    "hemmingen",
    "koris",
    "muncheberg",
    "neuenkirchen",
    "neustadt",
    "kiel",
    "berg",
    "stuttgart",
    "berlin",
    "garding",
)


@pytest.fixture
def national(shared_data, tmp_path):
    """Every town of the register whose name holds one of NAMES (some 700), imported as the demo does."""
    source = shared_data / "gemeinden_de_2024.csv"
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    subset = [rows[0]] + [row for row in rows[1:] if any(name in fold(row[2]) for name in NAMES)]
    path = tmp_path / "auszug.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(subset)
    call_command("import_municipalities", str(path), verbosity=0)


def _labels(query: str, limit: int = 20) -> list[str]:
    return town_labels(municipality_name_matches(query, limit=limit).towns)


def test_the_same_name_comes_first_told_apart_by_landkreis_and_land(national):
    assert _labels("Hemmingen") == [
        "Hemmingen (Region Hannover, Niedersachsen)",
        "Hemmingen (Ludwigsburg, Baden-Württemberg)",
    ]
    neuenkirchen = _labels("Neuenkirchen")
    assert len(neuenkirchen) == 12 and all(label.startswith("Neuenkirchen (") for label in neuenkirchen[:11])
    assert len(set(neuenkirchen)) == 12  # every one told apart, two in one Landkreis by their Amt
    assert {
        "Neuenkirchen (Anklam-Land, Vorpommern-Greifswald, Mecklenburg-Vorpommern)",
        "Neuenkirchen (Landhagen, Vorpommern-Greifswald, Mecklenburg-Vorpommern)",
    } <= set(neuenkirchen)
    assert _labels("Garding") == [  # same name, same Kreis, same Amt: the official name
        "Garding, Stadt (Nordfriesland, Schleswig-Holstein)",
        "Garding, Kirchspiel (Nordfriesland, Schleswig-Holstein)",
    ]
    assert _labels("Berg")[:5] == [label for label in _labels("Berg") if label.startswith("Berg (")][:5]


def test_umlauts_and_sz_in_either_spelling(national):
    for typed in ("Groß Köris", "Gross Koeris", "gross koris", "GROSS KÖRIS"):
        assert _labels(typed) == ["Groß Köris (Dahme-Spreewald, Brandenburg)"], typed
    for typed in ("Müncheberg", "Muencheberg", "Muncheberg"):
        assert _labels(typed) == ["Müncheberg (Märkisch-Oderland, Brandenburg)"], typed


def test_kreisfreie_staedte_and_city_states_read_well(national):
    assert _labels("Kiel")[0] == "Kiel (kreisfreie Stadt, Schleswig-Holstein)"
    assert _labels("Stuttgart") == ["Stuttgart (kreisfreie Stadt, Baden-Württemberg)"]
    assert _labels("Berlin")[0] == "Berlin (kreisfreie Stadt, Berlin)"


def test_narrowing_by_landkreis_or_land_after_a_comma(national):
    assert _labels("Hemmingen, Ludwigsburg") == ["Hemmingen (Ludwigsburg, Baden-Württemberg)"]
    assert _labels("hemmingen, niedersachsen") == ["Hemmingen (Region Hannover, Niedersachsen)"]
    assert _labels("Hemmingen (Region Hannover, Niedersachsen)") == ["Hemmingen (Region Hannover, Niedersachsen)"]
    assert _labels("Neustadt, Coburg") == ["Neustadt b.Coburg (Coburg, Bayern)"]
    assert _labels("Hemmingen, Stadt") == ["Hemmingen (Region Hannover, Niedersachsen)"]  # its official name


def test_neustadt_is_too_many_and_the_form_says_how_to_narrow(national, client):
    matches = municipality_name_matches("Neustadt", limit=20)
    assert matches.total > 20 and len(matches.towns) == 20
    form = PageForm(client, "/konto/registrieren/").fill({"Ihre Kommune": "Neustadt"}).press("Kommune suchen")
    assert len(form.radios("ags")) == 20
    assert f"Zu „Neustadt“ passen {matches.total} Kommunen; hier stehen die 20 passendsten." in form.html
    form.fill({"Ihre Kommune": "Neustadt, Holstein"}).press("Kommune suchen")
    assert form.radios("ags") == {"Neustadt in Holstein (Ostholstein, Schleswig-Holstein)": True}
