"""The impact page „Wirkung“ and /api/v1/impact/ (JSON and CSV) against figures counted by hand.

The fixture: five live cases and one unpublished one, adopters in every status, from three Länder and three
size classes, over several years (one without a year), a chain of „gelernt von“, one sample adopter and a
row naming a case's own lead town. The hand count is written out in ``HAND`` next to the data it comes from."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from pages.impact import MAX_AGE, impact_current, impact_figures
from pages.models import ImpactPage, ImpactSnapshot
from solutions.models import SolutionAdopter
from solutions.services import solution_adopter_save
from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(register):
    return {
        **register,
        "wolmirstedt": municipality("15083565", "Wolmirstedt", 11782, district_name="Börde"),
        "wanzleben": municipality("15083270", "Wanzleben-Börde", 13500, district_name="Börde"),
    }


def adopt(case, town, status, year=None, learned_from=None, **extra):
    solution_adopter_save(case.pk, town, status=status, since_year=year, learned_from=learned_from, **extra)


@pytest.fixture
def adoptions(tmp_path, towns, index):
    t = towns
    cases = {
        page.slug: page
        for page in publish_cases(
            tmp_path,
            case_line(
                "strassen-app",
                title="Straßenzustand per App erfassen",
                topics=["strassen-infrastruktur", "digitale-verwaltung"],
            ),
            case_line(
                "kita-anmeldung",
                title="Kita-Platz online anmelden",
                municipality_ags="08235085",
                topics=["bildung-kita"],
            ),
            case_line(
                "heizung-sensoren",
                title="Heizungsoptimierung „ohne Großumbau“",
                municipality_ags="03241007",
                topics=["energie-klimaschutz"],
            ),
            case_line(
                "waermeplanung", title="Kommunale Wärmeplanung gemeinsam beauftragen", topics=["energie-klimaschutz"]
            ),
            case_line(
                "jugendparlament",
                title="Jugendparlament mit eigenem Budget",
                municipality_ags="15083565",
                topics=["jugend"],
            ),
            case_line("orts-app", title="Orts-App für Vereine", municipality_ags="08235085", topics=["kommunikation"]),
        )
    }
    a, b, e, f = (cases[s] for s in ("strassen-app", "kita-anmeldung", "waermeplanung", "jugendparlament"))
    # A (lead Barleben): a chain Barleben → Gröningen → Wolmirstedt, one stopped, one completed.
    adopt(a, t["groeningen"], "in_operation", 2022, learned_from=t["barleben"])
    adopt(a, t["wolmirstedt"], "pilot", 2023, learned_from=t["groeningen"])
    adopt(a, t["hemmingen_ni"], "stopped", 2023, stopped_reason="Kein Personal für die Auswertung übrig.")
    adopt(a, t["calw"], "completed", 2020)
    # A row naming the lead town itself (old data): not an adoption. The service refuses it, so it is written
    # directly, with a year no real adoption has, so that counting it would show.
    SolutionAdopter.objects.create(page=a, municipality=t["barleben"], status="in_operation", since_year=2019)
    # B (lead Calw): one planned, one sample adopter in operation.
    adopt(b, t["hemmingen_bw"], "planned", 2024)
    adopt(b, t["groeningen"], "in_operation", 2024, is_sample=True)
    # E (lead Barleben): one planned without a year.
    adopt(e, t["calw"], "planned")
    # F (lead Wolmirstedt): a chain of two as well, but only two towns.
    adopt(f, t["barleben"], "pilot", 2024, learned_from=t["wolmirstedt"])
    adopt(f, t["groeningen"], "pilot", 2024, learned_from=t["barleben"])
    # An unpublished case's adopter does not count.
    adopt(cases["orts-app"], t["wanzleben"], "in_operation", 2020)
    cases["orts-app"].unpublish()
    return cases


HAND = {
    # live public cases: strassen-app, kita-anmeldung, heizung-sensoren, waermeplanung, jugendparlament
    "solutions_total": 5,
    # with an adopter besides the lead: strassen-app, kita-anmeldung, waermeplanung, jugendparlament
    "solutions_travelled": 4,
    "adoptions": 9,  # 4 + 2 + 1 + 2
    "by_status": {"planned": 2, "pilot": 3, "in_operation": 2, "completed": 1, "stopped": 1},
    "reached_operation": 3,  # in_operation 2 + completed 1
    "percent": 33,  # 3 of 9
    "per_year": [("2020", 1), ("2021", 0), ("2022", 1), ("2023", 2), ("2024", 4), ("unbekannt", 1)],
    "by_topic": [
        ("digitale-verwaltung", "Digitale Verwaltung", 4),
        ("strassen-infrastruktur", "Straßen & Infrastruktur", 4),
        ("bildung-kita", "Bildung & Kita", 2),
        ("jugend", "Jugend", 2),
        ("energie-klimaschutz", "Energie & Klimaschutz", 1),
    ],
    # Gröningen ×3 | Wolmirstedt, Hemmingen (NI), Hemmingen (BW), Barleben | Calw ×2
    "by_size_class": {"landgemeinde": 3, "kleinstadt": 4, "mittelstadt": 2, "grossstadt": 0},
    # Sachsen-Anhalt: Gröningen ×3, Wolmirstedt, Barleben; Niedersachsen: Hemmingen; BW: Calw ×2, Hemmingen
    "by_state": {"15": 5, "03": 1, "08": 3},
    "sample_adoptions": 1,
    # most towns first; on a tie the longer chain (jugendparlament: 2 steps) before kita-anmeldung (1 step)
    "top": [
        ("strassen-app", 4, 2, 2),
        ("jugendparlament", 2, 2, 0),
        ("kita-anmeldung", 2, 1, 1),
        ("waermeplanung", 1, 1, 0),
    ],
}


def test_figures_equal_the_hand_count(adoptions):
    figures = impact_figures()
    assert figures.solutions_total == HAND["solutions_total"]
    assert figures.solutions_travelled == HAND["solutions_travelled"]
    assert figures.adoptions == HAND["adoptions"]
    assert figures.status_counts == HAND["by_status"]
    assert figures.reached_operation == HAND["reached_operation"]
    assert figures.operation_percent == HAND["percent"]
    assert [(b.key, b.count) for b in figures.per_year] == HAND["per_year"]
    assert [(b.key, b.label, b.count) for b in figures.by_topic] == HAND["by_topic"]
    assert {b.key: b.count for b in figures.by_size_class} == HAND["by_size_class"]
    assert {b.key: b.count for b in figures.by_state if b.count} == HAND["by_state"]
    assert len(figures.by_state) == 16
    assert figures.sample_adoptions == HAND["sample_adoptions"]
    assert [(c.slug, c.count, c.depth, c.in_operation) for c in figures.travelled_furthest] == HAND["top"]
    assert figures.travelled_furthest[2].is_sample and not figures.travelled_furthest[0].is_sample


def test_the_page_shows_every_hand_counted_figure(client, adoptions):
    response = client.get("/wirkung/")
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "von 5 Praxisbeispielen" in text
    assert re.search(r"<dd>4</dd>.*?<dd>9</dd>.*?<dd>33 %</dd>", html, re.S)
    assert "3 von 9 Übernahmen (33 %)" in text
    assert "auch 2 geplante, 3 in der Pilotphase und 1 abgebrochene" in text
    # every chart: an SVG with role="img", title and description, and a table with the same values
    charts = re.findall(r'<svg class="impact-chart__svg".*?</svg>', html, re.S)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
    assert "Balkendiagramm, Übernahmen je Jahr. 2020: 1; 2021: 0; 2022: 1; 2023: 2; 2024: 4; Jahr unbekannt: 1." in html
    assert "Übernahmen je Größenklasse. Landgemeinde: 3; Kleinstadt: 4; Mittelstadt: 2; Großstadt: 0." in html
    assert "Übernahmen je Land. Sachsen-Anhalt: 5; Baden-Württemberg: 3; Niedersachsen: 1." in html
    assert (
        "Übernahmen je Thema. Digitale Verwaltung: 4; Straßen &amp; Infrastruktur: 4; Bildung &amp; Kita: 2; "
        "Jugend: 2; Energie &amp; Klimaschutz: 1." in html
    )
    assert "Übernahmen je Stand. geplant: 2; Pilotphase: 3; im Betrieb: 2; abgeschlossen: 1; abgebrochen: 1." in html
    assert '<tr><th scope="row">2024</th><td class="num">4</td></tr>' in html
    assert '<tr><th scope="row">Sachsen-Anhalt</th><td class="num">5</td></tr>' in html
    assert "Noch keine Übernahme in: Bayern, Berlin, Brandenburg" in text
    # the values are printed at the bars, not told by their length alone
    assert re.search(r'class="impact-chart__value"[^>]*>4</text>', html)
    # furthest travelled, in order, with links; the unpublished case and its town nowhere
    top = re.findall(r'class="impact-top__title" href="([^"]+)">([^<]+)<', html)
    assert [title for _, title in top] == [
        "Straßenzustand per App erfassen",
        "Jugendparlament mit eigenem Budget",
        "Kita-Platz online anmelden",
        "Kommunale Wärmeplanung gemeinsam beauftragen",
    ]
    assert top[0][0] == adoptions["strassen-app"].url
    assert "von 4 Kommunen übernommen, 2 im Betrieb, weitergegeben über 2 Stufen" in text
    assert "von 2 Kommunen übernommen, noch keine im Betrieb, weitergegeben über 2 Stufen" in text
    assert "Orts-App" not in text and "Wanzleben" not in text
    # sample data labelled; the stopped reason (editors only) not shown
    assert "Beispieldaten: 1 der 9 Übernahmen sind für die Demo erfundene Beispieldaten" in text
    assert "Kein Personal" not in text
    assert re.search(r"Stand: \d{1,2}\. \w+ \d{4}, \d\d:\d\d Uhr", text)
    assert 'href="/api/v1/impact.csv"' in html and 'href="/api/v1/impact/"' in html
    assert "getrennt durch Semikolon wie bei Destatis" in text


def test_json_equals_the_hand_count(client, adoptions):
    response = client.get("/api/v1/impact/")
    assert response.status_code == 200
    data = response.json()
    assert data["solutions_total"] == HAND["solutions_total"]
    assert data["solutions_travelled"] == HAND["solutions_travelled"]
    assert data["adoptions"] == HAND["adoptions"]
    assert data["reached_operation"] == {"count": 3, "of": 9, "share": 0.3333}
    assert {b["key"]: b["count"] for b in data["by_status"]} == HAND["by_status"]
    assert [(b["key"], b["count"]) for b in data["per_year"]] == HAND["per_year"]
    assert [(b["key"], b["label"], b["count"]) for b in data["by_topic"]] == HAND["by_topic"]
    assert {b["key"]: b["count"] for b in data["by_size_class"]} == HAND["by_size_class"]
    assert {b["key"]: b["count"] for b in data["by_state"] if b["count"]} == HAND["by_state"]
    assert [b["key"] for b in data["by_state"]] == [f"{n:02d}" for n in range(1, 17)]
    assert data["sample_adoptions"] == 1
    first = data["travelled_furthest"][0]
    assert first == {
        "slug": "strassen-app",
        "title": "Straßenzustand per App erfassen",
        "url": adoptions["strassen-app"].url,
        "municipality": {"ags": "15083040", "name": "Barleben", "state": "Sachsen-Anhalt"},
        "count": 4,
        "depth": 2,
        "in_operation": 2,
        "is_sample": False,
    }
    assert [(c["slug"], c["count"], c["depth"], c["in_operation"]) for c in data["travelled_furthest"]] == HAND["top"]
    assert data["page_url"] == "/wirkung/" and data["csv_url"] == "/api/v1/impact.csv"
    assert "Kein Personal" not in response.content.decode()


def test_csv_equals_the_hand_count_and_opens_in_a_spreadsheet(client, adoptions):
    response = client.get("/api/v1/impact.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="wirkung-\d{4}-\d\d-\d\d\.csv"', response["Content-Disposition"])
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the umlauts as UTF-8
    text = raw.decode("utf-8-sig")
    # semicolons, as a German Excel expects (with commas it puts every row into column A)
    assert text.startswith("figure;key;label;value\r\n")
    assert "\r\nby_topic;strassen-infrastruktur;Straßen & Infrastruktur;4\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["figure", "key", "label", "value"]
    values = {(figure, key): value for figure, key, _, value in rows[1:]}
    assert values["solutions_total", ""] == "5"
    assert values["solutions_travelled", ""] == "4"
    assert values["adoptions", ""] == "9"
    assert values["reached_operation", ""] == "3"
    assert values["reached_operation_percent", ""] == "33"
    assert values["sample_adoptions", ""] == "1"
    assert {k: int(v) for (f, k), v in values.items() if f == "by_status"} == HAND["by_status"]
    assert [(k, int(v)) for (f, k), v in values.items() if f == "per_year"] == HAND["per_year"]
    assert [(k, int(v)) for (f, k), v in values.items() if f == "by_topic"] == [(s, n) for s, _, n in HAND["by_topic"]]
    assert {k: int(v) for (f, k), v in values.items() if f == "by_size_class"} == HAND["by_size_class"]
    assert {k: int(v) for (f, k), v in values.items() if f == "by_state" and v != "0"} == HAND["by_state"]
    assert [(k, int(v)) for (f, k), v in values.items() if f == "travelled_furthest_count"] == [
        (slug, n) for slug, n, _, _ in HAND["top"]
    ]
    assert ["by_topic", "strassen-infrastruktur", "Straßen & Infrastruktur", "4"] in rows
    # no decimal separator anywhere: every value but the time stamp is a whole number
    assert all(re.fullmatch(r"\d*", value) for figure, _, _, value in rows[1:] if figure != "computed_at")


def test_a_title_that_looks_like_a_formula_stays_text_in_the_csv(client, tmp_path, towns, index):
    (case,) = publish_cases(tmp_path, case_line("formel", title='=HYPERLINK("http://x")'))
    solution_adopter_save(case.pk, towns["calw"], status="pilot", since_year=2024)
    text = client.get("/api/v1/impact.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["travelled_furthest_count", "formel", '\'=HYPERLINK("http://x")', "1"] in rows


def test_without_any_adoption_the_page_says_so(client, site):
    response = client.get("/wirkung/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Noch hat keine Kommune eine Lösung aus dem Baukasten übernommen." in text
    assert "Beispieldaten" not in text
    data = client.get("/api/v1/impact/").json()
    assert data["adoptions"] == 0 and data["reached_operation"]["share"] is None and data["per_year"] == []


def test_figures_are_a_snapshot_refreshed_after_a_day(client, adoptions, towns):
    first = client.get("/api/v1/impact/").json()
    assert first["adoptions"] == 9
    stored = ImpactSnapshot.objects.get()
    # A new adoption does not change the figures of the same day …
    adopt(adoptions["heizung-sensoren"], towns["calw"], "pilot", 2024)
    assert client.get("/api/v1/impact/").json()["adoptions"] == 9
    assert impact_current(stored.computed_at + MAX_AGE).adoptions == 9
    # … but once they are older than a day, the next reader gets them recomputed, and the page says when.
    ImpactSnapshot.objects.update(computed_at=stored.computed_at - MAX_AGE - dt.timedelta(minutes=1))
    assert client.get("/api/v1/impact/").json()["adoptions"] == 10
    refreshed = ImpactSnapshot.objects.get()
    assert timezone.now() - refreshed.computed_at < dt.timedelta(minutes=1)
    assert ImpactSnapshot.objects.count() == 1
    when = timezone.localtime(refreshed.computed_at)
    assert f"{when:%H:%M} Uhr" in client.get("/wirkung/").content.decode()


def test_refresh_command_recomputes_and_reports_in_german(adoptions, towns, capsys):
    call_command("refresh_impact")
    out = capsys.readouterr().out
    assert "Wirkungszahlen werden aus den veröffentlichten Praxisbeispielen berechnet" in out
    assert (
        "4 von 5 Lösungen gereist, 9 Übernahmen, davon 3 im Betrieb oder abgeschlossen (33 %); 1 Beispieldaten." in out
    )
    adopt(adoptions["heizung-sensoren"], towns["calw"], "in_operation", 2025)
    call_command("refresh_impact", verbosity=0)
    assert ImpactSnapshot.objects.get().figures["adoptions"] == 10
    assert capsys.readouterr().out == ""


def test_the_site_links_the_page_and_has_exactly_one(client, site):
    assert ImpactPage.objects.count() == 1
    page = ImpactPage.objects.get()
    assert page.url == "/wirkung/" and page.get_parent().specific_class.__name__ == "HomePage"
    assert not ImpactPage.can_create_at(page.get_parent())  # max_count = 1
    html = client.get("/").content.decode()
    assert html.count('href="/wirkung/"') == 2  # under the home page's figures and in the footer


def test_editors_intro_is_shown(client, site):
    page = ImpactPage.objects.get()
    page.intro = "<p>Breitenwirkung statt „Leuchttürme“: Was Kommunen übernehmen, zählt.</p>"
    page.save_revision().publish()
    assert "Breitenwirkung statt „Leuchttürme“" in client.get("/wirkung/").content.decode()


def test_setup_demo_creates_the_page_and_prints_its_figures(client):
    from tests.pages.test_demo import setup_demo

    out = setup_demo()
    figures = ImpactSnapshot.objects.get().figures
    line = (
        f"/wirkung/: {figures['solutions_travelled']} von {figures['solutions_total']} Lösungen gereist, "
        f"{figures['adoptions']} Übernahmen"
    )
    assert line in out
    assert figures["solutions_total"] == 25 and figures["adoptions"] >= 2
    assert ImpactPage.objects.get().url == "/wirkung/"
    assert client.get("/wirkung/").status_code == 200
    setup_demo()  # a second run keeps the one page
    assert ImpactPage.objects.count() == 1


def test_the_api_schema_tells_the_csv_separator(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = next(op["get"] for path, op in schema["paths"].items() if path.endswith("/impact.csv"))
    assert "Semikolon als Trennzeichen" in operation["description"] and "Komma" not in operation["description"]
