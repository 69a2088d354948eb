# Routine jobs, each a thin wrapper around a script or management command (see README).
#   make                       this list
#   make import-cases FILE=faelle.jsonl
# Outside the development checkout (e.g. in the container) call PYTHON=python make …
PYTHON ?= .venv/bin/python
MANAGE := $(PYTHON) manage.py
DIR ?= backups

.DEFAULT_GOAL := help
.PHONY: help bootstrap demo test ci lint migrate check-deploy import-register import-cases export-cases \
	confirm-reminders adoption-reminders search-rebuild search-status search-sync es-check worker backup restore \
	bench-load bench-search bench-pages bench-relevance bench-peers bench-tandem bench-import

help: ## diese Liste
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

bootstrap: ## .venv anlegen bzw. aktualisieren
	scripts/bootstrap

demo: ## Demodaten laden und Server auf 127.0.0.1:8000 starten
	scripts/demo

test: ## alle Tests (DATABASE_URL oder SQLite); ARGS="-k import -x" für pytest
	scripts/test $(ARGS)

ci: ## wie die CI: Migrationen prüfen, ruff, Tests auf PostgreSQL
	.ci/run

lint: bootstrap ## ruff und die Stockwerke (import-linter)
	.venv/bin/ruff check .
	.venv/bin/lint-imports

migrate: ## Datenbank migrieren
	$(MANAGE) migrate --noinput

check-deploy: ## Produktionseinstellungen prüfen (DJANGO_SECRET_KEY usw. müssen gesetzt sein)
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy

import-register: ## Gemeindeverzeichnis importieren: FILE=AuszugGV….xlsx oder .csv
	@test -n "$(FILE)" || { echo "FILE=… angeben" >&2; exit 2; }
	$(MANAGE) import_municipalities "$(FILE)"

import-cases: ## Praxisbeispiele importieren: FILE=faelle.jsonl [SKIP_INVALID=1]
	@test -n "$(FILE)" || { echo "FILE=… angeben" >&2; exit 2; }
	$(MANAGE) import_solutions "$(FILE)" $(if $(SKIP_INVALID),--skip-invalid)

export-cases: ## Praxisbeispiele exportieren: [FILE=faelle.jsonl]
	$(MANAGE) export_solutions "$(or $(FILE),faelle.jsonl)"

confirm-reminders: ## Erinnerung an unbestätigte Fälle (DRY_RUN=1: nur anzeigen)
	$(MANAGE) confirm_reminders $(if $(DRY_RUN),--dry-run)

adoption-reminders: ## „Wie weit sind Sie?“ an Kommunen mit Vorhaben (DRY_RUN=1: nur anzeigen)
	$(MANAGE) send_adoption_reminders $(if $(DRY_RUN),--dry-run)

search-rebuild: ## Suchindex neu aufbauen
	$(MANAGE) search_index rebuild

search-status: ## Suchindex mit der Datenbank abgleichen (Exit-Code 1 bei Abweichung)
	$(MANAGE) search_index status

search-sync: ## Abweichungen und liegengebliebene Indexaufträge nachholen
	$(MANAGE) search_index sync

es-check: ## Elasticsearch-Cluster prüfen (Wegwerf-Index; Exit-Code 0 bestanden, 1 nicht, 2 ohne ELASTICSEARCH_URL)
	$(MANAGE) search_index check

worker: ## Hintergrund-Worker für Indexaufträge (läuft bis Strg+C)
	$(MANAGE) search_index worker

backup: ## Datenbank (pg_dump) und Medien sichern: [DIR=backups]
	scripts/backup "$(DIR)"

restore: ## Sicherung einspielen: FILE=….dump [MEDIA=media-….tar.gz] (überschreibt!)
	@test -n "$(FILE)" || { echo "FILE=… angeben" >&2; exit 2; }
	scripts/restore "$(FILE)" $(MEDIA)

bench-load: ## Lasttest unter gunicorn: [USERS=50] [DURATION=60] (DATABASE_URL)
	$(PYTHON) bench/load.py --users $(or $(USERS),50) --duration $(or $(DURATION),60)

bench-search: ## Suchzeiten auf 50.000 Fällen
	$(PYTHON) bench/search.py

bench-pages: ## Serverzeit der öffentlichen Seiten
	$(PYTHON) bench/pages.py

bench-relevance: ## nDCG@10 und recall@10 der Suche
	$(PYTHON) bench/relevance.py

bench-peers: ## „Kommunen wie wir“ auf allen Kommunen
	$(PYTHON) bench/peers.py

bench-tandem: ## Tandem-Zuordnung 2.000 × 2.000
	$(PYTHON) bench/tandem.py

bench-import: ## Importgeschwindigkeit (Verzeichnis und 1.000 Fälle)
	$(PYTHON) bench/import_municipalities.py
	$(PYTHON) bench/import_solutions.py
