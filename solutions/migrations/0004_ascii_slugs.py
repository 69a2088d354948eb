"""Stored slugs made ASCII (issue 16): topics, suppliers and pages whose slugs kept umlauts or other
non-ASCII letters get the transliterated slug ("grünflächen" → "gruenflaechen"; "-2" … where that is taken).
Pages also get the new slug in their revisions (publishing an old revision must not bring the old slug
back), the new URL path for themselves and their descendants, and a redirect from the old address."""

from django.db import migrations

from municipalities.text import ascii_slug, is_ascii_slug

PAGE_STEP = 4  # treebeard's path step for Wagtail pages


def _free(base: str, taken: set[str], max_length: int) -> str:
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = base[: max_length - len(suffix)].rstrip("-") + suffix, n + 1
    return slug


def _snippets(apps) -> None:
    for model_name, fallback in (("Topic", "thema"), ("Supplier", "anbieter")):
        model = apps.get_model("solutions", model_name)
        max_length = model._meta.get_field("slug").max_length
        taken = set(model.objects.values_list("slug", flat=True))
        for pk, slug, name in model.objects.order_by("pk").values_list("pk", "slug", "name"):
            if is_ascii_slug(slug):
                continue
            base = ascii_slug(slug, max_length) or ascii_slug(name, max_length) or fallback
            new = _free(base, taken - {slug}, max_length)
            taken.discard(slug)
            taken.add(new)
            model.objects.filter(pk=pk).update(slug=new)


def _pages(apps) -> None:
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    Site = apps.get_model("wagtailcore", "Site")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    roots = list(Site.objects.values_list("pk", "root_page__url_path"))
    # Parents first: their new URL path reaches the children before those are looked at.
    for pk in Page.objects.filter(depth__gt=1).order_by("depth", "path").values_list("pk", flat=True):
        page = Page.objects.get(pk=pk)
        if is_ascii_slug(page.slug):
            continue
        parent_path = page.path[:-PAGE_STEP]
        siblings = set(
            Page.objects.filter(depth=page.depth, path__startswith=parent_path)
            .exclude(pk=page.pk)
            .values_list("slug", flat=True)
        )
        new_slug = _free(ascii_slug(page.slug, 255) or ascii_slug(page.title, 255) or "seite", siblings, 255)
        old_url_path = page.url_path
        new_url_path = old_url_path[: -len(page.slug) - 1] + new_slug + "/"
        Page.objects.filter(pk=page.pk).update(slug=new_slug)
        for revision in Revision.objects.filter(base_content_type=page_type, object_id=str(page.pk)):
            if revision.content.get("slug") == page.slug:
                revision.content["slug"] = new_slug
                revision.content["url_path"] = new_url_path
                revision.save(update_fields=["content"])
        for moved_pk, url_path in Page.objects.filter(path__startswith=page.path).values_list("pk", "url_path"):
            if not url_path.startswith(old_url_path):
                continue
            Page.objects.filter(pk=moved_pk).update(url_path=new_url_path + url_path[len(old_url_path) :])
            for site_pk, root_url_path in roots:
                if root_url_path and url_path.startswith(root_url_path):
                    Redirect.objects.get_or_create(
                        old_path="/" + url_path[len(root_url_path) :].rstrip("/"),
                        site_id=site_pk,
                        defaults={"redirect_page_id": moved_pk, "is_permanent": True, "automatically_created": True},
                    )


def transliterate_slugs(apps, schema_editor) -> None:
    _snippets(apps)
    _pages(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("solutions", "0003_ascii_slug_fields"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(transliterate_slugs, migrations.RunPython.noop)]
