"""Technical sections of the admin (login attempts from django-axes, the raw tag table from django-taggit) are for
administrators (superusers): editors and reporters do not see them on the desk.

The tag table stays readable to the desk's roles, because the story form's tag autocomplete searches through
taggit's admin (Django's autocomplete view asks that admin for view permission); it is only left off their lists,
and changing or deleting tags there is for administrators.
"""
from django.contrib import admin

TECHNICAL_APPS = ("axes", "taggit")


def _administrators(model_admin, request, obj=None) -> bool:
    return request.user.is_active and request.user.is_superuser


def _administrators_only(model_admin, keep_view: bool) -> None:
    names = ["has_module_permission", "has_add_permission", "has_change_permission", "has_delete_permission"]
    if not keep_view:
        names.append("has_view_permission")
    for name in names:
        setattr(model_admin, name, _administrators.__get__(model_admin))


# Runs at autodiscovery: core comes after axes and taggit in INSTALLED_APPS, so their admins are registered.
for model, registered in list(admin.site._registry.items()):
    if model._meta.app_label in TECHNICAL_APPS:
        _administrators_only(registered, keep_view=model._meta.app_label == "taggit")
