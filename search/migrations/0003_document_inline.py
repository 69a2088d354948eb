"""PostgreSQL: keep the tsvector in the table row (compressed) instead of TOAST.

ts_rank_cd reads the tsvector of every matching row. Out of line, each read is a TOAST index lookup and
a chunk fetch – at 50,000 cases a common word meant ~40,000 buffer reads and 60–90 ms. With STORAGE MAIN,
PostgreSQL moves the wider columns (embedding, body, analysed texts) out of line first, and the
tsvector stays in the row: the same ranking took 14 ms. The no-op UPDATE rewrites existing rows
(the generated column is computed again), so they are stored the new way too.
"""

from django.db import migrations

FORWARDS = [
    "ALTER TABLE search_searchentry ALTER COLUMN document SET STORAGE MAIN",
    "UPDATE search_searchentry SET index_title = index_title",
]
BACKWARDS = ["ALTER TABLE search_searchentry ALTER COLUMN document SET STORAGE EXTENDED"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]
    operations = [migrations.RunPython(forwards, backwards)]
