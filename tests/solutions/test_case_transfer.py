"""The case page shows how far the solution travelled: „Wo es läuft“ from the pilot on, the transfer sentence
(with the member's size class), published reasons for stopping under „Was schiefging“, the diffusion picture
with its text alternative, and „Wir setzen das auch um“ for members."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from solutions.services import solution_adopter_save
from tests.factories.register import municipality
from tests.factories.solutions import member
from tests.solutions.transfer_data import (
    CALW,
    GROENINGEN,
    HEMMINGEN_BW,
    SECRET_REASON,
    travelled_case,
)

pytestmark = pytest.mark.django_db

SENTENCE = "in 4 Kommunen übernommen – 1 im Betrieb, 1 im Pilotbetrieb, 1 geplant, 1 abgebrochen"


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_where_it_runs_lists_towns_from_the_pilot_on(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    html = client.get(page.url).content.decode()
    where = section(html, "h-adopters")

    assert "Barleben" in where and "federführend" in where
    assert "Gröningen" in where and "seit 2023, im Betrieb, gelernt von Barleben" in where
    assert "Calw" in where and "seit 2024, Pilotphase, gelernt von Gröningen" in where
    assert "die „Straßenbegehung“ im Frühjahr entfällt" in where and "80 %" in where and "Straßen erfasst" in where
    assert "Hemmingen" not in where  # one only plans it, the other stopped
    assert "Hospitation in Gröningen anfragen" in where


def test_the_transfer_sentence_names_the_members_size_class(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    anonymous = client.get(page.url).content.decode()
    assert SENTENCE + "<" in anonymous.replace("</p>", "<").replace("</a>", "<")
    assert "Größenklasse" not in section(anonymous, "h-transfer-record")

    # Hemmingen BW is a Kleinstadt and itself an adopter (stopped): of the two Kleinstädte among the adopters
    # (Hemmingen NI and BW) only the other one counts for its reader.
    client.force_login(member(register["hemmingen_bw"]))
    html = client.get(page.url).content.decode()
    assert f"{SENTENCE}; 1 davon in Ihrer Größenklasse" in html
    assert "2 davon" not in html

    # Calw is the only Mittelstadt among the adopters: nobody else of its size took it over
    client.force_login(member(register["calw"], "oberbuergermeister"))
    assert f"{SENTENCE}; 0 davon in Ihrer Größenklasse" in client.get(page.url).content.decode()

    # the lead town Barleben (Kleinstadt) is no adopter: both Hemmingen count
    client.force_login(member(register["barleben"], "nase"))
    assert f"{SENTENCE}; 2 davon in Ihrer Größenklasse" in client.get(page.url).content.decode()


def test_a_reason_for_stopping_shows_only_once_the_editors_publish_it(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    html = client.get(page.url).content.decode()
    assert SECRET_REASON not in html and "Wo es abgebrochen wurde" not in html

    published = "Die Lizenzkosten passten nicht in den Haushalt 2025; wir prüfen es 2026 erneut."
    solution_adopter_save(
        page.pk, register["hemmingen_bw"], status="stopped", stopped_reason=published, stopped_reason_public=True
    )
    lessons = section(client.get(page.url).content.decode(), "h-lessons")
    assert "Wo es abgebrochen wurde" in lessons and "Hemmingen" in lessons and published in lessons


def test_diffusion_picture_is_an_accessible_svg_with_a_text_alternative(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    html = client.get(page.url).content.decode()
    spread = section(html, "h-transfer-record")

    svg = spread[spread.index("<svg") : spread.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'aria-labelledby="diffusion-title diffusion-desc"' in svg
    # one arrow per named teacher on the case: Barleben→Gröningen, Gröningen→Calw, Calw→Hemmingen NI
    assert svg.count('marker-end="url(#diffusion-arrow)"') == 3
    # x = year: 2023 … 2025
    assert [int(y) for y in re.findall(r'text-anchor="middle">(\d{4})<', svg)] == [2023, 2024, 2025]
    # status by shape: lead square, filled, hatched half, dashed, crossed
    for shape in ("node--lead", "node--filled", "node--half", "node--planned", "diffusion__cross"):
        assert shape in svg, shape
    alternative = spread[spread.index('<ol class="diffusion__list"') :]
    items = [
        " ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", alternative, re.S)
    ]
    assert items == [
        "Barleben (2023) → Gröningen (2023, im Betrieb)",
        "Gröningen (2023) → Calw (2024, Pilotphase)",
        "Hemmingen (2024, abgebrochen) – über die Plattform oder Vorbild unbekannt",
        "Calw (2024) → Hemmingen (2025, geplant)",
    ]


def test_broken_and_cyclic_learned_from_still_draw(client, tmp_path, register, index):
    adopters = [
        {"ags": GROENINGEN, "year": 2023, "status": "pilot", "learned_from": CALW},
        {"ags": CALW, "year": None, "status": "in_operation", "learned_from": GROENINGEN},
        {"ags": HEMMINGEN_BW, "year": 2024, "status": "pilot", "learned_from": "03241007"},  # not on the case
    ]
    page = travelled_case(tmp_path, adopters=adopters)
    response = client.get(page.url)
    assert response.status_code == 200
    spread = section(response.content.decode(), "h-transfer-record")
    assert "o. J." in spread  # Calw has no year: its own column
    svg = spread[spread.index("<svg") : spread.index("</svg>")]
    assert svg.count('marker-end="url(#diffusion-arrow)"') == 2  # the cycle's two arrows, none to a stranger
    assert "Hemmingen (2024, Pilotphase) <span" in spread  # learned from a town not on the case: no teacher


def test_town_names_are_escaped_in_the_picture(client, tmp_path, register, index):
    municipality("15083999", '<b>Ölsen & "Söhne"</b>', 4100)
    adopters = [{"ags": "15083999", "year": 2024, "status": "pilot", "learned_from": "15083040"}]
    html = client.get(travelled_case(tmp_path, adopters=adopters).url).content.decode()
    assert "<b>Ölsen" not in html
    assert "&lt;b&gt;Ölsen &amp; &quot;Söhne&quot;&lt;/b&gt;" in html


def test_sample_rows_are_labelled(client, tmp_path, register, index):
    adopters = [{"ags": GROENINGEN, "year": 2024, "status": "pilot", "is_sample": True}]
    html = client.get(travelled_case(tmp_path, adopters=adopters).url).content.decode()
    assert "Beispieldaten" in section(html, "h-adopters")


def test_without_adopters_there_is_no_picture(client, tmp_path, register, index):
    html = client.get(travelled_case(tmp_path, adopters=[]).url).content.decode()
    assert "übernommen" not in html and '<svg class="diffusion__svg"' not in html


@pytest.mark.urls("tests.solutions.urls_without_adoption")
def test_declare_button_stays_away_without_the_adoption_app(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    assert "Anmelden und eintragen" not in client.get(page.url).content.decode()  # no hint for what is missing
    client.force_login(member(register["hemmingen_ni"]))
    assert "Wir setzen das auch um" not in client.get(page.url).content.decode()


def test_declare_button_for_approved_members_of_other_towns(client, tmp_path, register, index):
    page = travelled_case(tmp_path, adopters=[])
    assert '">Wir setzen das auch um</a>' not in client.get(page.url).content.decode()  # not signed in: only a hint

    client.force_login(member(register["hemmingen_ni"]))
    html = client.get(page.url).content.decode()
    assert f'href="{reverse("adoption:declare", args=[page.pk])}">Wir setzen das auch um' in html

    client.force_login(member(register["barleben"], "nase"))  # the lead town adopts nothing from itself
    assert "Wir setzen das auch um" not in client.get(page.url).content.decode()

    client.force_login(member(register["calw"], "kling", approved=False))
    assert "Wir setzen das auch um" not in client.get(page.url).content.decode()

    solution_adopter_save(page.pk, register["groeningen"], status="planned")
    client.force_login(member(register["groeningen"], "groeningen"))
    assert "Unser Vorhaben aktualisieren" in client.get(page.url).content.decode()


def test_a_sample_reason_shows_its_label_once_and_no_stray_colon(client, tmp_path, register, index):
    """The demo's texts begin with „Beispieldaten: …“; the badge beside the town says that already."""
    reason = "Beispieldaten: Die Fahrzeuge des Bauhofs fahren zu selten durch die Ortsteile."
    adopters = [
        {
            "ags": GROENINGEN,
            "year": 2024,
            "status": "pilot",
            "is_sample": True,
            "notes": "Beispieldaten: Für die Demo erfunden – Gröningen hat das nicht übernommen.",
        },
        {
            "ags": CALW,
            "year": 2025,
            "status": "stopped",
            "is_sample": True,
            "stopped_reason": reason,
            "stopped_reason_public": True,
        },
    ]
    html = client.get(travelled_case(tmp_path, adopters=adopters).url).content.decode()
    lessons = section(html, "h-lessons")
    stopped = lessons[lessons.index('<ul class="stopped">') :]
    assert stopped.count("Beispieldaten") == 1  # the badge
    assert "Die Fahrzeuge des Bauhofs fahren zu selten durch die Ortsteile." in stopped
    assert "</span>:" not in stopped and ": Beispieldaten" not in stopped
    where = section(html, "h-adopters")
    gröningen = where[where.index("Gröningen</a>") :]
    assert gröningen.count("Beispieldaten") == 1 and "Für die Demo erfunden – Gröningen" in gröningen


