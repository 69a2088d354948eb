"""Search entries carry the lead town's population (shown on every hit with its size class). Existing
entries are queued for re-indexing through the outbox, which fills the new column and the Elasticsearch
document alike (worked off in the background, or by ``search_index sync``)."""

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
        ("search", "0004_index_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="lead_population",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(queue_reindex, migrations.RunPython.noop),
    ]
