"""The common credits with their customary prefix ("Photo: PTI", "Image: AP"), created only where missing.

Idempotent: an existing credit (matched case-insensitively) is left as editors set it.
"""
from django.db import migrations

DEFAULT_CREDITS = [
    # name, kind, prefix: a copy, so this migration keeps its meaning if photos.models changes.
    ("AP", "agency", "Image"),
    ("PTI", "agency", "Photo"),
    ("Reuters", "agency", "Image"),
    ("self", "self", "Image"),
]


def create_default_credits(apps, schema_editor):
    Credit = apps.get_model("photos", "Credit")
    db = schema_editor.connection.alias
    for name, kind, prefix in DEFAULT_CREDITS:
        if not Credit.objects.using(db).filter(name__iexact=name).exists():
            Credit.objects.using(db).create(name=name, kind=kind, prefix=prefix)


class Migration(migrations.Migration):

    dependencies = [
        ("photos", "0002_focal_point_and_renditions"),
    ]

    operations = [
        # Reversing leaves the credits: photos may already point at them.
        migrations.RunPython(create_default_credits, migrations.RunPython.noop),
    ]
