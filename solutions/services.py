"""Writes for practice cases: import, submission, editorial set-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from modelsearch.index import insert_or_update_object
from modelsearch.signal_handlers import post_save_signal_handler as modelsearch_post_save
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Page, ReferenceIndex, Workflow, WorkflowPage, WorkflowTask
from wagtail.models.workflows import GroupApprovalTask
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from municipalities.models import Municipality
from municipalities.text import ascii_slug
from solutions.exchange import record_differs, solution_apply_record
from solutions.importers.jsonl import SolutionRecord
from solutions.models import SolutionAdopter, SolutionIndexPage, SolutionPage, Topic
from solutions.selectors import solution_index_get
from solutions.slugs import unique_slug
from solutions.stream import stream_from_text

EDITOR_GROUP = "Redaktion"
WORKFLOW_NAME = "Redaktion prüft"


def editor_emails() -> list[str]:
    """Where news for the editors goes: the active members of the group „Redaktion“; without any (a fresh
    demo has only its administrator) the active superusers, so that nothing goes unread. Here, beside the
    group, so that every floor that tells the editors something (accounts, matching) asks the same rule."""
    users = get_user_model()
    for people in (users.objects.filter(groups__name=EDITOR_GROUP), users.objects.filter(is_superuser=True)):
        emails = sorted(set(people.filter(is_active=True).exclude(email="").values_list("email", flat=True)))
        if emails:
            return emails
    return []


# What the editors look after besides the cases: the vocabularies, the search synonyms, the approval of
# municipality members, the tandem rounds, and (read only) the register and the visit requests.
EDITOR_MODEL_RIGHTS = {
    ("solutions", "supplier"): ("view", "add", "change", "delete"),
    ("solutions", "topic"): ("view", "add", "change", "delete"),
    ("search", "synonymgroup"): ("view", "add", "change", "delete"),
    ("municipalities", "municipalitymember"): ("view", "change"),
    ("municipalities", "municipality"): ("view",),
    ("matching", "tandemround"): ("view", "add", "change"),
    ("matching", "hospitationrequest"): ("view",),
    ("agency", "need"): ("view", "change"),
    ("agency", "introduction"): ("view",),
}


@transaction.atomic
def editorial_setup(index: SolutionIndexPage) -> Workflow:
    """The editors' group with rights on the cases, and the workflow "Redaktion prüft" on them."""
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editors.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for codename in ("add_page", "change_page", "publish_page", "lock_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=index,
            permission=Permission.objects.get(codename=codename, content_type__app_label="wagtailcore"),
        )
    for (app_label, model), actions in EDITOR_MODEL_RIGHTS.items():
        for action in actions:
            editors.permissions.add(
                Permission.objects.get(codename=f"{action}_{model}", content_type__app_label=app_label)
            )
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        task = GroupApprovalTask.objects.create(name="Freigabe durch die Redaktion")
        task.groups.set([editors])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@dataclass
class SolutionsImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_topics: list[str] = field(default_factory=list)


@transaction.atomic
def solutions_import(
    records: list[SolutionRecord], *, on_record: Callable[[], None] | None = None
) -> SolutionsImportSummary:
    """Upserts validated records by slug and publishes them; all or nothing."""
    summary = SolutionsImportSummary()
    index = solution_index_get()
    wanted_topics = {slug for r in records for slug in r.values.get("topics", [])}
    names = {slug: name for r in records for slug, name in r.new_topics.items()}
    existing_topics = set(Topic.objects.filter(slug__in=wanted_topics).values_list("slug", flat=True))
    for slug in sorted(wanted_topics - existing_topics):
        Topic.objects.create(slug=slug, name=names.get(slug, slug))
        summary.created_topics.append(slug)
    needed_ags = {r.values.get("municipality_ags") for r in records} | {
        a["ags"] for r in records for a in r.values.get("adopters", [])
    }
    municipalities = Municipality.objects.in_bulk([a for a in needed_ags if a], field_name="ags")
    pages = {p.slug: p for p in SolutionPage.objects.child_of(index).filter(slug__in=[r.slug for r in records])}
    # Wagtail refreshes the reference index and the admin search index on every save (several times
    # per new page); once per written page, at the end, is enough.
    with disable_reference_index_auto_update(), _admin_search_index_deferred(SolutionPage):
        suppliers: dict = {}
        written = [
            _import_record(index, pages.get(r.slug), r, municipalities, suppliers, summary, on_record) for r in records
        ]
    for page in written:
        if page is not None:
            ReferenceIndex.create_or_update_for_object(page)
            insert_or_update_object(page)
    return summary


@contextmanager
def _admin_search_index_deferred(model: type) -> Iterator[None]:
    post_save.disconnect(modelsearch_post_save, sender=model)
    try:
        yield
    finally:
        post_save.connect(modelsearch_post_save, sender=model)


