from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Municipality
from tests.factories.register import Row, gvisys_workbook, register_csv

pytestmark = pytest.mark.django_db

CLEANED_HEADER = (
    "ags,ars,name,name_short,gemeinde_typ_code,gemeinde_typ,land_code,bundesland,regierungsbezirk,kreis_code,"
    "kreis_name,kreis_typ,gemeindeverband_code,gemeindeverband_name,gemeindeverband_typ,area_km2,"
    "population_31122023,population_male,population_female,density_per_km2,plz,lon,lat,reisegebiet_code,"
    "reisegebiet,verstaedterung_code,verstaedterung,population_zensus_15052022,size_class_by_population"
)


def run_import(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_municipalities", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(path) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_municipalities", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(excinfo.value)


def test_workbook_import_reads_municipalities_and_skips_unincorporated_areas(tmp_path):
    path = gvisys_workbook(
        tmp_path / "AuszugGV.xlsx",
        [
            Row("15083040", "Barleben", 9238, area=29.85, lat="52,2051", lon="11,6227", urbanisation="02"),
            Row("03241007", "Hemmingen, Stadt", 18885, text_code="63"),
            Row("03241999", "Gemeindefreies Gebiet Forst", 0, text_code="66"),
        ],
    )
    out, _ = run_import(path)

    assert "2 neu, 0 aktualisiert, 0 unverändert, 0 abgelehnt, 1 gemeindefreie Gebiete übersprungen" in out
    barleben = Municipality.objects.get(ags="15083040")
    assert barleben.state == "15"
    assert barleben.district_name == "Kreis 83"
    assert barleben.association_name == "Verband Eins"
    assert barleben.population_date == dt.date(2023, 12, 31)
    assert (barleben.lat, barleben.lon) == (52.2051, 11.6227)
    assert barleben.size_class == "kleinstadt"
    assert barleben.urbanisation == "2"
    hemmingen = Municipality.objects.get(ags="03241007")
    assert (hemmingen.name, hemmingen.official_name) == ("Hemmingen", "Hemmingen, Stadt")
    assert hemmingen.municipality_type == "Stadt"
    assert not Municipality.objects.filter(ags="03241999").exists()


def test_documented_csv_with_comma_and_optional_coordinates(tmp_path):
    path = register_csv(
        tmp_path / "kommunen.csv",
        [
            "15083040,Barleben,Sachsen-Anhalt,Börde,9238,29.85,52.2051,11.6227",
            "08235085,Calw,08,Calw,24448,59.88,,",
        ],
    )
    out, _ = run_import(path)

    assert "2 neu" in out
    calw = Municipality.objects.get(ags="08235085")
    assert calw.size_class == "mittelstadt"
    assert calw.lat is None
    assert calw.district_name == "Calw"


def test_semicolon_csv_with_german_decimals(tmp_path):
    path = register_csv(
        tmp_path / "kommunen.csv",
        ['15083245;Gröningen;15;Börde;3525;"75,5";52,0;11,2'],
        header="ags;name;state;district;population;area_km2;lat;lon",
    )
    run_import(path)

    groeningen = Municipality.objects.get(ags="15083245")
    assert groeningen.area_km2 == pytest.approx(75.5)
    assert groeningen.size_class == "landgemeinde"


def test_cleaned_national_csv_with_extra_columns(tmp_path):
    path = register_csv(
        tmp_path / "gemeinden.csv",
        [
            '03241007,032410007007,"Hemmingen, Stadt",Hemmingen,63,Stadt,03,Niedersachsen,Statistische Region '
            'Hannover,03241,Region Hannover,Landkreis,032410007,"Hemmingen, Stadt",Verbandsfreie Gemeinde,31.73,'
            "18885,9147,9738,595,30966,9.747743,52.32069,G11,Hannover-Hildesheim,02,mittlere Besiedlungsdichte,"
            "18896,Größere Kleinstadt",
            "03241999,,Forst,Forst,66,Gemeindefreies Gebiet,03,Niedersachsen,,03241,Region Hannover,Landkreis,,,,"
            "1.0,0,0,0,0,,9.7,52.3,,,03,,0,",
        ],
        header=CLEANED_HEADER,
    )
    out, _ = run_import(path)

    assert "1 neu" in out and "1 gemeindefreie Gebiete übersprungen" in out
    hemmingen = Municipality.objects.get(ags="03241007")
    assert hemmingen.name == "Hemmingen"
    assert hemmingen.district_name == "Region Hannover"
    assert hemmingen.population_date == dt.date(2023, 12, 31)
    assert hemmingen.size_subclass == "groessere-kleinstadt"
    assert hemmingen.density == 595


def test_every_bad_row_is_reported_with_its_line_and_the_good_rows_are_kept(tmp_path):
    path = register_csv(
        tmp_path / "kommunen.csv",
        [
            "15083040,Barleben,15,Börde,9238,29.85,52.2,11.6",  # line 2: fine
            "1508304,Kurz,15,Börde,100,1,,",  # line 3: 7 digits
            "17083040,Nirgendwo,,Börde,100,1,,",  # line 4: Land 17
            "15083041,,15,Börde,100,1,,",  # line 5: no name
            "15083042,Minus,15,Börde,-5,1,,",  # line 6: negative population
            "15083043,Viele,15,Börde,viele,1,,",  # line 7: not a number
            "15083040,Barleben doppelt,15,Börde,9238,29.85,,",  # line 8: duplicate AGS
            "15083044,Schief,15,Börde,100,1,52.2,abc",  # line 9: unparsable coordinate
        ],
    )
    out, err, message = run_failing_import(path)

    assert "Zeile 3" in err and "8 Ziffern" in err
    assert "Zeile 4" in err and "zwischen 01 und 16" in err
    assert "Zeile 5" in err and "Name fehlt" in err
    assert "Zeile 6" in err and "negativ" in err
    assert "Zeile 7" in err and "„viele“ ist keine Zahl" in err
    assert "Zeile 8" in err and "doppelt" in err and "Zeile 2" in err
    assert "Zeile 9" in err and "Längengrad" in err
    assert "1 neu, 0 aktualisiert, 0 unverändert, 7 abgelehnt" in out
    assert "7 Zeile(n)" in message
    assert list(Municipality.objects.values_list("ags", flat=True)) == ["15083040"]
    assert Municipality.objects.get().name == "Barleben"


def test_state_that_contradicts_the_ags_is_rejected(tmp_path):
    path = register_csv(tmp_path / "kommunen.csv", ["15083040,Barleben,Bayern,Börde,9238,29.85,,"])
    _, err, _ = run_failing_import(path)
    assert "passt nicht zur AGS" in err
    assert not Municipality.objects.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = gvisys_workbook(tmp_path / "AuszugGV.xlsx", [Row("15083040", "Barleben", 9238)])
    run_import(path)
    before = Municipality.objects.get().updated_at

    out, _ = run_import(path)

    assert "0 neu, 0 aktualisiert, 1 unverändert, 0 abgelehnt" in out
    assert Municipality.objects.get().updated_at == before


def test_changed_population_updates_size_class(tmp_path):
    run_import(register_csv(tmp_path / "a.csv", ["15083040,Barleben,15,Börde,4999,29.85,,"]))
    assert Municipality.objects.get().size_class == "landgemeinde"

    out, _ = run_import(register_csv(tmp_path / "b.csv", ["15083040,Barleben,15,Börde,5000,29.85,,"]))

    assert "1 aktualisiert" in out
    assert Municipality.objects.get().size_class == "kleinstadt"


def test_a_file_without_a_column_keeps_what_is_stored(tmp_path):
    path = register_csv(tmp_path / "a.csv", ["15083040,Barleben,15,Börde,9238,29.85,52.2,11.6"])
    run_import(path)
    Municipality.objects.update(ortsteile_count=3, association_name="Verbandsfrei")

    run_import(path)

    stored = Municipality.objects.get()
    assert (stored.ortsteile_count, stored.association_name) == (3, "Verbandsfrei")


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("register.pdf", b"%PDF-1.4", "hat den Dateityp „.pdf“"),
        ("AuszugGV.xlsx", b"ags,name\n", "keine Excel-Arbeitsmappe"),
        ("kommunen.csv", b"gemeinde;einwohner\nBarleben;9238\n", "Kopfzeile"),
        ("kommunen.csv", "ags,name,population\n15083040,G\xf6rlitz,1\n".encode("latin-1"), "UTF-8"),
        ("kommunen.csv", b"", "leer"),
        ("kommunen.csv", b"PK\x03\x04rest", "Excel-Datei"),
    ],
)
def test_unreadable_files_give_one_clear_sentence(tmp_path, filename, content, expected):
    path = tmp_path / filename
    path.write_bytes(content)
    _, _, message = run_failing_import(path)
    assert expected in message
    assert "Traceback" not in message
    assert not Municipality.objects.exists()


