from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from solutions.models import SolutionIndexPage, SolutionPage, Supplier, Topic
from tests.factories.solutions import case_line, write_jsonl

pytestmark = pytest.mark.django_db


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_solutions", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_solutions", str(path), *args, stdout=out, stderr=err)
    return err.getvalue(), str(excinfo.value)


def test_import_publishes_cases_with_all_parts(tmp_path, register, index):
    line = case_line(
        contact={"name": "Frank Nase", "role": "Bürgermeister", "email": "rathaus@example.org", "consent": True},
        adopters=[{"ags": "15083245", "year": 2024, "status": "pilot", "hosts_visits": True, "visits_per_year": 4}],
        steps=["Fahrzeuge ausstatten", "Fahren"],
    )
    out, _ = run(write_jsonl(tmp_path / "f.jsonl", [line]))

    assert "1 neu" in out
    page = SolutionPage.objects.get(slug="barleben-strassen")
    assert page.live and not page.has_unpublished_changes
    assert page.get_parent().specific == index
    assert page.teaser.startswith("Kurz gesagt")
    assert [b.block_type for b in page.solution] == ["text", "steps"]
    assert page.lead_municipality.ags == "15083040"
    assert [t.slug for t in page.topics.all()] == ["strassen-infrastruktur"]
    assert page.suppliers.get().name == "vialytics"
    assert page.outcomes.get().value == 75
    adopter = page.adopters.get()
    assert (adopter.municipality.ags, adopter.since_year, adopter.hosts_visits) == ("15083245", 2024, True)
    assert page.contact_consent and page.contact_consent_at is not None
    assert page.last_confirmed == timezone.localdate()


def test_a_migrated_database_takes_an_import_without_further_setup(tmp_path, register):
    out, _ = run(write_jsonl(tmp_path / "f.jsonl", [case_line()]))

    assert "1 neu" in out
    assert SolutionPage.objects.get().get_parent().specific_class is SolutionIndexPage


def test_unknown_topics_are_created_and_names_are_accepted(tmp_path, register, index):
    run(write_jsonl(tmp_path / "f.jsonl", [case_line(topics=["Digitale Verwaltung", "Smart Village"])]))

    page = SolutionPage.objects.get()
    assert sorted(t.slug for t in page.topics.all()) == ["digitale-verwaltung", "smart-village"]
    assert Topic.objects.get(slug="smart-village").name == "Smart Village"


def test_municipality_by_name_and_state(tmp_path, register, index):
    line = case_line(municipality_name="Hemmingen", state="Niedersachsen")
    del line["municipality_ags"]
    run(write_jsonl(tmp_path / "f.jsonl", [line]))
    assert SolutionPage.objects.get().lead_municipality.ags == "03241007"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"slug": "kaputt", "title": ', "kein gültiges JSON"),
        ('["eine", "liste"]', "JSON-Objekt"),
        (case_line(title=""), "„title“ ist leer"),
        ({k: v for k, v in case_line().items() if k != "title"}, "„title“ fehlt"),
        ({k: v for k, v in case_line().items() if k != "slug"}, "„slug“ fehlt"),
        (case_line(slug="Mit Leerzeichen"), "nur Kleinbuchstaben"),
        (case_line(status="fertig"), "„status“ = „fertig“ ist unbekannt"),
        (case_line(municipality_ags="99999999"), "AGS 99999999 gibt es im Gemeindeverzeichnis nicht"),
        (case_line(municipality_ags="123"), "nicht genau 8 Ziffern"),
        (
            {**{k: v for k, v in case_line().items() if k != "municipality_ags"}, "municipality_name": "Hemmingen"},
            "„Hemmingen“ ist mehrdeutig",
        ),
        (case_line(costs_eur=-5), "„costs_eur“ = -5 darf nicht negativ sein"),
        (case_line(costs_eur="teuer"), "ist keine Zahl"),
        (case_line(year=timezone.localdate().year + 1), "liegt in der Zukunft"),
        (case_line(topics="strassen"), "„topics“ muss eine Liste"),
        (case_line(adopters=[{"ags": "00000001"}]), "adopters[1]: AGS 00000001 gibt es"),
        (case_line(outcomes=[{"metric": "X"}]), "„value“ fehlt"),
        (case_line(contact={"name": "A", "email": "keine-mail"}), "keine gültige E-Mail-Adresse"),
        (case_line(suitable_for=["dorf"]), "„suitable_for“ erlaubt nur"),
        (case_line(supplier={"name": "Grün AG", "topics": ["Mondbau"]}), "„supplier.topics“: Thema „Mondbau“ gibt es"),
        (case_line(supplier={"name": "Grün AG", "slug": "Grün AG"}), "„supplier.slug“ = „Grün AG“ ist kein gültiger"),
    ],
)
def test_each_invalid_line_is_reported_with_its_number_and_nothing_is_imported(
    tmp_path, register, index, line, expected
):
    path = write_jsonl(tmp_path / "f.jsonl", [case_line("gut-eins"), line, case_line("gut-zwei")])
    err, message = run_failing(path)

    assert "Zeile 2: " in err
    assert expected in err
    assert "es wurde nichts importiert" in message
    assert not SolutionPage.objects.exists()


def test_all_errors_are_listed_not_just_the_first(tmp_path, register, index):
    path = write_jsonl(tmp_path / "f.jsonl", [case_line("a", status="x"), case_line("b"), "{kaputt", case_line("a")])
    err, message = run_failing(path)
    assert "Zeile 1:" in err and "Zeile 3:" in err and "Zeile 4:" in err
    assert "schon in Zeile 1" in err
    assert "3 von 4 Zeilen" in message


