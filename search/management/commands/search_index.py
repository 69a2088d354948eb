from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.backends import configured_external_backends
from search.documents import prepare_document
from search.indexing import embeddings_for, entries_write, process_outbox
from search.models import IndexTask, SearchEntry
from search.tasks import enqueue
from solutions.models import SolutionPage
from solutions.selectors import solution_detail_queryset


class Command(BaseCommand):
    help = (
        "Suchindex pflegen: rebuild (alles neu, bei Elasticsearch in einen neuen Index mit atomarem Alias-Wechsel), "
        "status (Abgleich Datenbank ↔ Index), sync (Abweichungen und liegengebliebene Aufgaben nachholen), "
        "worker (Aufgaben fortlaufend abarbeiten), check (prüft einen Elasticsearch-Cluster in einem Wegwerf-Index; "
        "Exit-Code 0 bestanden, 1 nicht bestanden, 2 ohne ELASTICSEARCH_URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "status", "sync", "worker", "check"])
        parser.add_argument("--interval", type=float, default=5.0, help="worker: Sekunden zwischen zwei Läufen")

    def handle(self, *args, action: str, interval: float, verbosity: int, **options) -> None:
        getattr(self, f"_{action}")(verbosity=verbosity, interval=interval)

    def _live_ids(self) -> set[int]:
        return set(SolutionPage.objects.live().public().values_list("pk", flat=True))

    def _rebuild(self, verbosity: int, **_) -> None:
        pages = solution_detail_queryset().live().public().order_by("pk")
        total = pages.count()
        externals = configured_external_backends()
        targets = []
        for backend in externals:
            name = backend.new_index_name()
            backend.create_index(name)
            targets.append((backend, name))
        batch: list = []
        with tqdm(total=total, unit=" Fälle", desc="Suchindex", file=self.stderr._out, disable=verbosity == 0) as bar:
            for chunk in _chunks(pages.iterator(chunk_size=200), 200):
                documents = [prepare_document(page) for page in chunk]
                embedded = embeddings_for(documents)
                entries_write([(d, digest, vector) for d, (digest, vector) in zip(documents, embedded, strict=True)])
                batch.extend((d, vector) for d, (_digest, vector) in zip(documents, embedded, strict=True))
                if len(batch) >= 500:
                    for backend, name in targets:
                        backend.bulk_index(name, batch)
                    batch = []
                bar.update(len(chunk))
        for backend, name in targets:
            if batch:
                backend.bulk_index(name, batch)
            backend.swap_alias(name)
            # the old versions and those of aborted rebuilds, each deleted by its name
            dropped = backend.drop_index_versions(older_than=name)
            old = "1 alter Index" if len(dropped) == 1 else f"{len(dropped)} alte Indizes"
            self.stdout.write(f"Elasticsearch: Alias {backend.alias} → {name}; {old} gelöscht")
        stale = SearchEntry.objects.exclude(page_id__in=self._live_ids())
        removed = stale.count()
        stale.delete()
        self.stdout.write(f"Suchindex neu aufgebaut: {total} Fälle, {removed} veraltete Einträge entfernt.")

    def _status(self, **_) -> None:
        live = self._live_ids()
        entries = set(SearchEntry.objects.values_list("page_id", flat=True))
        pending = IndexTask.objects.count()
        lines = [
            f"Veröffentlichte Fälle: {len(live)}",
            f"Datenbank-Index:      {len(entries)} (fehlen {len(live - entries)}, überzählig {len(entries - live)})",
            f"Offene Aufgaben:      {pending}",
        ]
        drift = bool(live ^ entries) or pending > 0
        for backend in configured_external_backends():
            try:
                indexed = backend.indexed_ids()
            except backend.unavailable_errors as exc:
                lines.append(f"Elasticsearch:        nicht erreichbar ({exc})")
                drift = True
                continue
            lines.append(
                f"Elasticsearch:        {len(indexed)} (fehlen {len(live - indexed)}, überzählig {len(indexed - live)})"
            )
            drift = drift or bool(live ^ indexed)
        lines.append("Keine Abweichung." if not drift else "Abweichung: `search_index sync` gleicht ab.")
        self.stdout.write("\n".join(lines))
        if drift:
            raise CommandError("Index und Datenbank weichen ab.")

    def _sync(self, **_) -> None:
        live = self._live_ids()
        known = set(SearchEntry.objects.values_list("page_id", flat=True))
        for backend in configured_external_backends():
            try:
                known &= backend.indexed_ids()
                backend.ensure_synonyms()
            except backend.unavailable_errors as exc:
                raise CommandError(f"Elasticsearch nicht erreichbar: {exc}") from None
        missing = sorted(live - known)
        extra = sorted(set(SearchEntry.objects.values_list("page_id", flat=True)) - live)
        if missing:
            enqueue(missing)
        if extra:
            enqueue(extra, IndexTask.Action.DELETE)
        done, failed = process_outbox()
        self.stdout.write(
            f"Abgleich: {len(missing)} fehlende und {len(extra)} überzählige Fälle eingeplant; "
            f"{done} Aufgaben erledigt, {failed} fehlgeschlagen."
        )
        if failed:
            raise CommandError(f"{failed} Aufgaben sind fehlgeschlagen und bleiben in der Warteschlange.")

    def _check(self, **_) -> None:
        if not settings.ELASTICSEARCH_URL:
            # A plain sentence, not Django's „CommandError: …“: for the operator this is information, not a crash.
            self.stderr.write(
                "ELASTICSEARCH_URL ist nicht gesetzt: Es gibt keinen Elasticsearch-Cluster zu prüfen "
                "(die Suche läuft über die Datenbank)."
            )
            raise SystemExit(2)
        from search.es_check import es_check_run  # the ES client only where a cluster is checked

        report = es_check_run(
            settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX_PREFIX, settings.ELASTICSEARCH_CA_CERTS
        )
        self.stdout.write(report.text())
        if not report.ok:
            raise CommandError("Elasticsearch-Prüfung nicht bestanden (Bericht oben).", returncode=1)

    def _worker(self, interval: float, **_) -> None:
        self.stdout.write(f"Suchindex-Worker läuft (alle {interval:g} s); Strg+C beendet.")
        while True:
            done, failed = process_outbox(limit=500)
            if done or failed:
                self.stdout.write(f"{done} erledigt, {failed} fehlgeschlagen")
            time.sleep(interval)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
