from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from municipalities.models import Municipality
from solutions.models import SolutionPage
from solutions.selectors import solution_all_size_classes, solutions_filter_size_classes
from tests.factories.register import register_csv
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


def test_case_page_shows_key_facts_outcomes_lessons_and_links(client, tmp_path, register, index):
    publish_cases(
        tmp_path,
        case_line(
            costs_eur=92380,
            costs_note="pro Jahr",
            adopters=[{"ags": "15083245", "year": 2024, "status": "pilot", "hosts_visits": True}],
            outcomes=[{"metric": "Gasverbrauch", "value": -16.56, "unit": "%", "baseline": 100}],
        ),
    )
    html = client.get("/praxisbeispiele/barleben-strassen/").content.decode()

    assert "92.380 €" in html and "pro Jahr" in html
    assert "10,00 €" in html  # 92,380 EUR / 9,238 inhabitants
    assert "3 Monate" in html and "im Betrieb" in html and "Kleinstadt" in html and "Sachsen-Anhalt" in html
    assert "-16,56 %" in html and "vorher: 100 %" in html
    assert "Was schiefging" in html and "Datenschutz früh klären." in html
    assert 'href="/themen/strassen-infrastruktur/"' in html
    assert 'href="/anbieter/vialytics/"' in html
    assert "Hospitation in Gröningen anfragen" in html
    assert 'href="/kommunen/15083245-groningen/"' in html or 'href="/kommunen/15083245-groeningen/"' in html
    assert "print.css" in html and "Für die Ratssitzung ausdrucken" in html


def test_contact_is_shown_only_with_consent(client, tmp_path, register, index):
    contact = {"name": "Erika Beispiel", "role": "Bauamt", "email": "erika@example.org", "phone": "0391 123"}
    publish_cases(
        tmp_path,
        case_line("ohne", contact={**contact, "consent": False}),
        case_line("mit", contact={**contact, "consent": True}),
    )

    hidden = client.get("/praxisbeispiele/ohne/").content.decode()
    shown = client.get("/praxisbeispiele/mit/").content.decode()

    for secret in ("Erika Beispiel", "erika@example.org", "0391 123"):
        assert secret not in hidden
        assert secret in shown


def test_the_time_of_consent_is_kept_until_the_consent_is_withdrawn():
    page = SolutionPage(contact_consent=True)
    page.stamp_contact_consent()
    stamped = page.contact_consent_at
    assert stamped is not None

    page.stamp_contact_consent()
    assert page.contact_consent_at == stamped

    page.contact_consent = False
    page.stamp_contact_consent()
    assert page.contact_consent_at is None


