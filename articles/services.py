"""The one path for every change to a story's content; status moves are in articles.lifecycle.

The admin, `ingest_ninjs`, `publish_scheduled`, commands and tests call these functions (status moves are
re-exported here); each names its actor, runs in a transaction, checks the actor's rights on the locked row, keeps
a revision of content changes and an audit entry of everything else. Guarded rows (articles.guard) cannot be
written from anywhere else.
"""
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from core import slugs
from core.sanitize import sanitize_body
from core.text import clean_story_text
from core.timefmt import reader_datetime
from photos.models import Photo
from reporters.models import Reporter

from . import actors, body_media, cache_keys
from .actors import COMMAND, INGEST, SCHEDULER, SystemActor  # noqa: F401 (the system actors callers pass)
from .audit import (
    announce,
    audited_values,
    current_snapshot,
    diff,
    forget_snapshot,
    one_announcement,
    record_audit,
    record_revision,
    snapshot,
)
from .errors import MissingActor, StoryError, StoryPermissionError, StoryTransitionError  # noqa: F401
from .lifecycle import (  # noqa: F401 (status moves are part of the services' API)
    TRANSITIONS,
    check_transition,
    publish,
    purge,
    restore_from_trash,
    return_to_draft,
    submit_for_review,
    transition,
    trash,
    unpublish,
)
from .models import Article, ArticlePhoto, ArticleSlug, AuditEntry, Byline, Revision, ScheduledUpdate, TaggedArticle
from .revisions import describe_conflict
from .service_mark import story_service

# Fields whose change readers can see; a save that changes none of them is not an update.
CONTENT_KEYS = ("headline", "standfirst", "body", "section", "reporters", "tags", "hero_photo", "photos")


class EditConflict(StoryError):
    """Someone saved the story after this editor opened it (the message says who and what, as the form does)."""

    def __init__(self, current: Article, seen_version: int):
        self.current = current
        super().__init__(describe_conflict(current.pk, seen_version))


@dataclass
class Related:
    """The many-valued parts of a story, in reader order."""

    reporters: list[Reporter]
    tags: list[str]
    photos: list[Photo]


def changed_keys(before: dict, after: dict) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


def unique_slug(headline: str, exclude_pk: int | None = None) -> str:
    return slugs.unique_slug(Article.objects.exclude(pk=exclude_pk), headline, fallback="story", max_length=200)


def _write_related(article: Article, related: Related, before: dict) -> set[str]:
    """Write the bylines, tags and photos that differ from `before` (the stored story's snapshot; {} for a new
    story) and return which of "reporters", "tags", "photos" were written: an unchanged part is left as it is
    (a headline edit used to delete and insert every byline and tag)."""
    reporters = list(dict.fromkeys(related.reporters))
    tags = list(dict.fromkeys(t.strip() for t in related.tags if t.strip()))
    photos = [photo for photo in dict.fromkeys(related.photos) if photo.pk != article.hero_photo_id]
    written = set()
    if not before or before.get("reporters") != [r.pk for r in reporters]:
        Byline.objects.filter(article=article).delete()
        Byline.objects.bulk_create(Byline(article=article, reporter=reporter, position=i) for i, reporter in enumerate(reporters))
        written.add("reporters")
    # Taggit matches names case-insensitively (TAGGIT_CASE_INSENSITIVE): the stored names decide what is unchanged.
    if not before or sorted(name.casefold() for name in before.get("tags", ())) != sorted({t.casefold() for t in tags}):
        if before or tags:
            article.tags.set(tags, clear=True)
        written.add("tags")
    if not before or before.get("photos") != [p.pk for p in photos]:
        if before:
            ArticlePhoto.objects.filter(article=article).delete()
        ArticlePhoto.objects.bulk_create(ArticlePhoto(article=article, photo=photo, position=i) for i, photo in enumerate(photos))
        written.add("photos")
    return written


def is_live(article: Article, now: datetime | None = None) -> bool:
    return article.state(now) == "published"


