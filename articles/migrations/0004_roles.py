"""The newsroom's roles as groups, each with only the permissions it needs.

Reporter: writes and edits own drafts and submits them (the admin limits which stories).
Editor: everything editorial, including publishing, scheduling and unpublishing.
Ad operations: advertising only.
"""
from django.db import migrations

ROLES = {
    "Reporter": [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "section", ["view"]),
        ("articles", "revision", ["view"]),
        ("photos", "photo", ["add", "change", "view"]),
        ("photos", "credit", ["add", "view"]),
        ("reporters", "reporter", ["view"]),
        ("taggit", "tag", ["add", "view"]),
    ],
    "Editor": [
        ("articles", "article", ["add", "change", "view", "delete", "publish"]),
        ("articles", "section", ["add", "change", "view"]),
        ("articles", "revision", ["view"]),
        ("articles", "scheduledupdate", ["change", "view"]),
        ("photos", "photo", ["add", "change", "view", "delete"]),
        ("photos", "credit", ["add", "change", "view"]),
        ("reporters", "reporter", ["add", "change", "view"]),
        ("taggit", "tag", ["add", "change", "view", "delete"]),
    ],
    "Ad operations": [
        ("ads", "adslot", ["add", "change", "view", "delete"]),
        ("ads", "housecreative", ["add", "change", "view", "delete"]),
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, model, actions in grants:
            for action in actions:
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}"))
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_scheduled_updates"),
        ("ads", "0002_standard_slots"),
        ("photos", "0001_initial"),
        ("reporters", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
