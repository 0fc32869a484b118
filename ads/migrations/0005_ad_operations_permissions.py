"""Ad operations gets the campaign models' permissions, including entering HTML / third-party tag creatives.

Same technique as articles/migrations/0004_roles.py, whose group this extends (it runs after that migration,
which *sets* the group's permissions, so nothing granted here is replaced). Permissions are only added.
"""
from django.db import migrations

GRANTS = [
    ("advertiser", ["add", "change", "view", "delete"]),
    ("campaign", ["add", "change", "view", "delete"]),
    ("creative", ["add", "change", "view", "delete", "add_html"]),
    ("dailystat", ["view"]),
    ("adstxt", ["add", "change", "view", "delete"]),
]


def codename(action: str, model: str) -> str:
    return "add_html_creative" if action == "add_html" else f"{action}_{model}"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("ads")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Ad operations")
    group.permissions.add(*[
        Permission.objects.get(content_type__app_label="ads", codename=codename(action, model))
        for model, actions in GRANTS for action in actions
    ])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Ad operations").first()
    if group is not None:
        codenames = [codename(action, model) for model, actions in GRANTS for action in actions]
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="ads", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0004_inline_rules"),
        # The role groups are created (and their permissions *set*) there; this only adds to Ad operations.
        ("articles", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