@story_service
@transaction.atomic
def save_story(
    article: Article,
    related: Related,
    *,
    actor,
    expected_version: int | None = None,
    minor: bool = False,
    kind: str | None = None,
    note: str = "",
    updated_at: datetime | None = None,
    force_update: bool = False,
) -> Article:
    """Create or save a story's content. Status changes go through articles.lifecycle (transition()).

    `expected_version` is the edit_version the editor's form was opened at: if someone saved in
    between, EditConflict is raised and nothing is written. A real change to a live story moves
    Updated (to `updated_at` or now) unless `minor` is set. Content changes make a revision; changes to
    the audited fields (slug, expiry, language, section, bylines, photos, wire metadata) an audit entry.
    """
    actor = actors.require_actor(actor)
    now = timezone.now()
    clean_story_text(article, related)  # core/text.py: no control characters reach the database or a feed
    article.body = sanitize_body(article.body)
    article.body, article.body_blocks = body_media.prepare(article.body)
    body_media.check_photos(article.body_blocks)
    article.headline = article.headline.strip()
    if not article.headline:
        raise ValidationError({"headline": "A story needs a headline."})
    if not related.reporters:
        raise ValidationError({"reporters": "A story needs at least one byline."})
    article.slug = article.slug or unique_slug(article.headline, article.pk)
    creating = article.pk is None

    if creating:
        actors.require_edit(actor, article)
        article.created_by = article.created_by or actors.user_of(actor)
        article.status, article.published_at, article.updated_at = Article.Status.DRAFT, None, None
        before, audited_before = {}, {}
        shown_before = cache_keys.NEVER_SHOWN
    else:
        # Locked, with the bylines (and their reporters) and photos the snapshot and the audited values both read.
        current = Article.objects.select_for_update().prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("reporter")), "inline_photos",
        ).get(pk=article.pk)
        actors.require_edit(actor, current)
        if expected_version is not None and current.edit_version != expected_version:
            raise EditConflict(current, expected_version)
        before = snapshot(current)
        audited_before = audited_values(current)
        shown_before = cache_keys.visibility(current, now)  # the page cache compares it with after the commit
        # Status and its instants move only through articles.lifecycle.
        article.status = current.status
        article.published_at = current.published_at
        article.updated_at = current.updated_at
        article.correction_at = current.correction_at
        article.trashed_at = current.trashed_at
        article.created_by = current.created_by
        article.edit_version = current.edit_version

    article.edit_version = (article.edit_version or 0) + 1
    article.modified_by = actors.user_of(actor)
    article.save()
    written = _write_related(article, related, before)
    body_media.sync_body_photos(article)

    # What was not written is as it was: the snapshot reads only what was.
    after = current_snapshot(article) if written else snapshot(article, related_from=before)
    content_changed = bool(set(changed_keys(before, after)) & set(CONTENT_KEYS)) if before else True
    fields = []
    # A scheduled update moves Updated to its go-live instant even if the story went live after it was queued.
    goes_live = not creating and (
        is_live(current, now) or (force_update and current.status == Article.Status.PUBLISHED)
    )
    if goes_live and content_changed and not minor:
        article.updated_at = updated_at or now
        fields.append("updated_at")
    if before.get("correction_note", "") != article.correction_note:
        article.correction_at = (updated_at or now) if article.correction_note else None
        fields.append("correction_at")
    if fields:
        article.save(update_fields=fields)
    revised = creating or content_changed or bool(fields)
    if written and not revised:
        forget_snapshot(article.pk)
    if revised:
        kind = kind or (Revision.Kind.CREATED if creating else Revision.Kind.SAVED)
        # Its related list is computed from status, instants, section and tags: only a move of those asks for it.
        inputs_may_change = creating or "tags" in written or before.get("section") != after["section"] or (
            current.expires_at != article.expires_at)
        record_revision(article, kind, actor, snap=after, minor=minor, note=note,  # announces the change
                        inputs_may_change=inputs_may_change, before=shown_before)
    if not creating:
        changes = diff(audited_before, audited_values(
            article, many_from=None if written & {"reporters", "photos"} else audited_before))
        if changes:
            record_audit(article, "changed", actor, changes, note=note)
            if not revised:
                announce(article.pk, "saved", before=shown_before)  # caches purge even when only the slug, expiry or language moved
        if "slug" in changes:
            _keep_old_slug(article, old=audited_before["slug"], was_published=current.published_at is not None)
    return article


