"""The machine check behind "every change to a story goes through the services".

Service functions are decorated with `@story_service`, which marks the running code as inside the services
(a context variable, so threads and asyncio tasks each have their own). The guarded models (Article, Byline,
ArticlePhoto, BodyPhoto, Revision, ScheduledUpdate, AuditEntry, ArticleSlug, PreviewLink, RelatedList,
RelatedStory) refuse, outside that mark:

- `Model.save()` (and so `Manager.create`, `get_or_create`, `update_or_create`, related managers' `create`),
- `Model.delete()`,
- `QuerySet.update()`, `.delete()`, `.bulk_create()`, `.bulk_update()` (and so a many-to-many `add`/`set`/
  `remove`/`clear` through Byline or ArticlePhoto, which Django runs as bulk_create/delete on the through model).

Not covered: raw SQL (`cursor.execute`), `Model.save_base()` called directly (as `loaddata` does), and the
historical models migrations use. tests/services/test_guard.py enumerates every covered method for every model.
"""
from django.db import models

from core.guard import GuardedModelMixin, GuardedQuerySetMixin, ServiceMark

from .errors import ServiceWriteError

_mark = ServiceMark("inside_story_services")
# Mark a function as part of the story services: guarded rows may be written while it runs.
story_service = _mark
# `with service_writes():` — the same mark as a block, for the services' own helpers (and nothing else).
service_writes = _mark.block
inside_services = _mark.is_set


def check(model, operation: str) -> None:
    if not _mark.is_set():
        raise ServiceWriteError(
            f"{model._meta.label}.{operation}() outside articles.services: change stories through the services."
        )


class GuardedQuerySet(GuardedQuerySetMixin, models.QuerySet):
    guard_check = staticmethod(check)


class GuardedModel(GuardedModelMixin):
    """A model whose rows only the story services write."""

    guard_check = staticmethod(check)
    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True
