"""Issue 16, item 1: an umlaut must not take the site down.

An editor created the topic „Grünflächen & Friedhöfe“ in the admin; its slug kept the umlauts, and `/`,
`/sitemap.xml` and every case page carrying the topic answered 500 (NoReverseMatch: the URL patterns allow
[-a-z0-9] only). A case created in the admin got the slug „blühwiesen-…“, and `import_solutions` rejected
the file `export_solutions` had just written. Every slug is ASCII now, whichever way it is written."""

from __future__ import annotations

import importlib
import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from municipalities.models import Municipality
from municipalities.text import ascii_slug, name_slug
from pages.models import ContentPage
from solutions.models import SolutionPage, Supplier, Topic
from tests.factories.solutions import case_line, publish_cases
from tests.solutions.admin_forms import submit

pytestmark = pytest.mark.django_db

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC = "Grünflächen & Friedhöfe"


def export(path) -> list[dict]:
    call_command("export_solutions", str(path), stdout=StringIO(), stderr=StringIO())
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def import_(path) -> str:
    out = StringIO()
    call_command("import_solutions", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def create_topic_in_admin(client, name: str, slug: str) -> Topic:
    response = submit(
        client, reverse("wagtailsnippets_solutions_topic:add"), "w-editor-form", {"name": name, "slug": slug}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Topic.objects.get(name=name)


def create_supplier_in_admin(client, name: str, slug: str, topics: list[Topic] = (), description: str = "") -> Supplier:
    response = submit(
        client,
        reverse("wagtailsnippets_solutions_supplier:add"),
        "w-editor-form",
        {
            "name": name,
            "slug": slug,
            "website": "https://example.org",
            "description": description,
            "topics": [t.pk for t in topics],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Supplier.objects.get(name=name)


def create_case_in_admin(client, index, title: str, slug: str, topics: list[Topic], suppliers=()) -> SolutionPage:
    """The page editor's create form, filled in and published as the editor does (the admin's script
    posts the StreamField as <name>-count, <name>-0-type …)."""
    changes = {
        "title": title,
        "slug": slug,
        "teaser": "Statt Rasen blühen Wiesen auf den Grünflächen der Gemeinde.",
        "lead_municipality": Municipality.objects.get(ags="15083040").pk,
        "topics": [t.pk for t in topics],
        "suppliers": [s.pk for s in suppliers],
        "problem": "Rasen mähen kostet Zeit, Geld und Insekten.",
        **nested_form_data({"solution": streamfield([("text", rich_text("<p>Wir säen Wildblumen aus.</p>"))])}),
        "status": "in_operation",
        "year": "2023",
        "contact_name": "Jörg Müller",
        "contact_email": "gruen@example.org",
        "contact_consent": "on",
    }
    url = reverse("wagtailadmin_pages:add", args=["solutions", "solutionpage", index.pk])
    response = submit(client, url, "page-edit-form", changes, button="action-publish")
    assert response.status_code == 302, _errors(response)
    return SolutionPage.objects.get(title=title)


def _errors(response) -> str:
    text = response.content.decode()
    return "\n".join(re.findall(r'class="error-message"[^>]*>(.*?)</', text, re.S)) or text[:2000]


# --- the rule -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (TOPIC, "gruenflaechen-friedhoefe"),
        ("Straßen & Infrastruktur", "strassen-infrastruktur"),
        ("Blühwiesen statt Rasen", "bluehwiesen-statt-rasen"),
        ("Überlingen", "ueberlingen"),
        ("ÄRZTE-HÄUSER", "aerzte-haeuser"),
        ("GROẞ", "gross"),
        ("u\u0308ber", "ueber"),  # "über" typed with a combining diaeresis (macOS)
        ("Café Crème Brûlée", "cafe-creme-brulee"),
        ("Łódź", "lodz"),
        ("„Kita-Plätze“ – 2024", "kita-plaetze-2024"),
        ("Bürger*innen-Dialog", "buergerinnen-dialog"),
        ("mein_fall", "mein-fall"),
        ("  --a--b--  ", "a-b"),
        ("🌳 Baumpflege 🌳", "baumpflege"),
        ("🌳", ""),
    ],
)
def test_the_slug_rule_transliterates_german_and_leaves_only_a_to_z_digits_and_hyphens(text, slug):
    assert ascii_slug(text) == slug
    assert ascii_slug(slug) == slug  # idempotent: a stored slug stays as it is
    assert slug == "" or SLUG.match(slug)


def test_the_slug_rule_cuts_at_a_word_boundary_within_the_length():
    slug = ascii_slug("Grünflächenämter " * 20, 50)
    assert len(slug) <= 50 and SLUG.match(slug)


def test_municipality_slugs_use_the_same_rule():
    assert name_slug("Überlingen") == "ueberlingen"
    assert name_slug("Gröningen") == "groeningen"
    assert name_slug("🌳") == "kommune"


# --- written through the admin ------------------------------------------------------------------------


def test_topic_created_in_the_admin_gets_an_ascii_slug(client, editor):
    client.force_login(editor)
    # What the editor typed into the slug field (the admin's script used to keep umlauts).
    assert create_topic_in_admin(client, TOPIC, "grünflächen-friedhöfe").slug == "gruenflaechen-friedhoefe"
    # Left empty, the slug is made from the name.
    assert create_topic_in_admin(client, "Ärztliche Versorgung", "").slug == "aerztliche-versorgung"


def test_a_transliterated_slug_that_is_taken_is_a_form_error_not_a_crash(client, editor):
    client.force_login(editor)
    response = submit(
        client,
        reverse("wagtailsnippets_solutions_topic:add"),
        "w-editor-form",
        {"name": "Straßen", "slug": "Straßen & Infrastruktur"},
    )
    assert response.status_code == 200
    assert Topic.objects.filter(slug="strassen-infrastruktur").count() == 1
    assert not Topic.objects.filter(name="Straßen").exists()


def test_the_admin_prefills_slugs_with_the_german_transliteration(client, editor, index):
    client.force_login(editor)
    for url in (
        reverse("wagtailsnippets_solutions_topic:add"),
        reverse("wagtailsnippets_solutions_supplier:add"),
        reverse("wagtailadmin_pages:add", args=["solutions", "solutionpage", index.pk]),
    ):
        html = client.get(url).content.decode()
        slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', html).group(0)
        assert "data-w-slug-allow-unicode-value" not in slug_input, url
        assert "data-w-slug-formatters-value" in slug_input, url
        assert "&quot;ae&quot;" in slug_input and "&quot;ss&quot;" in slug_input, url


def test_supplier_created_in_the_admin_gets_an_ascii_slug(client, editor):
    client.force_login(editor)
    assert create_supplier_in_admin(client, "Müller & Söhne GmbH", "müller-söhne").slug == "mueller-soehne"
    assert create_supplier_in_admin(client, "Grünwerk eG", "").slug == "gruenwerk-eg"
    assert client.get(Supplier.objects.get(name="Grünwerk eG").get_absolute_url()).status_code == 200


def test_an_umlaut_topic_from_the_admin_keeps_home_sitemap_case_and_topic_pages_up(
    client, editor, tmp_path, register, index
):
    client.force_login(editor)
    topic = create_topic_in_admin(client, TOPIC, "grünflächen-friedhöfe")
    [case] = publish_cases(tmp_path, case_line("barleben-wiesen", topics=[TOPIC]))
    client.logout()

    for url in ("/", "/sitemap.xml", case.url, topic.get_absolute_url(), "/praxisbeispiele/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert topic.get_absolute_url() == "/themen/gruenflaechen-friedhoefe/"
    assert 'href="/themen/gruenflaechen-friedhoefe/"' in client.get(case.url).content.decode()
    assert "/themen/gruenflaechen-friedhoefe/" in client.get("/sitemap.xml").content.decode()


def test_a_case_created_in_the_admin_gets_an_ascii_slug(client, editor, register, index):
    client.force_login(editor)
    topic = Topic.objects.get(slug="klimaanpassung")
    # The slug as the admin's script prefilled it from the title while unicode slugs were allowed.
    page = create_case_in_admin(client, index, "Blühwiesen statt Rasen", "blühwiesen-statt-rasen", [topic])

    assert page.slug == "bluehwiesen-statt-rasen" and page.live
    assert page.url == "/praxisbeispiele/bluehwiesen-statt-rasen/"
    assert client.get(page.url).status_code == 200


def test_pages_written_by_code_get_ascii_slugs_too(register, index):
    page = index.add_child(instance=SolutionPage(title="Blühwiesen", slug="blühwiesen", teaser="x"))
    assert page.slug == "bluehwiesen"
    # An empty slug is generated from the title, with the transliteration and without clashes.
    second = index.add_child(instance=SolutionPage(title="Blühwiesen", teaser="x"))
    assert second.slug == "bluehwiesen-2"
    # Publishing a revision that still carries an old umlaut slug keeps the slug ASCII.
    page.slug = "blühwiesen-neu"
    page.save_revision().publish()
    page.refresh_from_db()
    assert (page.slug, page.url_path) == ("bluehwiesen-neu", f"{index.url_path}bluehwiesen-neu/")


# --- export → import ----------------------------------------------------------------------------------


def test_what_the_admin_creates_survives_export_and_import(client, editor, tmp_path, register, index):
    client.force_login(editor)
    topic = create_topic_in_admin(client, TOPIC, "")
    supplier = create_supplier_in_admin(
        client,
        "Müller & Söhne GmbH",
        "mueller-gruen",
        topics=[topic],
        description="Pflanzt „Blühstreifen“ – auch auf Friedhöfen; Beratung für Grünflächenämter.",
    )
    page = create_case_in_admin(
        client,
        index,
        "Blühwiesen statt Rasen",
        "blühwiesen-statt-rasen",
        [topic, Topic.objects.get(slug="klimaanpassung")],
        suppliers=[supplier],
    )
    exported = export(tmp_path / "out.jsonl")
    [record] = exported
    assert record["slug"] == page.slug == "bluehwiesen-statt-rasen"
    assert record["topics"] == ["gruenflaechen-friedhoefe", "klimaanpassung"]
    assert record["topic_names"]["gruenflaechen-friedhoefe"] == TOPIC
    assert record["supplier"] == {
        "name": "Müller & Söhne GmbH",
        "website": "https://example.org",
        "slug": "mueller-gruen",
        "description": "Pflanzt „Blühstreifen“ – auch auf Friedhöfen; Beratung für Grünflächenämter.",
        "topics": ["gruenflaechen-friedhoefe"],
    }

    # Into the same database: accepted, nothing to change.
    assert "0 neu, 0 aktualisiert, 1 unverändert" in import_(tmp_path / "out.jsonl")

    # Into a database without the case, the topic and the supplier: the same again.
    SolutionPage.objects.all().delete()
    Topic.objects.filter(pk=topic.pk).delete()
    Supplier.objects.all().delete()
    assert "1 neu" in import_(tmp_path / "out.jsonl")
    again = export(tmp_path / "again.jsonl")
    for item in exported + again:
        item.pop("last_confirmed")
    assert again[0]["supplier"] == exported[0]["supplier"]
    assert again == exported
    assert Topic.objects.get(slug="gruenflaechen-friedhoefe").name == TOPIC
    # The supplier as the editor made it: its slug, its offering and its topics (once only name and website).
    supplier = Supplier.objects.get()
    assert supplier.slug == "mueller-gruen"
    assert supplier.description.startswith("Pflanzt „Blühstreifen“")
    assert [t.slug for t in supplier.topics.all()] == ["gruenflaechen-friedhoefe"]


def test_an_export_written_before_the_fix_still_imports(tmp_path, register, index):
    """Files exported while umlaut slugs were stored: the slugs are transliterated as the migration did."""
    publish_cases(tmp_path, case_line("bluehwiesen"))
    line = {**case_line("blühwiesen", title="Neuer Titel"), "topics": ["grünflächen-friedhöfe"]}
    (tmp_path / "old.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")

    assert "1 aktualisiert" in import_(tmp_path / "old.jsonl")
    page = SolutionPage.objects.get()
    assert (page.slug, page.title) == ("bluehwiesen", "Neuer Titel")
    assert [t.slug for t in page.topics.all()] == ["gruenflaechen-friedhoefe"]


# --- stored before the fix, or around the model -------------------------------------------------------


def test_a_stored_umlaut_slug_cannot_make_a_page_fail(client, tmp_path, register, index):
    """Defence in depth: a slug written around the model (SQL, an old fixture) still links, and the link
    leads to the topic, not to a 500."""
    topic = Topic.objects.create(name=TOPIC)
    [case] = publish_cases(tmp_path, case_line("barleben-wiesen", topics=[TOPIC], supplier={"name": "Müller"}))
    Topic.objects.filter(pk=topic.pk).update(slug="grünflächen-friedhöfe")
    assert Topic.objects.get(pk=topic.pk).slug == "gruenflaechen-friedhoefe"  # even an update transliterates
    store_around_the_model(Topic, topic.pk, "grünflächen-friedhöfe")
    store_around_the_model(Supplier, Supplier.objects.get().pk, "müller")
    topic.refresh_from_db()
    assert topic.slug == "grünflächen-friedhöfe"

    for url in ("/", "/sitemap.xml", case.url):
        assert client.get(url).status_code == 200, url
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert client.get(Supplier.objects.get().get_absolute_url()).status_code == 200

    store_around_the_model(Topic, topic.pk, "🌳")
    assert client.get(case.url).status_code == 200
    assert client.get("/sitemap.xml").status_code == 200


def store_around_the_model(model, pk: int, slug: str) -> None:
    """Writes a slug with SQL, past the model (even ``QuerySet.update`` transliterates it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET slug = %s WHERE id = %s", [slug, pk])  # noqa: S608


def _migration():
    return importlib.import_module("solutions.migrations.0004_ascii_slugs")


def test_the_data_migration_transliterates_stored_slugs(client, tmp_path, register, index):
    [case] = publish_cases(tmp_path, case_line("wiesen", topics=["klimaanpassung"]))
    taken = Topic.objects.create(name="Grünflächen", slug="gruenflaechen")
    broken = Topic.objects.create(name="Grünflächen & Friedhöfe", slug="x")
    store_around_the_model(Topic, broken.pk, "grünflächen")
    store_around_the_model(Supplier, Supplier.objects.create(name="Müller", slug="x").pk, "müller")
    # A case slug with umlauts below an index page with umlauts, as the admin allowed before.
    index_path = index.url_path
    old_index_path = index_path.replace("praxisbeispiele", "übersicht")
    Page.objects.filter(pk=index.pk).update(slug="übersicht", url_path=old_index_path)
    Page.objects.filter(pk=case.pk).update(slug="blühwiesen", url_path=old_index_path + "blühwiesen/")
    revision = case.latest_revision
    revision.content["slug"] = "blühwiesen"
    revision.save()
    about = index.get_parent().add_child(instance=ContentPage(title="Über uns", slug="ueber-uns", body="<p>Wir</p>"))
    Page.objects.filter(pk=about.pk).update(slug="über-uns", url_path=about.url_path.replace("ueber", "über"))

    _migration().transliterate_slugs(apps, None)

    assert Topic.objects.get(pk=broken.pk).slug == "gruenflaechen-2"
    assert Topic.objects.get(pk=taken.pk).slug == "gruenflaechen"
    assert Supplier.objects.get(name="Müller").slug == "mueller"
    case = SolutionPage.objects.get(pk=case.pk)
    assert case.slug == "bluehwiesen"
    assert case.url_path == index_path.replace("praxisbeispiele", "uebersicht") + "bluehwiesen/"
    assert case.latest_revision.content["slug"] == "bluehwiesen"
    assert Page.objects.get(pk=about.pk).slug == "ueber-uns"
    assert client.get("/ueber-uns/").status_code == 200
    # The old addresses lead to the new ones.
    response = client.get("/übersicht/blühwiesen/")
    assert response.status_code in (301, 302) and response["Location"].endswith("/uebersicht/bluehwiesen/")
    assert client.get(case.url).status_code == 200
    for page in Page.objects.all():
        assert page.depth == 1 or SLUG.match(page.slug), page.slug
