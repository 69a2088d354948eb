"""A visitor opens „Wirkung“ from the home page, on a phone (375 px) and a desktop (1280 px): the figures,
charts that fit the screen with their values printed, the tables behind them, the ten solutions that travelled
furthest, the sample-data label and the CSV download; no axe violations. Screenshots:
test-artifacts/screenshots/impact-*.png, copied to /work/shots/ when that folder exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, page_problems, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/work/shots")


@pytest.fixture
def travelled(site_data, tmp_path):
    """Adopters on the three cases of ``site_data`` and on two more, from five Länder, 2019 to 2025."""
    from solutions.services import solution_adopter_save
    from tests.factories.register import municipality
    from tests.factories.solutions import case_line, publish_cases

    t = site_data.towns
    t.update(
        illschwang=municipality("09371131", "Illschwang", 2000, district_name="Amberg-Sulzbach"),
        birgland=municipality("09371116", "Birgland", 1700, district_name="Amberg-Sulzbach"),
        heidenheim=municipality("08135019", "Heidenheim an der Brenz", 50000, district_name="Heidenheim"),
        schmalkalden=municipality("16066063", "Schmalkalden", 19000, district_name="Schmalkalden-Meiningen"),
        wanzleben=municipality("15083270", "Wanzleben-Börde", 13500, district_name="Börde"),
    )
    more = publish_cases(
        tmp_path,
        case_line(
            "illschwang-orts-app",
            title="Orts-App mit Zugang für Vereine",
            municipality_ags="09371131",
            topics=["kommunikation", "interkommunale-zusammenarbeit"],
        ),
        case_line(
            "schmalkalden-jugendparlament",
            title="Jugendparlament „mit eigenem Budget“",
            municipality_ags="16066063",
            topics=["jugend", "buergerbeteiligung"],
        ),
    )
    cases = {**site_data.cases, **{page.slug: page for page in more}}

    def adopt(slug, town, status, year, learned_from=None, **extra):
        teacher = t[learned_from] if learned_from else None
        solution_adopter_save(cases[slug].pk, t[town], status=status, since_year=year, learned_from=teacher, **extra)

    adopt("barleben-schlagloecher", "groeningen", "in_operation", 2022, "barleben")
    adopt("barleben-schlagloecher", "wolmirstedt", "completed", 2023, "groeningen")
    adopt("barleben-schlagloecher", "wanzleben", "pilot", 2024, "wolmirstedt")
    adopt("barleben-schlagloecher", "calw", "stopped", 2023)
    adopt("barleben-schlagloecher", "schmalkalden", "planned", 2025)
    adopt("calw-strassenschaeden", "heidenheim", "in_operation", 2021, "calw")
    adopt("calw-strassenschaeden", "hemmingen_bw", "pilot", 2024)
    adopt("hemmingen-heizung", "hemmingen_bw", "in_operation", 2019, "hemmingen_ni")
    adopt("hemmingen-heizung", "barleben", "planned", 2025, is_sample=True)
    adopt("illschwang-orts-app", "birgland", "in_operation", 2020, "illschwang")
    adopt("illschwang-orts-app", "groeningen", "pilot", 2024)
    adopt("schmalkalden-jugendparlament", "heidenheim", "planned", 2025)
    return cases


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_impact_page_reads_well_on_phone_and_desktop(travelled, new_context, viewport):
    page = new_context(viewport, bypass_csp=True).new_page()
    report: list[str] = []
    page.goto("/")
    page.get_by_role("link", name="Wie weit die Lösungen reisen: Wirkung in Zahlen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wirkung")
    main = page.locator("main")
    expect(main).to_contain_text("Beispieldaten: 1 der 12 Übernahmen sind für die Demo erfundene Beispieldaten")
    expect(main).to_contain_text("Stand: ")
    # 5 of 12 adoptions in operation or completed
    expect(main).to_contain_text("5 von 12 Übernahmen (42 %)")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(5)
    expect(page.get_by_role("img", name="Übernahmen je Jahr")).to_be_visible()
    # every bar's value is printed next to it, inside the chart's width
    for chart in charts.all():
        box = chart.bounding_box()
        for value in chart.locator(".impact-chart__value").all():
            value_box = value.bounding_box()
            assert value_box["x"] + value_box["width"] <= box["x"] + box["width"] + 1, value.text_content()
    # the table behind a chart
    years = page.locator("section", has=page.get_by_role("heading", name="Übernahmen je Jahr"))
    years.get_by_text("Werte als Tabelle").click()
    expect(years.get_by_role("row", name="2025 3")).to_be_visible()
    top = page.locator(".impact-top__item")
    expect(top).to_have_count(5)
    expect(top.first).to_contain_text("Schlaglöcher per Smartphone erfassen")
    expect(top.first).to_contain_text("von 5 Kommunen übernommen, 2 im Betrieb, weitergegeben über 3 Stufen")
    page_problems(page, "Wirkung", report)
    shot = screenshot(page, "impact")
    if SHOTS.is_dir():
        shutil.copy(shot, SHOTS / shot.name)

    with page.expect_download() as download:
        page.get_by_role("link", name="als CSV-Tabelle").click()
    assert download.value.suggested_filename.startswith("wirkung-")
    assert not report, "\n\n".join(report)


@pytest.fixture
def demo_site(browser, live_server) -> str:
    """The demo as ``setup_demo`` leaves it (README command 1); returns what it printed."""
    import io

    from django.core.management import call_command

    from tests.factories.embeddings import embeddings_reused
    from tests.factories.search_caches import search_caches_reset
    from tests.pages.test_demo import SMALL_REGISTER

    search_caches_reset()
    out = io.StringIO()
    with embeddings_reused():
        call_command("setup_demo", register=SMALL_REGISTER, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_demo_shows_its_sample_adoptions_on_the_impact_page(demo_site, new_context, viewport):
    from pages.impact import impact_current

    figures = impact_current()
    assert f"/wirkung/: {figures.solutions_travelled} von {figures.solutions_total} Lösungen gereist" in demo_site
    page = new_context(viewport, bypass_csp=True).new_page()
    page.goto("/wirkung/")
    main = page.locator("main")
    expect(main).to_contain_text(f"{figures.adoptions} Übernahmen")
    if figures.sample_adoptions:
        expect(page.get_by_role("note")).to_contain_text("Beispieldaten")
    report: list[str] = []
    page_problems(page, "Wirkung (Demo)", report)
    shot = screenshot(page, "impact-demo")
    if SHOTS.is_dir():
        shutil.copy(shot, SHOTS / shot.name)
    assert not report, "\n\n".join(report)
