"""The index generation: one row, bumped by triggers on every write to search_searchentry, so a process
can tell with one primary-key read whether its in-memory corpus is current (see search/corpus.py)."""

from django.db import migrations, models

# The new value is the current time in microseconds, or the old value + 1 if that is larger: it grows with
# every write, and a value rolled back with its transaction is never handed out again, so a process that
# read it cannot mistake other entries for the ones it holds. An upsert, so the row comes back by itself if
# it was ever removed (test databases are flushed).
NOW_US = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
    "postgresql": "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint",
}
LARGER = {"sqlite": "max", "postgresql": "GREATEST"}


def bump(vendor: str) -> str:
    return (
        f"INSERT INTO search_indexgeneration (id, value) VALUES (1, {NOW_US[vendor]}) ON CONFLICT (id) DO UPDATE "
        f"SET value = {LARGER[vendor]}(search_indexgeneration.value + 1, {NOW_US[vendor]})"
    )


SQLITE = [
    f"CREATE TRIGGER search_generation_{event.lower()} AFTER {event} ON search_searchentry BEGIN {bump('sqlite')}; END"
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS search_generation_{e}" for e in ("insert", "update", "delete")]
POSTGRES = [
    f"""CREATE FUNCTION search_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {bump("postgresql")}; RETURN NULL; END $$""",
    # Once per statement: a bulk upsert of 200 entries bumps once.
    """CREATE TRIGGER search_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_searchentry
        FOR EACH STATEMENT EXECUTE FUNCTION search_bump_generation()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS search_generation ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_bump_generation()",
]


def forwards(apps, schema_editor):
    apps.get_model("search", "IndexGeneration").objects.create(id=1, value=0)
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_inline")]

    operations = [
        migrations.CreateModel(
            name="IndexGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "Stand des Suchindex"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
