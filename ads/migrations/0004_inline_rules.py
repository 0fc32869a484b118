"""The standard inline slot repeats: after paragraph 2, then every 4 paragraphs; none below 4 paragraphs."""
from django.db import migrations


def repeat_inline(apps, schema_editor):
    AdSlot = apps.get_model("ads", "AdSlot")
    AdSlot.objects.filter(key="inline", repeat_every__isnull=True).update(repeat_every=4)


class Migration(migrations.Migration):
    dependencies = [("ads", "0003_campaigns")]
    operations = [migrations.RunPython(repeat_inline, migrations.RunPython.noop)]
