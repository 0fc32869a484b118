"""Technical sections of the admin (login attempts from django-axes, the raw tag table from django-taggit) are for
administrators (superusers): editors and reporters do not see them on the desk.

The tag table stays readable to the desk's roles, because the story form's tag autocomplete searches through
taggit's admin (Django's autocomplete view asks that admin for view permission); it is only left off their lists,
and changing or deleting tags there is for administrators. (articles replaces taggit's TagAdmin with its own,
articles/tag_admin.py, whose changes go through the story services; the rules are the same.)

A third-party admin may add views of its own (taggit's "merge tags") that check nothing but staff status: the
`has_*` methods patched here do not reach them. So every URL a technical app's ModelAdmin adds beyond Django's five
(changelist, add, history, delete, change) is wrapped too: a logged-in user who is not an administrator gets a 403
before the view runs. tests/functional/test_admin_walk.py asks every admin URL as every role.
"""
import functools

from django.contrib import admin
from django.core.exceptions import PermissionDenied

TECHNICAL_APPS = ("axes", "taggit")
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")


def _administrators(model_admin, request, obj=None) -> bool:
    return request.user.is_active and request.user.is_superuser


def _administrators_only(model_admin, keep_view: bool) -> None:
    names = ["has_module_permission", "has_add_permission", "has_change_permission", "has_delete_permission"]
    if not keep_view:
        names.append("has_view_permission")
    for name in names:
        setattr(model_admin, name, _administrators.__get__(model_admin))


def administrators_only_view(view):
    """Wrap an admin view: anyone logged in but not an administrator gets a 403 (the anonymous still reach the
    admin's own login redirect, which the wrapped view applies)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied("This part of the admin is for administrators.")
        return view(request, *args, **kwargs)

    return guarded


def guard_extra_views(model_admin) -> None:
    """Make every URL `model_admin` adds beyond Django's standard five administrators-only."""
    opts = model_admin.model._meta
    standard = {f"{opts.app_label}_{opts.model_name}_{name}" for name in STANDARD_VIEWS}
    get_urls = model_admin.get_urls

    def guarded_urls():
        urls = get_urls()
        for pattern in urls:
            if getattr(pattern, "name", None) not in standard and hasattr(pattern, "callback"):
                pattern.callback = administrators_only_view(pattern.callback)
        return urls

    model_admin.get_urls = guarded_urls


# Runs at autodiscovery: core comes after axes and taggit in INSTALLED_APPS, so their admins are registered.
for model, registered in list(admin.site._registry.items()):
    if model._meta.app_label in TECHNICAL_APPS:
        _administrators_only(registered, keep_view=model._meta.app_label == "taggit")
        guard_extra_views(registered)