def test_an_editors_reason_keeps_its_words(client, tmp_path, register, index):
    """Only sample rows lose the prefix: a real town's reason shows exactly as the editors published it."""
    reason = "Beispieldaten aus dem Pilot überzeugten den Rat nicht – zu wenige Straßen."
    adopters = [
        {"ags": CALW, "year": 2025, "status": "stopped", "stopped_reason": reason, "stopped_reason_public": True}
    ]
    lessons = section(client.get(travelled_case(tmp_path, adopters=adopters).url).content.decode(), "h-lessons")
    assert reason in lessons and "tag--sample" not in lessons


def test_figures_show_without_trailing_zeros(client, tmp_path, register, index):
    adopters = [
        {
            "ags": GROENINGEN,
            "year": 2023,
            "status": "in_operation",
            "outcomes": [
                {"metric": "Straßen erfasst", "value": 62.5, "unit": "%", "baseline": 10},
                {"metric": "Schäden gemeldet", "value": 1234, "unit": "", "baseline": 87.25},
            ],
        }
    ]
    page = travelled_case(
        tmp_path, adopters=adopters, outcomes=[{"metric": "Straßen erfasst", "value": 12.5, "unit": "%", "baseline": 0}]
    )
    html = client.get(page.url).content.decode()
    where = section(html, "h-adopters")
    assert "<strong>62,5 %</strong> Straßen erfasst" in where and "vorher: 10 %" in where
    assert "<strong>1.234</strong> Schäden gemeldet" in where and "vorher: 87,25" in where
    assert "62,50" not in where and "10,00" not in where
    results = section(html, "h-results")
    assert "12,5 %" in results and "12,50" not in results and "vorher: 0 %" in results


