"""The one path for every change to a story.

The admin, `ingest_ninjs`, `publish_scheduled` and tests call these functions; nothing else
writes story state. Each runs in a transaction, keeps a revision, and leaves derived fields
(sanitized body, blocks, Updated) consistent.
"""
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import slugs
from core.sanitize import sanitize_body
from core.timefmt import reader_datetime
from photos.models import Photo
from reporters.models import Reporter

from .blocks import split_blocks
from .models import Article, ArticlePhoto, Byline, Revision
from .revisions import describe_conflict
from .signals import story_changed

# Fields whose change readers can see; a save that changes none of them is not an update.
CONTENT_KEYS = ("headline", "standfirst", "body", "section", "reporters", "tags", "hero_photo", "photos")


class EditConflict(Exception):
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


def snapshot(article: Article) -> dict:
    """Everything a reader sees of a story, as plain JSON (what a revision keeps)."""
    return {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section_id,
        "reporters": [b.reporter_id for b in article.bylines.all()] if article.pk else [],
        "tags": sorted(article.tags.names()) if article.pk else [],
        "hero_photo": article.hero_photo_id,
        "photos": [p.photo_id for p in article.inline_photos.all()] if article.pk else [],
        "correction_note": article.correction_note,
    }


def changed_keys(before: dict, after: dict) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


def unique_slug(headline: str, exclude_pk: int | None = None) -> str:
    return slugs.unique_slug(Article.objects.exclude(pk=exclude_pk), headline, fallback="story", max_length=200)


def _write_related(article: Article, related: Related) -> None:
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(
        Byline(article=article, reporter=reporter, position=i)
        for i, reporter in enumerate(dict.fromkeys(related.reporters))
    )
    article.tags.set(list(dict.fromkeys(t.strip() for t in related.tags if t.strip())), clear=True)
    ArticlePhoto.objects.filter(article=article).delete()
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(article=article, photo=photo, position=i)
        for i, photo in enumerate(dict.fromkeys(related.photos))
        if photo.pk != article.hero_photo_id
    )


def _announce(article_id: int, kind: str) -> None:
    transaction.on_commit(lambda: story_changed.send(sender=Article, article_id=article_id, kind=kind))


def _current_snapshot(article: Article) -> dict:
    return snapshot(Article.objects.prefetch_related("bylines", "inline_photos", "tags").get(pk=article.pk))


def _record(article: Article, kind: str, user, *, snap: dict | None = None, minor: bool = False, note: str = "") -> Revision:
    """Keep a revision (of `snap`, or of the stored story) and announce the change once it commits."""
    _announce(article.pk, kind)
    return Revision.objects.create(
        article=article, kind=kind, snapshot=snap if snap is not None else _current_snapshot(article),
        edit_version=article.edit_version, created_by=user, minor=minor, note=note[:250],
    )


def is_live(article: Article, now: datetime | None = None) -> bool:
    return article.state(now) == "published"


@transaction.atomic
def save_story(
    article: Article,
    related: Related,
    *,
    user=None,
    expected_version: int | None = None,
    minor: bool = False,
    kind: str | None = None,
    note: str = "",
    updated_at: datetime | None = None,
    force_update: bool = False,
) -> Article:
    """Create or save a story's content. Status changes go through publish()/unpublish()/submit().

    `expected_version` is the edit_version the editor's form was opened at: if someone saved in
    between, EditConflict is raised and nothing is written. A real change to a live story moves
    Updated (to `updated_at` or now) unless `minor` is set.
    """
    now = timezone.now()
    article.body = sanitize_body(article.body)
    article.body_blocks = split_blocks(article.body)
    article.headline = article.headline.strip()
    if not article.headline:
        raise ValidationError({"headline": "A story needs a headline."})
    if not related.reporters:
        raise ValidationError({"reporters": "A story needs at least one byline."})
    article.slug = article.slug or unique_slug(article.headline, article.pk)
    creating = article.pk is None

    if creating:
        article.created_by = article.created_by or user
        article.status, article.published_at, article.updated_at = Article.Status.DRAFT, None, None
        before = {}
    else:
        current = Article.objects.select_for_update().get(pk=article.pk)
        if expected_version is not None and current.edit_version != expected_version:
            raise EditConflict(current, expected_version)
        before = snapshot(current)
        # Status and its instants move only through publish()/unpublish()/submit_for_review().
        article.status = current.status
        article.published_at = current.published_at
        article.updated_at = current.updated_at
        article.correction_at = current.correction_at
        article.created_by = current.created_by
        article.edit_version = current.edit_version

    article.edit_version = (article.edit_version or 0) + 1
    article.modified_by = user
    article.save()
    _write_related(article, related)

    after = _current_snapshot(article)
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
    if creating or content_changed or fields:
        kind = kind or (Revision.Kind.CREATED if creating else Revision.Kind.SAVED)
        _record(article, kind, user, snap=after, minor=minor, note=note)
    return article