def test_workbook_without_register_sheet_is_refused(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Irgendeine Tabelle"])
    wb.save(tmp_path / "andere.xlsx")
    _, _, message = run_failing_import(tmp_path / "andere.xlsx")
    assert "Satzart" in message


def test_missing_file_is_reported(tmp_path):
    _, _, message = run_failing_import(tmp_path / "gibtsnicht.csv")
    assert "gibt es nicht" in message


def test_progress_bar_is_shown(tmp_path):
    path = register_csv(tmp_path / "a.csv", ["15083040,Barleben,15,Börde,9238,29.85,,"])
    _, err = run_import(path)
    assert "Gemeindeverzeichnis" in err and "100%" in err


@pytest.mark.slow
def test_official_national_workbook(shared_data):
    out, _ = run_import(shared_data / "AuszugGV4QAktuell_2024.xlsx")

    assert Municipality.objects.count() == 10_752
    assert "10752 neu" in out and "0 abgelehnt" in out
    calw = Municipality.objects.get(ags="08235085")
    assert calw.name == "Calw"
    assert set(Municipality.objects.filter(name="Hemmingen").values_list("ags", "state")) == {
        ("03241007", "03"),
        ("08118027", "08"),
    }
    assert Municipality.objects.get(ags="15083040").district_name == "Börde"


def test_imported_municipalities_are_found_by_the_admin_chooser_search(tmp_path):
    run_import(register_csv(tmp_path / "a.csv", ["15083040,Barleben,15,Börde,9238,29.85,,"]))
    from wagtail.search.backends import get_search_backend

    results = get_search_backend().search("Barleben", Municipality)
    assert list(results) == [Municipality.objects.get()]
