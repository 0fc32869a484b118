import atexit
import os
import sys

from django.apps import AppConfig, apps
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save

# Everything a cached public page can show lives in these apps. Each app registers which page-cache keys a saved
# or deleted row of its models purges (core.pagecache.register_model_keys); an unregistered model purges all.
PAGE_CONTENT_APPS = ("articles", "photos", "reporters", "ads", "taggit")
MANAGEMENT_ENTRY_POINTS = ("manage.py", "django-admin")


def page_content_relations() -> set[type]:
    """The through models of the many-to-many relations a page-content model declares (taggit's TaggedItem for a
    story's tags, a campaign's slots, ...). Only these send m2m_changed to the page cache: users' groups and
    permissions, a live blog's staff users and any other app's relations show on no cached page (a live blog's own
    changes purge through live.services)."""
    throughs = set()
    for app_label in PAGE_CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.local_many_to_many:
                throughs.add(field.remote_field.through)
    return throughs


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Newsroom core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .pagecache import purge_for_row

        for app_label in PAGE_CONTENT_APPS:
            for model in apps.get_app_config(app_label).get_models():
                post_save.connect(purge_for_row, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
                post_delete.connect(purge_for_row, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
        for through in page_content_relations():
            m2m_changed.connect(purge_for_row, sender=through, dispatch_uid=f"pagecache-m2m-{through._meta.label}")

        from .text import connect_cleaning

        connect_cleaning()

        # After the admin's autodiscovery (its ready() runs first): every admin date-time field is range-checked.
        from django.contrib import admin

        from .instants import use_in_admin

        use_in_admin(admin.site)

        if os.path.basename(sys.argv[0]) in MANAGEMENT_ENTRY_POINTS:
            # A command (ingest_ninjs, purge_trash, shell, ...) writes out the purge outbox as it exits, if the
            # cache is back by then: what the cache missed during the command waits for no web request.
            from .pagecache import drain_outbox_at_exit, note_database_used

            connection_created.connect(note_database_used, dispatch_uid="pagecache-database-used")
            atexit.register(drain_outbox_at_exit)
