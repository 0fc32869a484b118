"""Live blogs in the roles: editors open, change and end them; reporters see the blogs opened to them (the desk)."""
from django.db import migrations

GRANTS = {
    "Reporter": ["view_liveblog"],
    "Editor": ["add_liveblog", "change_liveblog", "view_liveblog"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="live", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="live", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_initial"),
        ("articles", "0004_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
