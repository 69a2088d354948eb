"""Search entries carry how far a case travelled (adopting towns, of them in operation): shown on every hit and
behind the filter „bewährt“. Existing entries are queued for re-indexing through the outbox, which fills the new
columns and the Elasticsearch documents alike (worked off in the background, or by ``search_index sync``; an
Elasticsearch index created before needs ``search_index rebuild`` for the new mapping)."""

from django.db import migrations, models


def queue_reindex(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    IndexTask = apps.get_model("search", "IndexTask")
    page_ids = SearchEntry.objects.values_list("page_id", flat=True)
    IndexTask.objects.bulk_create(
        [IndexTask(page_id=page_id, action="update") for page_id in page_ids], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_german_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="adoptions",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="übernehmende Kommunen"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="adoptions_in_operation",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="davon im Betrieb"),
        ),
        migrations.RunPython(queue_reindex, migrations.RunPython.noop),
    ]
