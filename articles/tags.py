"""Renaming, merging and deleting tags: each changes every story carrying the tag, so each is a story change.

A tag's name is part of what readers see of each story carrying it (the tag line, its listing, the search index), and
a story's revisions keep its tags by name. So each of these services, in one transaction: locks the tag(s), changes
the taggings (TaggedArticle, guarded) and the Tag rows (updated or deleted only inside the services: core.guard's
backstop, articles.guard.guard_tags), then for every story carrying the tag bumps its edit_version (a form opened
before is refused as an edit conflict rather than putting the old tag back), keeps a minor revision (Updated does
not move: no editor changed the story) and an audit entry naming the actor, and announces the story. After the
commit every announced story is purged and reindexed (story_changed: articles.cache_keys, search), and the Tag's
own row signals purge its page and the sitemaps.

Bounded: a change reaching more than MAX_STORIES stories (setting TAG_CHANGE_MAX_STORIES) is refused with
TagChangeTooLarge before anything is written, so one click never writes thousands of revisions in one transaction.
Who may: the system actors, and users who may publish and hold taggit's change (rename, merge) or delete
(delete) permission; the admin's tag table (articles.tag_admin) is further limited to administrators.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from taggit.models import Tag

from . import actors
from .audit import current_snapshot, record_audit, record_revision
from .cache_keys import TAG_RENAMED
from .errors import StoryError, StoryPermissionError
from .models import Article, ListingSlug, Revision, TaggedArticle
from .service_mark import story_service

MAX_STORIES = 500


class TagChangeTooLarge(StoryError):
    """The tag is on more stories than one change may rewrite (nothing was written)."""


def max_stories() -> int:
    return getattr(settings, "TAG_CHANGE_MAX_STORIES", MAX_STORIES)


def require_tag_rights(actor, permission: str):
    actor = actors.require_actor(actor)
    if isinstance(actor, actors.SystemActor):
        return actor
    if not (actors.can_publish(actor) and actor.has_perm(f"taggit.{permission}_tag")):
        raise StoryPermissionError("Only editors rename, merge and delete tags: the change reaches every story carrying them.")
    return actor


def stories_carrying(tag_ids) -> list[int]:
    """The stories carrying any of these tags (every state), refused past max_stories()."""
    limit = max_stories()
    ids = list(
        TaggedArticle.objects.filter(tag_id__in=list(tag_ids)).order_by("content_object_id")
        .values_list("content_object_id", flat=True).distinct()[: limit + 1]
    )
    if len(ids) > limit:
        raise TagChangeTooLarge(
            f"These tags are on more than {limit} stories; a tag change rewrites each story's history, at most "
            f"{limit} at a time. Ask an administrator (setting TAG_CHANGE_MAX_STORIES)."
        )
    return ids


def _tag_names(story_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {pk: [] for pk in story_ids}
    for pk, name in TaggedArticle.objects.filter(content_object_id__in=story_ids).values_list("content_object_id", "tag__name"):
        names[pk].append(name)
    return {pk: sorted(tags) for pk, tags in names.items()}


def _record(story_ids, before: dict[int, list[str]], actor, note: str, announced_as: str | None = None) -> None:
    """Every story whose tags changed: a new edit_version, a minor revision, an audit entry, an announcement."""
    if not story_ids:
        return
    Article.objects.filter(pk__in=story_ids).update(edit_version=F("edit_version") + 1)
    after = _tag_names(story_ids)
    for article in Article.objects.filter(pk__in=story_ids).order_by("pk"):
        record_revision(article, Revision.Kind.SAVED, actor, snap=current_snapshot(article), minor=True, note=note,
                        announced_as=announced_as)
        record_audit(article, "tags changed", actor, {"tags": (before[article.pk], after[article.pk])}, note=note)


def _lock(tag_ids) -> list[Tag]:
    return list(Tag.objects.select_for_update().filter(pk__in=list(tag_ids)).order_by("pk"))


def _lock_stories(story_ids) -> None:
    list(Article.objects.select_for_update().filter(pk__in=story_ids).order_by("pk").values_list("pk", flat=True))


def check_rename(tag: Tag, name: str) -> tuple[str, list[int]]:
    """The new name, checked, and the stories carrying the tag (refused past max_stories())."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A tag needs a name."})
    if Tag.objects.exclude(pk=tag.pk).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A tag named “{name}” exists: merge the two instead (Merge selected tags)."})
    return name, stories_carrying([tag.pk])


@story_service
@transaction.atomic
def rename_tag(tag: Tag, *, name: str, slug: str | None = None, actor) -> Tag:
    """Give a tag a new name (and slug: its old listing URL keeps answering with a 301, articles.signals)."""
    actor = require_tag_rights(actor, "change")
    stored = _lock([tag.pk])[0]
    name, story_ids = check_rename(stored, name)
    slug = slugify(slug or stored.slug, allow_unicode=True) or stored.slug
    if (stored.name, stored.slug) == (name, slug):
        return stored
    _lock_stories(story_ids)
    before = _tag_names(story_ids)
    old = stored.name
    stored.name, stored.slug = name, slug
    stored.save()
    # Announced as a rename: search reindexes each story; the pages printing the name carry the tag's key, which
    # the Tag row's save purges (articles.cache_keys.TAG_RENAMED).
    _record(story_ids, before, actor, note=f"Tag “{old}” renamed “{name}”", announced_as=TAG_RENAMED)
    return stored


@story_service
@transaction.atomic
def merge_tags(tags, *, into: str, actor) -> Tag:
    """Replace these tags by the tag named `into` (made if needed) on every story, then delete them. Their old
    listing URLs answer with a 301 to the merged tag's."""
    actor = require_tag_rights(actor, "change")
    actor = require_tag_rights(actor, "delete")
    into = (into or "").strip()
    if not into:
        raise ValidationError({"new_tag_name": "Name the tag to merge into."})
    target = Tag.objects.filter(name__iexact=into).first() or Tag.objects.create(name=into)
    sources = [t for t in _lock(t.pk for t in tags) if t.pk != target.pk]
    if not sources:
        return target
    source_ids = [t.pk for t in sources]
    story_ids = stories_carrying(source_ids)
    _lock_stories(story_ids)
    before = _tag_names(story_ids)
    TaggedArticle.objects.filter(tag_id__in=source_ids).delete()
    TaggedArticle.objects.bulk_create(
        [TaggedArticle(content_object_id=pk, tag=target) for pk in story_ids], ignore_conflicts=True
    )
    for source in sources:
        ListingSlug.objects.update_or_create(kind=ListingSlug.Kind.TAG, slug=source.slug, defaults={"target_id": target.pk})
        source.delete()
    names = ", ".join(f"“{t.name}”" for t in sources)
    _record(story_ids, before, actor, note=f"Tags {names} merged into “{target.name}”")
    return target


@story_service
@transaction.atomic
def delete_tag(tag: Tag, *, actor) -> None:
    """Take a tag off every story carrying it, then delete it."""
    actor = require_tag_rights(actor, "delete")
    locked = _lock([tag.pk])
    if not locked:
        return
    stored = locked[0]
    story_ids = stories_carrying([stored.pk])
    _lock_stories(story_ids)
    before = _tag_names(story_ids)
    TaggedArticle.objects.filter(tag=stored).delete()
    name = stored.name
    stored.delete()
    _record(story_ids, before, actor, note=f"Tag “{name}” deleted")