def _require(user, perm: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied("You do not have permission to do that.")


@transaction.atomic
def publish(article: Article, *, user=None, at: datetime | None = None, updated_at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at`. Published is the first publication and is set once."""
    _require(user, "articles.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    now = timezone.now()
    if article.status == Article.Status.PUBLISHED and article.state(now) != "scheduled" and at is None:
        return article
    already_live_once = article.published_at is not None and article.published_at <= now
    if not already_live_once:
        article.published_at = at or now
        article.updated_at = max(updated_at or article.published_at, article.published_at)
    return _move_to(article, Article.Status.PUBLISHED, user, Revision.Kind.PUBLISHED)


def _move_to(article: Article, status: str, user, kind: str, note: str = "") -> Article:
    """A status change on a locked row: one more edit version, and a revision that says so."""
    article.status = status
    article.modified_by = user
    article.edit_version += 1
    article.save()
    _record(article, kind, user, note=note)
    return article


@transaction.atomic
def unpublish(article: Article, *, user=None) -> Article:
    _require(user, "articles.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != Article.Status.PUBLISHED:
        return article
    return _move_to(article, Article.Status.UNPUBLISHED, user, Revision.Kind.UNPUBLISHED)


@transaction.atomic
def submit_for_review(article: Article, *, user=None) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in (Article.Status.DRAFT, Article.Status.UNPUBLISHED):
        return article
    return _move_to(article, Article.Status.REVIEW, user, Revision.Kind.SUBMITTED)


@transaction.atomic
def return_to_draft(article: Article, *, user=None) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        _require(user, "articles.publish_article")
    return _move_to(article, Article.Status.DRAFT, user, Revision.Kind.SAVED, note="Returned to draft")


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


@transaction.atomic
def restore_revision(revision: Revision, *, user=None) -> Article:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    if article.status == Article.Status.PUBLISHED:
        _require(user, "articles.publish_article")
    related = _load_snapshot(article, revision.snapshot)
    when = reader_datetime(revision.created_at)
    return save_story(article, related, user=user, kind=Revision.Kind.RESTORED, note=f"Restored the version of {when}")


def _check_update(article: Article, go_live_at: datetime, snap: dict, user) -> None:
    _require(user, "articles.publish_article")
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published or scheduled story can have scheduled updates; save a draft directly.")
    if article.published_at and go_live_at <= article.published_at:
        raise ValidationError({"go_live_at": "An update must go live after the story is first published."})
    if not snap.get("headline"):
        raise ValidationError({"headline": "A story needs a headline."})
    if not snap.get("reporters"):
        raise ValidationError({"reporters": "A story needs at least one byline."})


@transaction.atomic
def queue_update(article: Article, snap: dict, *, go_live_at: datetime, user=None, note: str = ""):
    from .models import ScheduledUpdate

    _check_update(article, go_live_at, snap, user)
    _announce(article.pk, "update-queued")
    return ScheduledUpdate.objects.create(
        article=article, snapshot=snap, go_live_at=go_live_at, created_by=user, note=note[:250]
    )


def _lock_story_then_update(update):
    """Lock the update's story, then the update row, and return the update as stored now.

    Every writer of a queued update (the scheduler, cancel_update, edit_update) takes the two locks in this
    order, so none of them can deadlock another, and whoever comes second sees what the first committed.
    """
    from .models import ScheduledUpdate

    Article.objects.select_for_update().only("pk").get(pk=update.article_id)
    return ScheduledUpdate.objects.select_for_update().get(pk=update.pk)


@transaction.atomic
def edit_update(update, snap: dict, *, go_live_at: datetime, user=None, note: str | None = None):
    update = _lock_story_then_update(update)
    if update.state not in ("queued", "overdue"):
        raise ValidationError(f"This update has already been {update.state}; it can no longer be changed.")
    _check_update(update.article, go_live_at, snap, user)
    update.snapshot, update.go_live_at = snap, go_live_at
    if note is not None:
        update.note = note[:250]
    # A new version gets a fresh start: the scheduler tries it on its next pass.
    update.failed_attempts, update.last_error, update.last_failed_at, update.retry_at = 0, "", None, None
    update.save()
    _announce(update.article_id, "update-queued")
    return update


@transaction.atomic
def cancel_update(update, *, user=None):
    _require(user, "articles.publish_article")
    update = _lock_story_then_update(update)
    if update.state in ("queued", "overdue"):
        update.cancelled_at = timezone.now()
        update.save(update_fields=["cancelled_at"])
        _announce(update.article_id, "update-cancelled")
    return update


@transaction.atomic
def apply_update(update, *, now: datetime | None = None) -> Article | None:
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
        article, related, user=update.created_by, kind=Revision.Kind.UPDATE_APPLIED,
        note=note, updated_at=update.go_live_at, force_update=True,
    )
    update.applied_at = now
    update.save(update_fields=["applied_at"])
    return article
