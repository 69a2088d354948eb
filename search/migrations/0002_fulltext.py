"""Full-text structures of the database backend, one per engine.

SQLite: an FTS5 table over the analysed columns, kept in step by triggers (external content).
PostgreSQL: a generated, weighted tsvector column with a GIN index ('simple' configuration, because
the German analysis already happened in Python – see search/analysis.py).
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        index_title, index_teaser, index_body, content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, index_title, index_teaser, index_body)
        VALUES (new.id, new.index_title, new.index_teaser, new.index_body); END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, index_title, index_teaser, index_body)
        VALUES ('delete', old.id, old.index_title, old.index_teaser, old.index_body); END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, index_title, index_teaser, index_body)
        VALUES ('delete', old.id, old.index_title, old.index_teaser, old.index_body);
        INSERT INTO search_fts(rowid, index_title, index_teaser, index_body)
        VALUES (new.id, new.index_title, new.index_teaser, new.index_body); END""",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    """ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(index_title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(index_teaser, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(index_body, '')), 'C')) STORED""",
    "CREATE INDEX search_searchentry_document ON search_searchentry USING GIN (document)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_searchentry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
