"""Issue 16, item 2: the topic field in the page editor ate input.

Once the tag field's suggestion list was open, Enter and comma did nothing, and publishing created one
topic „Straßen & InfrastrukturSicherheit & OrdnungWinterdienst“. Topics are now ticked from the vocabulary
(with a link to create a new one), and a case is not published without a topic. The forms are posted as
the editor's browser sends them, by an editor of the group „Redaktion“ (not a superuser)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from municipalities.models import Municipality
from solutions.models import SolutionPage, Topic
from tests.factories.solutions import case_line, publish_cases, write_jsonl
from tests.solutions.admin_forms import rendered_form, submit

pytestmark = pytest.mark.django_db

MERGED = "Straßen & InfrastrukturSicherheit & OrdnungWinterdienst"
NO_TOPIC = "Bitte wählen Sie mindestens ein Thema"


def add_url(index) -> str:
    return reverse("wagtailadmin_pages:add", args=["solutions", "solutionpage", index.pk])


def solution_text(html: str = "<p>Eine App zeigt es.</p>") -> dict:
    """The StreamField "Lösung" as the admin's script posts it (the server renders no inputs for it)."""
    return nested_form_data({"solution": streamfield([("text", rich_text(html))])})


def case_form(title: str = "Winterdienst mit Streu-App", **changes) -> dict:
    return {
        "title": title,
        "slug": "winterdienst-streu-app",
        "teaser": "Die Streufahrzeuge melden, wo schon gestreut ist.",
        "lead_municipality": Municipality.objects.get(ags="15083040").pk,
        "problem": "Niemand wusste, welche Straße schon gestreut war.",
        **solution_text(),
        "status": "in_operation",
        **changes,
    }


def errors(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def topic_ids(*slugs: str) -> list[int]:
    return [Topic.objects.get(slug=slug).pk for slug in slugs]


def test_the_editor_ticks_topics_from_the_vocabulary(client, editor, register, index):
    client.force_login(editor)
    html = client.get(add_url(index)).content.decode()

    # Every topic of the vocabulary is a checkbox, and there is a way to add one.
    boxes = re.findall(r'<input type="checkbox" name="topics" value="(\d+)"', html)
    assert sorted(map(int, boxes)) == sorted(Topic.objects.values_list("pk", flat=True))
    assert "Straßen &amp; Infrastruktur" in html
    assert f'href="{reverse("wagtailsnippets_solutions_topic:add")}"' in html
    assert "Neues Thema anlegen" in html

    topics_before = Topic.objects.count()
    chosen = topic_ids("strassen-infrastruktur", "sicherheit-ordnung")
    response = submit(
        client, add_url(index), "page-edit-form", case_form(topics=chosen), button="action-publish"
    )

    assert response.status_code == 302, errors(response)[:2000]
    page = SolutionPage.objects.get(title="Winterdienst mit Streu-App")
    assert page.live
    assert sorted(t.slug for t in page.topics.all()) == ["sicherheit-ordnung", "strassen-infrastruktur"]
    assert Topic.objects.count() == topics_before


def test_typed_text_does_not_become_a_topic(client, editor, register, index):
    """What the tag field sent when its suggestion list swallowed the commas."""
    client.force_login(editor)
    response = submit(client, add_url(index), "page-edit-form", case_form(topics=MERGED), button="action-publish")

    assert response.status_code == 200
    assert not Topic.objects.filter(name__startswith="Straßen & InfrastrukturSicherheit").exists()
    assert not SolutionPage.objects.filter(title="Winterdienst mit Streu-App").exists()


def test_a_case_is_not_published_without_a_topic(client, editor, register, index):
    client.force_login(editor)
    response = submit(client, add_url(index), "page-edit-form", case_form(topics=None), button="action-publish")

    assert response.status_code == 200
    assert NO_TOPIC in errors(response)
    assert not SolutionPage.objects.filter(title="Winterdienst mit Streu-App").exists()

    # Submitting it for review needs a topic as well; a draft may still lack one.
    response = submit(client, add_url(index), "page-edit-form", case_form(topics=None), button="action-submit")
    assert response.status_code == 200 and NO_TOPIC in errors(response)
    response = submit(client, add_url(index), "page-edit-form", case_form(topics=None))
    assert response.status_code == 302, errors(response)[:2000]
    draft = SolutionPage.objects.get(title="Winterdienst mit Streu-App")
    assert not draft.live

    # Publishing the draft without choosing a topic fails; with one it goes live.
    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = submit(client, edit, "page-edit-form", solution_text(), button="action-publish")
    assert response.status_code == 200 and NO_TOPIC in errors(response)
    draft.refresh_from_db()
    assert not draft.live
    changes = {**solution_text(), "topics": topic_ids("mobilitaet")}
    response = submit(client, edit, "page-edit-form", changes, button="action-publish")
    assert response.status_code == 302, errors(response)[:2000]
    draft.refresh_from_db()
    assert draft.live and [t.slug for t in draft.topics.all()] == ["mobilitaet"]


def test_the_editor_sees_and_changes_the_topics_of_an_existing_case(client, editor, tmp_path, register, index):
    [case] = publish_cases(tmp_path, case_line(topics=["strassen-infrastruktur", "digitale-verwaltung"]))
    client.force_login(editor)
    edit = reverse("wagtailadmin_pages:edit", args=[case.pk])

    _, data = rendered_form(client.get(edit).content.decode(), "page-edit-form")
    assert sorted(map(int, data["topics"])) == sorted(topic_ids("strassen-infrastruktur", "digitale-verwaltung"))

    changes = {**solution_text(), "topics": topic_ids("mobilitaet")}
    response = submit(client, edit, "page-edit-form", changes, button="action-publish")
    assert response.status_code == 302, errors(response)[:2000]
    case = SolutionPage.objects.get(pk=case.pk)
    assert [t.slug for t in case.topics.all()] == ["mobilitaet"]
    assert [t.slug for t in case.get_latest_revision_as_object().topics.all()] == ["mobilitaet"]


def test_a_topic_added_in_the_snippets_is_offered_in_the_editor(client, editor, register, index):
    client.force_login(editor)
    response = submit(
        client,
        reverse("wagtailsnippets_solutions_topic:add"),
        "w-editor-form",
        {"name": "Winterdienst", "slug": ""},
    )
    assert response.status_code == 302
    winter = Topic.objects.get(name="Winterdienst")
    assert f'name="topics" value="{winter.pk}"' in client.get(add_url(index)).content.decode()


# --- the import publishes too -------------------------------------------------------------------------


def _import(path) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_solutions", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_the_import_does_not_publish_a_new_case_without_a_topic(tmp_path, register, index):
    without = {k: v for k, v in case_line("ohne-thema").items() if k != "topics"}
    err = _import(write_jsonl(tmp_path / "f.jsonl", [case_line("mit-thema"), without, case_line("leer", topics=[])]))

    assert "Zeile 2: „topics“ fehlt" in err
    assert "Zeile 3: „topics“ ist leer" in err
    assert err.index("Zeile 2") < err.index("Zeile 3")
    assert not SolutionPage.objects.exists()


def test_an_update_may_leave_the_topics_out(tmp_path, register, index):
    publish_cases(tmp_path, case_line("vorhanden"))
    update = {k: v for k, v in case_line("vorhanden", title="Neu").items() if k != "topics"}
    call_command(
        "import_solutions", str(write_jsonl(tmp_path / "g.jsonl", [update])), stdout=StringIO(), stderr=StringIO()
    )
    page = SolutionPage.objects.get()
    assert page.title == "Neu" and [t.slug for t in page.topics.all()] == ["strassen-infrastruktur"]
