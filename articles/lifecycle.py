"""A story's lifecycle: the one table of status moves, and the services that make them.

Stored statuses are draft, review, published, unpublished and trashed; "scheduled" (published, instant in the
future) and "expired" (published, "Unpublish at" passed) are derived when read (Article.state). A move not in
TRANSITIONS raises StoryTransitionError; an actor without the right raises StoryPermissionError. Both are checked
by `check_transition`, which the admin form calls in validation, and again under the row lock when the move is made.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.timefmt import reader_datetime

from . import actors, cache_keys
from .audit import announce, diff, record_audit, record_revision
from .errors import StoryPermissionError, StoryTransitionError
from .models import Article, ArticleSlug, AuditEntry, Revision
from .service_mark import story_service

S = Article.Status


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    name: str
    revision_kind: str | None  # None: recorded in the audit log only (the story's content did not change)
    permission: str | None = actors.PUBLISH  # besides actors.may_edit / the trash rule; None: editing rights suffice


TRANSITIONS = (
    Transition(S.DRAFT, S.REVIEW, "submit for review", Revision.Kind.SUBMITTED, permission=None),
    Transition(S.REVIEW, S.DRAFT, "back to draft", Revision.Kind.RETURNED, permission=None),
    Transition(S.DRAFT, S.PUBLISHED, "publish", Revision.Kind.PUBLISHED),
    Transition(S.REVIEW, S.PUBLISHED, "publish", Revision.Kind.PUBLISHED),
    # Moving the instant of a scheduled story (refused once it has gone live: Published is set once).
    Transition(S.PUBLISHED, S.PUBLISHED, "reschedule", Revision.Kind.PUBLISHED),
    Transition(S.PUBLISHED, S.UNPUBLISHED, "unpublish", Revision.Kind.UNPUBLISHED),
    Transition(S.PUBLISHED, S.DRAFT, "back to draft", Revision.Kind.RETURNED),
    Transition(S.UNPUBLISHED, S.PUBLISHED, "publish again", Revision.Kind.PUBLISHED),
    Transition(S.UNPUBLISHED, S.REVIEW, "submit for review", Revision.Kind.SUBMITTED),
    Transition(S.UNPUBLISHED, S.DRAFT, "back to draft", Revision.Kind.RETURNED),
    *(Transition(status, S.TRASHED, "move to the trash", None, permission="articles.delete_article")
      for status in (S.DRAFT, S.REVIEW, S.PUBLISHED, S.UNPUBLISHED)),
    Transition(S.TRASHED, S.DRAFT, "restore from the trash", None),
)
_TABLE = {(t.source, t.target): t for t in TRANSITIONS}


def _seconds(instant: datetime | None) -> datetime | None:
    return instant.replace(microsecond=0) if instant else None


def _label(status: str) -> str:
    return S(status).label.lower()


def check_transition(article: Article, target: str, actor, *, at: datetime | None = None, now=None):
    """The Transition moving `article` to `target` (None when there is nothing to do), or a StoryError.

    `at` is the publication instant asked for when publishing (None: now, or keep the scheduled one).
    """
    actor = actors.require_actor(actor)
    now = now or timezone.now()
    source = article.status
    if source == target == S.PUBLISHED:
        if at is None or _seconds(at) == _seconds(article.published_at):
            return None
        if article.published_at and article.published_at <= now:
            raise StoryTransitionError(
                f"This story has been live since {reader_datetime(article.published_at)}; "
                "its publication time is set once and cannot move."
            )
    elif source == target:
        return None
    move = _TABLE.get((source, target))
    if move is None:
        raise StoryTransitionError(
            f"A story that is {_label(source) if source != S.REVIEW else 'in review'} cannot be moved to "
            f"“{S(target).label}”. From here it can go to: "
            + (", ".join(f"“{S(t.target).label}”" for t in TRANSITIONS if t.source == source and t.target != source)
               or "nowhere")
            + "."
        )
    if move.permission and not actor.has_perm(move.permission):
        raise StoryPermissionError(f"You may not {move.name} this story.")
    if source == S.TRASHED:
        return move  # restoring: the permission above is the rule (may_edit refuses trashed stories)
    if not actors.may_edit(actor, article):
        actors.require_edit(actor, article)
    return move


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@story_service
@transaction.atomic
def transition(
    article: Article, target: str, *, actor, at: datetime | None = None, updated_at: datetime | None = None,
    note: str = "",
) -> Article:
    """Move a story to `target` (a stored status), checked against the table under the row lock."""
    article = _locked(article)
    now = timezone.now()
    if target == S.PUBLISHED and at is None and article.state(now) == "scheduled":
        at = now  # "publish now" (the form's empty "Publish at") for a scheduled story
    move = check_transition(article, target, actor, at=at, now=now)
    if move is None:
        return article
    before = {"status": article.status, "published_at": article.published_at, "queued updates": 0}
    shown_before = cache_keys.visibility(article, now)  # the page cache compares it with after the commit
    cancelled = 0
    if target == S.TRASHED:
        # Nothing stays queued for a story in the trash (the scheduler would otherwise apply it there).
        cancelled = article.scheduled_updates.pending().update(cancelled_at=now)
        before["queued updates"] = cancelled
    if target == S.PUBLISHED:
        if not (article.published_at and article.published_at <= now):  # Published is set once
            article.published_at = at or now
            article.updated_at = max(updated_at or article.published_at, article.published_at)
    if target == S.TRASHED:
        article.trashed_at = now
    elif article.status == S.TRASHED:
        article.trashed_at = None
    article.status = target
    article.modified_by = actors.user_of(actor)
    article.edit_version += 1
    article.save()
    after = {"status": article.status, "published_at": article.published_at, "queued updates": 0}
    record_audit(article, move.name, actor, diff(before, after), note=note)
    if move.revision_kind:
        record_revision(article, move.revision_kind, actor, note=note or ("" if target != S.DRAFT else "Returned to draft"),
                        before=shown_before)
    else:
        announce(article.pk, move.name, before=shown_before)
    return article


def publish(article, *, actor, at=None, updated_at=None) -> Article:
    """Publish now, or schedule for `at` (or move a scheduled story's instant)."""
    return transition(article, S.PUBLISHED, actor=actor, at=at, updated_at=updated_at)


def unpublish(article, *, actor) -> Article:
    return transition(article, S.UNPUBLISHED, actor=actor)


def submit_for_review(article, *, actor) -> Article:
    return transition(article, S.REVIEW, actor=actor)


def return_to_draft(article, *, actor) -> Article:
    return transition(article, S.DRAFT, actor=actor)


def trash(article, *, actor) -> Article:
    """Take a story off the site into the trash: restorable, its history kept."""
    return transition(article, S.TRASHED, actor=actor)


def restore_from_trash(article, *, actor) -> Article:
    """Bring a story back from the trash, as a draft (it must be published again to be seen)."""
    return transition(article, S.DRAFT, actor=actor)


@story_service
@transaction.atomic
def purge(article: Article, *, actor) -> AuditEntry:
    """Delete a trashed story with its revisions and queued updates, for good. The audit entry of the purge
    (story id and headline copied) stays, with the story's earlier audit entries."""
    actor = actors.require_actor(actor)
    if not (isinstance(actor, actors.SystemActor) or actor.is_superuser):
        raise StoryPermissionError("Only an administrator purges the trash.")
    article = _locked(article)
    if article.status != S.TRASHED:
        raise StoryTransitionError("Only a story in the trash can be purged; move it to the trash first.")
    revisions = article.revisions.count()
    entry = record_audit(article, "purged", actor, {"revisions": (revisions, 0)},
                         note=f"Purged from the trash (trashed {reader_datetime(article.trashed_at)})"
                         if article.trashed_at else "Purged from the trash")
    article.revisions.all().delete()
    article.scheduled_updates.all().delete()
    ArticleSlug.objects.filter(article=article).delete()
    article.delete()
    return entry
