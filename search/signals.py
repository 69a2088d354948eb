"""Connects content changes to the index outbox. Every handler only records *what* changed; the
work happens after commit (queued by search/tasks.py, done by search/indexing.py)."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from municipalities.models import Municipality
from municipalities.signals import register_changed
from search.models import IndexTask, SynonymGroup
from search.tasks import enqueue
from solutions.models import SolutionPage, Supplier, Topic


def _cases_of_municipalities(ags: list[str]) -> list[int]:
    return list(
        SolutionPage.objects.live()
        .filter(Q(lead_municipality__ags__in=ags) | Q(adopters__municipality__ags__in=ags))
        .values_list("pk", flat=True)
        .distinct()
    )


def on_published(sender, instance, **kwargs) -> None:
    enqueue([instance.pk])


def on_unpublished_or_deleted(sender, instance, **kwargs) -> None:
    enqueue([instance.pk], IndexTask.Action.DELETE)


def on_moved(sender, instance, **kwargs) -> None:
    if isinstance(instance.specific_deferred, SolutionPage):
        enqueue([instance.pk])


def on_municipality_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        enqueue(_cases_of_municipalities([instance.ags]))


def on_register_changed(sender, ags, **kwargs) -> None:
    enqueue(_cases_of_municipalities(ags))


def on_supplier_saved(sender, instance, **kwargs) -> None:
    enqueue(list(instance.solutions.live().values_list("pk", flat=True)))


def on_topic_saved(sender, instance, **kwargs) -> None:
    enqueue(list(SolutionPage.objects.live().filter(tagged_topics__tag=instance).values_list("pk", flat=True)))


def on_synonyms_changed(sender, **kwargs) -> None:
    from search.backends import configured_external_backends
    from search.query_terms import reset_synonym_cache

    reset_synonym_cache()
    for backend in configured_external_backends():
        backend.update_synonyms_safely()


def connect() -> None:
    page_published.connect(on_published, sender=SolutionPage)
    page_unpublished.connect(on_unpublished_or_deleted, sender=SolutionPage)
    post_delete.connect(on_unpublished_or_deleted, sender=SolutionPage)
    post_page_move.connect(on_moved)
    post_save.connect(on_municipality_saved, sender=Municipality)
    register_changed.connect(on_register_changed)
    post_save.connect(on_supplier_saved, sender=Supplier)
    post_save.connect(on_topic_saved, sender=Topic)
    post_save.connect(on_synonyms_changed, sender=SynonymGroup)
    post_delete.connect(on_synonyms_changed, sender=SynonymGroup)