def test_anonymous_visitors_learn_that_towns_can_declare(client, tmp_path, register, index):
    page = travelled_case(tmp_path)
    html = client.get(page.url).content.decode()
    hint = html[html.index('class="hint declare-hint') :]
    hint = hint[: hint.index("</p>")]
    assert "Ihre Kommune setzt das auch um?" in hint and "„Wir setzen das auch um“" in hint
    assert f'href="{reverse("login")}?next={page.url}">Anmelden und eintragen</a>' in hint
    assert f'href="{reverse("adoption:declare", args=[page.pk])}"' not in html  # no button without a town

    client.force_login(member(register["hemmingen_ni"]))
    assert "declare-hint" not in client.get(page.url).content.decode()


def test_a_town_that_stopped_can_take_it_up_again(client, tmp_path, register, index):
    page = travelled_case(tmp_path)  # Hemmingen BW stopped in 2024
    client.force_login(member(register["hemmingen_bw"]))
    html = client.get(page.url).content.decode()
    assert f'href="{reverse("adoption:declare", args=[page.pk])}">Erneut übernehmen</a>' in html
    assert "Unser Vorhaben aktualisieren" not in html

    client.force_login(member(register["calw"], "oberbuergermeister"))  # Calw runs a pilot
    assert "Unser Vorhaben aktualisieren</a>" in client.get(page.url).content.decode()


def test_the_picture_tells_phone_readers_to_swipe(client, tmp_path, register, index):
    html = client.get(travelled_case(tmp_path).url).content.decode()
    spread = section(html, "h-transfer-record")
    assert '<p class="diffusion__swipe" aria-hidden="true">Seitlich wischen, um alle Jahre zu sehen' in spread
    assert "seitlich verschiebbar" in spread  # and screen readers hear it from the scroll box's name
