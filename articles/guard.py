"""The machine check behind "every change to a story goes through the services".

Service functions are decorated with `@story_service` (articles.service_mark, which only articles may import: an
import-linter contract), which marks the running code as inside the services (a context variable, so threads and
asyncio tasks each have their own). The guarded models (Article, Byline, ArticlePhoto, BodyPhoto, TaggedArticle,
Revision, ScheduledUpdate, AuditEntry, ArticleSlug, PreviewLink, RelatedList, RelatedStory) refuse, outside that
mark:

- `Model.save()` (and so `Manager.create`, `get_or_create`, `update_or_create`, related managers' `create`),
- `Model.delete()`,
- `QuerySet.update()`, `.delete()`, `.bulk_create()`, `.bulk_update()` (and so a many-to-many `add`/`set`/
  `remove`/`clear` through Byline or ArticlePhoto, which Django runs as bulk_create/delete on the through model).

Below those, core.guard's backstop refuses every ORM INSERT, UPDATE and DELETE of these tables outside the mark,
however the query was built: a plain `QuerySet(Article)`, `Article._base_manager`, `save_base()` (as `loaddata`
calls it), a deletion's cascades. taggit's Tag rows may be inserted anywhere (a new tag shows nowhere until a
story carries it) but updated or deleted only inside the mark: renames, merges and deletes go through
articles.tags, which records the change in every story carrying the tag.

Not covered: raw SQL (`cursor.execute`), the historical models migrations use, and an UPDATE that only clears
foreign keys to the user model (a staff account's deletion). tests/services/test_guard.py enumerates every
covered method for every model.
"""
from django.db import models

from core.guard import GuardedModelMixin, GuardedQuerySetMixin, guard_writes

from .errors import ServiceWriteError
from .service_mark import inside_services


def check(model, operation: str) -> None:
    if not inside_services():
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


def guard_tags() -> None:
    """Tag renames and deletes change every story carrying the tag: only inside the mark (articles.tags)."""
    from taggit.models import Tag

    guard_writes(Tag, check, ("update", "delete"))