def test_ambiguous_name_lists_the_candidates(tmp_path, register, index):
    line = {**{k: v for k, v in case_line().items() if k != "municipality_ags"}, "municipality_name": "Hemmingen"}
    err, _ = run_failing(write_jsonl(tmp_path / "f.jsonl", [line]))
    assert "03241007" in err and "08118027" in err


def test_skip_invalid_imports_the_valid_lines(tmp_path, register, index):
    path = write_jsonl(tmp_path / "f.jsonl", [case_line("gut"), case_line("schlecht", costs_eur=-1)])
    out, err = run(path, "--skip-invalid")
    assert "Zeile 2" in err
    assert "1 neu" in out and "1 übersprungen" in out
    assert list(SolutionPage.objects.values_list("slug", flat=True)) == ["gut"]


def test_reimport_changes_nothing_and_changes_are_applied(tmp_path, register, index):
    path = write_jsonl(tmp_path / "f.jsonl", [case_line()])
    run(path)
    revisions = SolutionPage.objects.get().revisions.count()

    out, _ = run(path)
    assert "0 neu, 0 aktualisiert, 1 unverändert" in out
    assert SolutionPage.objects.get().revisions.count() == revisions

    out, _ = run(write_jsonl(tmp_path / "g.jsonl", [case_line(title="Neuer Titel", costs_eur=15000)]))
    page = SolutionPage.objects.get()
    assert "1 aktualisiert" in out
    assert (page.title, page.costs_eur) == ("Neuer Titel", 15000)
    assert page.revisions.count() == revisions + 1


def test_export_then_import_round_trips_without_loss(tmp_path, register, index):
    lines = [
        case_line(
            "eins",
            contact={"name": "A", "role": "B", "email": "a@example.org", "phone": "0391 1", "consent": True},
            adopters=[{"ags": "15083245", "year": 2022, "status": "pilot", "hosts_visits": True, "visits_per_year": 2}],
            suitable_for=["landgemeinde"],
            steps=["a", "b"],
            costs_note="pro Jahr",
            staff_effort="2 Tage",
        ),
        {
            **case_line("zwei"),
            "municipality_ags": None,
            "supplier": None,
            "costs_eur": 1234.5,
            "outcomes": [{"metric": "Gas", "value": -16.56, "unit": "%", "baseline": 100}],
        },
    ]
    run(write_jsonl(tmp_path / "in.jsonl", lines))
    call_command("export_solutions", str(tmp_path / "out.jsonl"), stdout=StringIO(), stderr=StringIO())
    exported = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]

    assert [e["slug"] for e in exported] == ["eins", "zwei"]
    assert exported[0]["contact"]["phone"] == "0391 1"
    assert exported[0]["adopters"][0]["visits_per_year"] == 2
    assert exported[1]["costs_eur"] == 1234.5
    assert exported[1]["outcomes"][0] == {"metric": "Gas", "value": -16.56, "unit": "%", "baseline": 100}

    SolutionPage.objects.all().delete()
    Supplier.objects.all().delete()
    run(tmp_path / "out.jsonl")
    call_command("export_solutions", str(tmp_path / "again.jsonl"), stdout=StringIO(), stderr=StringIO())
    again = [json.loads(x) for x in (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in exported + again:
        record.pop("last_confirmed")  # the date of the first import, kept by the export
    assert again == exported


def test_rich_solution_blocks_survive_the_round_trip(tmp_path, register, index):
    run(write_jsonl(tmp_path / "in.jsonl", [case_line()]))
    page = SolutionPage.objects.get()
    page.solution = [
        {"type": "text", "value": "<p><b>fett</b> und normal</p>"},
        {"type": "quote", "value": {"text": "Nie wieder Fax", "author": "OB"}},
    ]
    page.save_revision().publish()
    call_command("export_solutions", str(tmp_path / "out.jsonl"), stdout=StringIO(), stderr=StringIO())
    SolutionPage.objects.all().delete()

    run(tmp_path / "out.jsonl")

    blocks = list(SolutionPage.objects.get().solution)
    assert [b.block_type for b in blocks] == ["text", "quote"]
    assert "<b>fett</b>" in blocks[0].value.source
    assert blocks[1].value["author"] == "OB"


def test_unreadable_file_gives_one_sentence(tmp_path, index):
    path = tmp_path / "f.jsonl"
    path.write_bytes('{"slug": "g\xf6"}'.encode("latin-1"))
    _, message = run_failing(path)
    assert "UTF-8" in message


def test_progress_bar(tmp_path, register, index):
    _, err = run(write_jsonl(tmp_path / "f.jsonl", [case_line()]))
    assert "Praxisbeispiele" in err and "100%" in err


def test_imported_pages_end_in_the_state_wagtail_publishing_leaves(tmp_path, register, index):
    from wagtail.models import PageLogEntry
    from wagtail.signals import page_published

    received = []

    def on_published(sender, instance, revision, **kwargs):
        received.append((instance.slug, revision.pk))

    page_published.connect(on_published)
    try:
        run(write_jsonl(tmp_path / "f.jsonl", [case_line()]))
        run(write_jsonl(tmp_path / "g.jsonl", [case_line(title="Geändert")]))
    finally:
        page_published.disconnect(on_published)

    page = SolutionPage.objects.get()
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision == page.latest_revision
    assert page.live_revision.as_object().title == "Geändert"
    assert page.first_published_at and page.last_published_at >= page.first_published_at
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 2
    assert [slug for slug, _ in received] == ["barleben-strassen", "barleben-strassen"]
    assert page.url == "/praxisbeispiele/barleben-strassen/"


def test_imported_cases_are_found_by_the_admin_search(tmp_path, register, index):
    run(write_jsonl(tmp_path / "f.jsonl", [case_line(title="Schlaglochkataster")]))
    assert SolutionPage.objects.search("Schlaglochkataster").count() == 1
