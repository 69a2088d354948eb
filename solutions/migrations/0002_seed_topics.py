from django.db import migrations

# The 20 topics of PRODUCT.md, seeded once; editors add more in the admin (snippet "Themen").
TOPICS = (
    ("digitale-verwaltung", "Digitale Verwaltung"),
    ("energie-klimaschutz", "Energie & Klimaschutz"),
    ("mobilitaet", "Mobilität"),
    ("strassen-infrastruktur", "Straßen & Infrastruktur"),
    ("personal-fachkraefte", "Personal & Fachkräfte"),
    ("buergerbeteiligung", "Bürgerbeteiligung"),
    ("jugend", "Jugend"),
    ("ehrenamt-vereine", "Ehrenamt & Vereine"),
    ("finanzen-foerdermittel", "Finanzen & Fördermittel"),
    ("innenstadt-leerstand", "Innenstadt & Leerstand"),
    ("wohnen-bauen", "Wohnen & Bauen"),
    ("gesundheit-pflege", "Gesundheit & Pflege"),
    ("klimaanpassung", "Klimaanpassung"),
    ("bildung-kita", "Bildung & Kita"),
    ("kultur-tourismus", "Kultur & Tourismus"),
    ("kommunikation", "Kommunikation"),
    ("beschaffung-innovation", "Beschaffung & Innovation"),
    ("interkommunale-zusammenarbeit", "Interkommunale Zusammenarbeit"),
    ("sicherheit-ordnung", "Sicherheit & Ordnung"),
    ("wasser-abwasser", "Wasser & Abwasser"),
)


def seed(apps, schema_editor):
    Topic = apps.get_model("solutions", "Topic")
    for slug, name in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("solutions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