@story_service
@transaction.atomic
def save_and_move(
    article: Article, related: Related, *, actor, target: str, at: datetime | None = None,
    expected_version: int | None = None, minor: bool = False,
) -> Article:
    """What the story form does: save the content and move the status, in one transaction. The move is checked
    on the locked row before anything is written, so a refused move saves nothing."""
    if article.pk:
        check_transition(Article.objects.select_for_update().get(pk=article.pk), target, actor, at=at)
    else:
        check_transition(Article(), target, actor, at=at)
    with one_announcement():  # one purge and reindex for the save and the move
        article = save_story(article, related, actor=actor, expected_version=expected_version, minor=minor)
        return transition(article, target, actor=actor, at=at)


def _keep_old_slug(article: Article, *, old: str, was_published: bool) -> None:
    """A story that has been published keeps answering at its old URL (301, articles.views)."""
    ArticleSlug.objects.filter(slug=article.slug).delete()  # the current slug is no longer an old one
    if was_published:
        ArticleSlug.objects.update_or_create(slug=old, defaults={"article": article})


@story_service
@transaction.atomic
def record_wire_version(article: Article, *, version: str, version_created: datetime | None, actor) -> Article:
    """Note the wire version an item was last read at (when the story itself is not saved, e.g. an embargoed
    update queued for later)."""
    actor = actors.require_actor(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    actors.require_publish(actor)
    changes = diff(
        {"wire_version": article.wire_version, "wire_version_created": article.wire_version_created},
        {"wire_version": version[:40], "wire_version_created": version_created},
    )
    if changes:
        article.wire_version, article.wire_version_created = version[:40], version_created
        article.save(update_fields=["wire_version", "wire_version_created"])
        record_audit(article, "changed", actor, changes)
    return article


# What the wire asked that the desk's standing decision refused, and the agency's kills of stories that were not on
# the site: audit entries (History page, and the note on the story form), written by articles.ingest.
WIRE_HELD = "wire update held"
WIRE_KILL = "killed by the agency"
# Those entries, and the unpublish of a kill (made by the ingest actor): what the story form and desk home show.
WIRE_DECISIONS = Q(action__in=(WIRE_HELD, WIRE_KILL)) | Q(source=AuditEntry.Source.INGEST, action="unpublish")


@story_service
@transaction.atomic
def record_wire_decision(article: Article, action: str, *, actor, note: str, changes: dict | None = None) -> AuditEntry:
    """One audit entry (WIRE_HELD or WIRE_KILL) on the locked story; nothing a reader sees changes, so no purge."""
    actor = actors.require_actor(actor)
    actors.require_publish(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    return record_audit(article, action, actor, changes or {}, note=note)


@story_service
@transaction.atomic
def create_generated_stories(rows: list[Article], bylines, *, actor, taggings=None) -> list[Article]:
    """Bulk-insert published stories made by `generate_newsroom` (benchmarks): no revisions, one audit entry
    each. `bylines(created)` yields the Byline rows for the created stories, `taggings(created)` their
    TaggedArticle rows."""
    actor = actors.require_actor(actor)
    actors.require_publish(actor)
    created = Article.objects.bulk_create(rows)
    Byline.objects.bulk_create(bylines(created))
    if taggings is not None:
        TaggedArticle.objects.bulk_create(taggings(created))
    AuditEntry.objects.bulk_create(  # one INSERT per batch: benchmarks generate 100,000 stories
        AuditEntry(
            article=article, story_id=article.pk, story_headline=article.headline[:250], action="generated",
            changes={"status": [None, article.status]}, actor_name=actors.actor_name(actor)[:150],
            source=actors.source_of(actor),
        )
        for article in created
    )
    return created


# --- Snapshots: restoring revisions and scheduled updates -------------------------------------


def _related_from_snapshot(snap: dict) -> Related:
    reporters = {r.pk: r for r in Reporter.objects.filter(pk__in=snap.get("reporters", []))}
    photos = {p.pk: p for p in Photo.objects.filter(pk__in=snap.get("photos", []))}
    return Related(
        reporters=[reporters[pk] for pk in snap.get("reporters", []) if pk in reporters],
        tags=list(snap.get("tags", [])),
        photos=[photos[pk] for pk in snap.get("photos", []) if pk in photos],
    )


def _load_snapshot(article: Article, snap: dict) -> Related:
    """Put a snapshot's reader-visible fields on `article` (unsaved) and return its related parts."""
    article.headline = snap["headline"]
    article.standfirst = snap.get("standfirst", "")
    article.body = snap.get("body", "")
    article.section_id = snap.get("section") or article.section_id
    article.hero_photo_id = snap.get("hero_photo") if Photo.objects.filter(pk=snap.get("hero_photo")).exists() else None
    article.correction_note = snap.get("correction_note", article.correction_note)
    return _related_from_snapshot(snap)


def snapshot_of(article: Article, related: Related) -> dict:
    """The snapshot an unsaved edit would produce (for queued updates made from a form)."""
    return {
        "headline": article.headline.strip(),
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": sanitize_body(article.body),
        "section": article.section_id,
        "reporters": [r.pk for r in dict.fromkeys(related.reporters)],
        "tags": sorted(dict.fromkeys(t.strip() for t in related.tags if t.strip())),
        "hero_photo": article.hero_photo_id,
        "photos": [p.pk for p in dict.fromkeys(related.photos)],
        "correction_note": article.correction_note,
    }


def new_version_of(article: Article, related: Related, *, headline, standfirst, body, section, hero_photo) -> dict:
    """The snapshot of a new version of a live story (a scheduled update): its content, the story's URL and note."""
    draft = Article(
        headline=headline, slug=article.slug, standfirst=standfirst, body=body,
        section=section, hero_photo=hero_photo, correction_note=article.correction_note,
    )
    return snapshot_of(draft, related)


@story_service
@transaction.atomic
def restore_revision(revision: Revision, *, actor) -> Article:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    actor = actors.require_actor(actor)
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    actors.require_edit(actor, article)
    related = _load_snapshot(article, revision.snapshot)
    when = reader_datetime(revision.created_at)
    return save_story(article, related, actor=actor, kind=Revision.Kind.RESTORED, note=f"Restored the version of {when}")


def check_queue_update(article: Article, actor) -> None:
    """May `actor` queue an update of this story? (The story form asks in validation; queue_update again.)"""
    actors.require_publish(actors.require_actor(actor))
    if article.status != Article.Status.PUBLISHED:
        raise StoryTransitionError("Only a published or scheduled story can have scheduled updates; save a draft directly.")


def _check_update(article: Article, go_live_at: datetime, snap: dict, actor) -> None:
    actors.require_publish(actors.require_actor(actor))
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published or scheduled story can have scheduled updates; save a draft directly.")
    if article.published_at and go_live_at <= article.published_at:
        raise ValidationError({"go_live_at": "An update must go live after the story is first published."})
    if not snap.get("headline"):
        raise ValidationError({"headline": "A story needs a headline."})
    if not snap.get("reporters"):
        raise ValidationError({"reporters": "A story needs at least one byline."})


@story_service
@transaction.atomic
def queue_update(article: Article, snap: dict, *, go_live_at: datetime, actor, note: str = ""):
    _check_update(article, go_live_at, snap, actor)
    announce(article.pk, "update-queued", inputs_may_change=False)
    record_audit(article, "update queued", actor, {"go live": (None, go_live_at)}, note=note)
    return ScheduledUpdate.objects.create(
        article=article, snapshot=snap, go_live_at=go_live_at, created_by=actors.user_of(actor), note=note[:250]
    )


def _lock_story_then_update(update):
    """Lock the update's story, then the update row, and return the update as stored now.

    Every writer of a queued update (the scheduler, cancel_update, edit_update) takes the two locks in this
    order, so none of them can deadlock another, and whoever comes second sees what the first committed.
    """
    Article.objects.select_for_update().only("pk").get(pk=update.article_id)
    return ScheduledUpdate.objects.select_for_update().get(pk=update.pk)


@story_service
@transaction.atomic
def edit_update(update, snap: dict, *, go_live_at: datetime, actor, note: str | None = None):
    update = _lock_story_then_update(update)
    if update.state not in ("queued", "overdue"):
        raise ValidationError(f"This update has already been {update.state}; it can no longer be changed.")
    _check_update(update.article, go_live_at, snap, actor)
    before = update.go_live_at
    update.snapshot, update.go_live_at = snap, go_live_at
    if note is not None:
        update.note = note[:250]
    # A new version gets a fresh start: the scheduler tries it on its next pass.
    update.failed_attempts, update.last_error, update.last_failed_at, update.retry_at = 0, "", None, None
    update.save()
    record_audit(update.article, "update edited", actor, {"go live": (before, go_live_at)} if before != go_live_at else {})
    announce(update.article_id, "update-queued", inputs_may_change=False)
    return update


@story_service
@transaction.atomic
def cancel_update(update, *, actor):
    actors.require_publish(actors.require_actor(actor))
    update = _lock_story_then_update(update)
    if update.state in ("queued", "overdue"):
        update.cancelled_at = timezone.now()
        update.save(update_fields=["cancelled_at"])
        record_audit(update.article, "update cancelled", actor, {"go live": (update.go_live_at, None)})
        announce(update.article_id, "update-cancelled", inputs_may_change=False)
    return update


@story_service
@transaction.atomic
def apply_update(update, *, actor, now: datetime | None = None) -> Article | None:
    """Copy a due update onto its live story, as the update is stored now; None if it is no longer due.

    Locks the story and then the update row (the order cancel_update and edit_update use) and re-reads the
    update under the lock, so a cancelled update is never applied and an edited one only in its new form.
    """
    now = now or timezone.now()
    update = _lock_story_then_update(update)
    if update.applied_at or update.cancelled_at or update.go_live_at > now:
        return None
    article = Article.objects.get(pk=update.article_id)
    related = _load_snapshot(article, update.snapshot)
    note = update.note or "Scheduled update"
    article = save_story(
        article, related, actor=actor, kind=Revision.Kind.UPDATE_APPLIED,
        note=note, updated_at=update.go_live_at, force_update=True,
    )
    update.applied_at = now
    update.save(update_fields=["applied_at"])
    return article


@story_service
@transaction.atomic
def follow_live_entry(article_id: int, instant: datetime, *, actor, entry_id: int | None = None) -> bool:
    """A live blog's entry went out at `instant`: the story's Updated follows its latest entry (live.services).

    Moves Updated forward only, and only on a live story; returns whether it moved. `actor` is who posted or
    corrected the entry (the scheduler for a scheduled entry reaching its instant): a move writes an audit entry
    naming them and the entry. A queryset update, not a save: no revision (the content is the entry's, kept with
    its actor in live.LiveRecord) and no story_changed, so no purge of the story's cards: live.cache_keys purges
    the pages showing the Updated. Called inside live.services' transaction.
    """
    actor = actors.require_actor(actor)
    story = (
        Article.objects.select_for_update().filter(pk=article_id, status=Article.Status.PUBLISHED, published_at__lt=instant)
        .filter(Q(updated_at__isnull=True) | Q(updated_at__lt=instant)).first()
    )
    if story is None:
        return False
    before = story.updated_at
    Article.objects.filter(pk=story.pk).update(updated_at=instant)
    note = f"live entry {entry_id}" if entry_id else "live entry"
    record_audit(story, "updated moved", actor, {"updated_at": (before, instant)}, note=note)
    return True