def _publish_imported(page: SolutionPage) -> None:
    """Publishes a page whose current field values are the content to go live.

    Ends in the same state as ``revision.publish()`` – a live revision, a "wagtail.publish" log entry,
    the ``page_published`` signal, running workflows cancelled – without rebuilding the page from its
    revision JSON and saving it again in full: the import has just written those very values.
    """
    if (workflow_state := page.current_workflow_state) is not None:
        workflow_state.cancel()
    revision = page.save_revision(clean=False, log_action=False)
    now = timezone.now()
    state = {
        "live": True,
        "expired": False,
        "has_unpublished_changes": False,
        "live_revision": revision,
        "last_published_at": now,
        "first_published_at": page.first_published_at or now,
    }
    # A plain UPDATE: ``page.save()`` would re-commit every child relation once more.
    Page.objects.filter(pk=page.pk).update(**state)
    for name, value in state.items():
        setattr(page, name, value)
    log(instance=page, action="wagtail.publish", revision=revision, content_changed=True)
    page_published.send(sender=SolutionPage, instance=page, revision=revision)


def _import_record(
    index: SolutionIndexPage,
    page: SolutionPage | None,
    record: SolutionRecord,
    municipalities: dict[str, Municipality],
    suppliers: dict,
    summary: SolutionsImportSummary,
    on_record: Callable[[], None] | None,
) -> SolutionPage | None:
    """Creates, updates or leaves one case; returns the page if it was written."""
    written = None
    if page is None:
        page = SolutionPage(slug=record.slug, title=record.values["title"])
        solution_apply_record(page, record.values, municipalities, suppliers)
        if page.last_confirmed is None:
            page.last_confirmed = timezone.localdate()
        index.add_child(instance=page)
        _publish_imported(page)
        summary.created += 1
        written = page
    elif page.has_unpublished_changes or not page.live or record_differs(page, record.values):
        page = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        solution_apply_record(page, record.values, municipalities, suppliers)
        page.save(clean=False)
        _publish_imported(page)
        summary.updated += 1
        written = page
    else:
        summary.unchanged += 1
    if on_record is not None:
        on_record()
    return written


@transaction.atomic
def solution_submit(
    *,
    member,
    title: str,
    teaser: str,
    problem: str,
    solution: str,
    results: str,
    lessons_learned: str,
    topics: list[Topic],
    costs_eur=None,
    year=None,
    status=None,
) -> SolutionPage:
    """A municipality user's case: a draft for their own municipality, put into the review workflow."""
    index = solution_index_get()
    base = ascii_slug(f"{member.municipality.name} {title}", 70) or "praxisbeispiel"
    slug = unique_slug(Page.objects.filter(path__startswith=index.path), base, 70)
    page = SolutionPage(
        title=title,
        slug=slug,
        teaser=teaser,
        problem=problem,
        results=results,
        lessons_learned=lessons_learned,
        solution=stream_from_text(solution),
        lead_municipality=member.municipality,
        costs_eur=costs_eur,
        year=year,
        status=status or "in_operation",
        live=False,
        owner=member.user,
    )
    page.topics.set(topics)
    index.add_child(instance=page)
    page.save_revision(user=member.user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, member.user)
    return page


class AdopterNotSaved(Exception):
    """The case cannot take the change (unpublished, or the town leads it); the message is German."""


ADOPTER_FIELDS = frozenset(
    {
        "since_year",
        "started_on",
        "status",
        "learned_from",
        "stopped_reason",
        "stopped_reason_public",
        "notes",
        "outcomes",
        "hosts_visits",
        "visits_per_year",
        "is_sample",
    }
)


def _adopter_apply(page: SolutionPage, municipality: Municipality, changes: dict) -> SolutionAdopter:
    rows = list(page.adopters.all())
    row = next((a for a in rows if a.municipality_id == municipality.pk), None)
    if row is None:
        row = SolutionAdopter(municipality=municipality)
        rows.append(row)
    for name, value in changes.items():
        setattr(row, name, value)
    page.adopters = rows
    return row


def solution_adopter_save(
    page_id: int, municipality: Municipality, *, user=None, only_if_new: bool = False, **changes
) -> SolutionAdopter | None:
    """Adds or changes the row of ``municipality`` among a live case's adopters — the one way members'
    declarations, hospitation feedback and the demo write adopters.

    Adopters are page content: the change is published as a revision of the live case at once, and if editors
    have an unpublished draft, their draft gets the same change so that publishing it later keeps it.
    ``only_if_new`` leaves an existing row alone (returns None). Returns the published row."""
    unknown = set(changes) - ADOPTER_FIELDS
    if unknown:
        raise TypeError(f"unknown adopter fields: {sorted(unknown)}")
    with transaction.atomic():
        # The row lock serialises writers of one case: two towns declaring at once both end up on it.
        page = SolutionPage.objects.select_for_update().get(pk=page_id)
        if not page.live:
            raise AdopterNotSaved("Dieses Praxisbeispiel ist nicht veröffentlicht.")
        if page.lead_municipality_id == municipality.pk:
            raise AdopterNotSaved(f"{municipality.name} ist die federführende Kommune dieses Praxisbeispiels.")
        if only_if_new and page.adopters.filter(municipality=municipality).exists():
            return None
        editors_draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else None
        _adopter_apply(page, municipality, changes)
        # The caller decided who may change the row (a member of that town, an editor); the member has no
        # publishing right on the page, so Wagtail's own check would refuse every declaration.
        page.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
        if editors_draft is not None:
            _adopter_apply(editors_draft, municipality, changes)
            editors_draft.save_revision(user=user, log_action=True)
        # Read back from the table: ``page`` still holds the unsaved in-memory rows the revision was made of.
        return SolutionAdopter.objects.get(page_id=page_id, municipality=municipality)
