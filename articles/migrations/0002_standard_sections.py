from django.db import migrations

SECTIONS = [
    ("India", "india", 10),
    ("World", "world", 20),
    ("Business", "business", 30),
    ("Sports", "sports", 40),
    ("Technology", "technology", 50),
    # The default section: wire stories whose subjects name no section land here.
    ("News", "news", 90),
]


def create_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    for name, slug, order in SECTIONS:
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
