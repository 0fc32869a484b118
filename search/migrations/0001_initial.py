import django.db.models.deletion
from django.db import migrations, models


def install_index(apps, schema_editor):
    from search import schema

    schema.install(schema_editor.connection)  # FTS5 + triggers on SQLite, generated tsvector + GIN on PostgreSQL


def uninstall_index(apps, schema_editor):
    from search import schema

    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0004_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("headline", models.TextField(blank=True)),
                ("standfirst", models.TextField(blank=True)),
                ("body", models.TextField(blank=True, help_text="Plain text of the body.")),
                ("bylines", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"db_table": "search_searchdocument"},
        ),
        migrations.RunPython(install_index, uninstall_index),
    ]