def test_user_text_is_escaped_everywhere(client, tmp_path, register, index):
    evil = "<script>alert('x')</script>"
    publish_cases(
        tmp_path,
        case_line(
            title=f"Titel {evil}",
            summary=evil,
            problem=evil,
            solution=evil,
            lessons_learned=evil,
            outcomes=[{"metric": evil, "value": 1, "unit": evil}],
        ),
    )
    for url in (
        "/praxisbeispiele/barleben-strassen/",
        "/praxisbeispiele/",
        "/themen/strassen-infrastruktur/",
        "/anbieter/vialytics/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url


def test_topic_page_lists_live_cases_of_the_topic(client, tmp_path, register, index):
    publish_cases(
        tmp_path, case_line("a", title="Straßenfall"), case_line("b", title="Kita-Fall", topics=["bildung-kita"])
    )
    html = client.get("/themen/strassen-infrastruktur/").content.decode()
    assert "Straßen &amp; Infrastruktur" in html
    assert "Straßenfall" in html and "Kita-Fall" not in html
    assert client.get("/themen/gibt-es-nicht/").status_code == 404


def test_supplier_page_lists_its_references(client, tmp_path, register, index):
    publish_cases(tmp_path, case_line("a", title="Fall A"), case_line("b", title="Fall B", supplier=None))
    html = client.get("/anbieter/vialytics/").content.decode()
    assert "Fall A" in html and "Fall B" not in html


def test_size_classes_follow_lead_and_adopters(tmp_path, register, index):
    (page,) = publish_cases(tmp_path, case_line(adopters=[{"ags": "15083245"}], suitable_for=["mittelstadt"]))
    assert solution_all_size_classes(page) == ["landgemeinde", "kleinstadt", "mittelstadt"]
    assert solutions_filter_size_classes(SolutionPage.objects.all(), ["landgemeinde"]).get() == page
    assert not solutions_filter_size_classes(SolutionPage.objects.all(), ["grossstadt"]).exists()


def test_an_adopters_population_change_moves_the_size_tags(tmp_path, register, index):
    (page,) = publish_cases(tmp_path, case_line(adopters=[{"ags": "15083245"}]))
    assert "landgemeinde" in solution_all_size_classes(page)

    call_command(
        "import_municipalities",
        str(register_csv(tmp_path / "r.csv", ["15083245,Gröningen,15,Börde,5200,75.5,,"])),
        stdout=StringIO(),
        stderr=StringIO(),
    )

    page = SolutionPage.objects.get(pk=page.pk)
    assert Municipality.objects.get(ags="15083245").size_class == "kleinstadt"
    assert solution_all_size_classes(page) == ["kleinstadt"]
    assert not solutions_filter_size_classes(SolutionPage.objects.all(), ["landgemeinde"]).exists()


def test_year_in_the_future_is_a_validation_error(tmp_path, register, index):
    from django.core.exceptions import ValidationError

    (page,) = publish_cases(tmp_path, case_line())
    page.year = timezone.localdate().year + 1
    with pytest.raises(ValidationError):
        page.full_clean()


def test_confirm_reminders_lists_and_emails_stale_cases(tmp_path, register, index):
    stale, _fresh, silent = publish_cases(
        tmp_path,
        case_line("alt", contact={"name": "A", "email": "alt@example.org", "consent": True}),
        case_line("neu", contact={"name": "B", "email": "neu@example.org", "consent": True}),
        case_line("stumm"),
    )
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    SolutionPage.objects.filter(pk__in=[stale.pk, silent.pk]).update(last_confirmed=long_ago)
    out = StringIO()

    call_command("confirm_reminders", stdout=out)

    assert "alt\t" in out.getvalue() and "stumm\t" in out.getvalue() and "neu\t" not in out.getvalue()
    assert "2 Praxisbeispiele fällig, 1 E-Mails gesendet" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["alt@example.org"]]
    assert "/praxisbeispiele/alt/" in mail.outbox[0].body


def test_admin_listing_filters_by_topic_size_status_and_state(client, tmp_path, register, index, admin_user):
    publish_cases(
        tmp_path,
        case_line("a", title="Fall in Barleben"),
        case_line(
            "b", title="Fall in Calw", municipality_ags="08235085", status="pilot", topics=["digitale-verwaltung"]
        ),
    )
    client.force_login(admin_user)

    def titles(**params):
        html = client.get("/admin/praxisbeispiele/", params).content.decode()
        return {t for t in ("Fall in Barleben", "Fall in Calw") if t in html}

    assert titles() == {"Fall in Barleben", "Fall in Calw"}
    assert titles(size_class="mittelstadt") == {"Fall in Calw"}
    assert titles(status="pilot") == {"Fall in Calw"}
    assert titles(state="15") == {"Fall in Barleben"}
    from solutions.models import Topic

    assert titles(topic=Topic.objects.get(slug="digitale-verwaltung").pk) == {"Fall in Calw"}


def test_editors_can_open_cases_choosers_and_snippets_in_the_admin(client, tmp_path, register, index, admin_user):
    (page,) = publish_cases(tmp_path, case_line(suitable_for=["landgemeinde"]))
    client.force_login(admin_user)

    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    assert 'name="suitable_for"' in edit.content.decode()
    assert client.get(f"/admin/pages/add/solutions/solutionpage/{index.pk}/").status_code == 200
    chooser = client.get("/admin/snippets/choose/municipalities/municipality/results/", {"q": "Barleben"})
    assert chooser.status_code == 200 and "Barleben" in chooser.content.decode()
    for url in (
        "/admin/snippets/solutions/supplier/",
        "/admin/snippets/solutions/topic/",
        "/admin/snippets/municipalities/municipalitymember/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_twenty_topics_are_seeded_with_exact_slugs_and_names(db):
    from solutions.models import Topic

    topics = dict(Topic.objects.values_list("slug", "name"))
    assert len(topics) == 20
    assert topics["digitale-verwaltung"] == "Digitale Verwaltung"
    assert topics["energie-klimaschutz"] == "Energie & Klimaschutz"
    assert topics["interkommunale-zusammenarbeit"] == "Interkommunale Zusammenarbeit"
    assert topics["wasser-abwasser"] == "Wasser & Abwasser"
