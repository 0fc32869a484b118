"""The one path for every change to a live blog and its entries.

The live desk, the admin, `make_demo_liveblog` and the tests call these functions; live.guard refuses writes to
the guarded live models (LiveBlog, LiveEntry, LiveEntryByline, LiveEntryPhoto, LiveRecord) anywhere else; the
blog's reporters (a plain many-to-many) are not guarded. Each function names its actor, checks what the actor may do, runs in one
transaction, and keeps a LiveRecord (who, what, and a snapshot of the entry after the change).

Concurrency: every change to an entry takes the blog's row lock first. Two reporters posting at once each insert
their own row (nothing is overwritten); the lock serialises their stamps, so the stamps follow commit order and a
reader's poll cursor (the latest stamp it saw) never skips an entry committed later with an earlier stamp.
An edit carries the version it was opened at; an edit of an entry someone changed meanwhile is refused
(LiveEditConflict), and the desk keeps what was typed.
"""
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from articles import actors, body_media
from articles.actors import SCHEDULER, SystemActor
from articles.models import Article
from articles.services import follow_live_entry
from core.sanitize import sanitize_body
from core.text import clean_text
from core.timefmt import machine_datetime, reader_datetime
from photos.models import Photo
from reporters.models import Reporter

from . import cache_keys
from .guard import live_service
from .models import LiveBlog, LiveEntry, LiveEntryByline, LiveEntryPhoto, LiveRecord
from .text import body_html

STAMP_STEP = timedelta(microseconds=1)


class LiveError(Exception):
    """Base of every refusal by the live services: nothing was written."""


class LivePermissionError(LiveError, PermissionDenied):
    """The actor may not do this to this blog (a PermissionDenied, so an unhandled one is a 403)."""


class CoverageEnded(LiveError):
    """New entries go only to a blog whose coverage has not ended (an editor can reopen it)."""


class LiveEditConflict(LiveError):
    """Someone changed the entry after this edit was opened."""

    def __init__(self, current: LiveEntry):
        self.current = current
        who = current.records.first()
        by = f" by {who.actor_name}, {reader_datetime(who.created_at)}" if who else ""
        super().__init__(f"This entry was changed{by} after you opened it. Your text is kept below; "
                         "compare it with the entry in the stream and save again.")


# The story services' system actors (articles.actors): the demo command posts as COMMAND.
COMMAND = actors.COMMAND


def _require_actor(actor):
    if actor is None:
        raise LivePermissionError("Say who acts: actor=<staff user> or live.services.COMMAND.")
    if isinstance(actor, SystemActor):
        return actor
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or not actor.is_staff:
        raise LivePermissionError("Only active staff users change live blogs.")
    return actor


# Editors are who may publish stories (articles.actors): they run every blog.
is_editor = actors.can_publish


def may_post(actor, blog: LiveBlog) -> bool:
    """Editors post to every blog; reporters to the blogs an editor opened to them."""
    if actor is None or not getattr(actor, "is_active", True):
        return False
    if isinstance(actor, SystemActor) or is_editor(actor):
        return True
    return blog.reporters.filter(pk=actor.pk).exists()


def require_post(actor, blog: LiveBlog) -> None:
    _require_actor(actor)
    if not may_post(actor, blog):
        raise LivePermissionError("Reporters post only to live blogs an editor has opened to them.")


def require_editor(actor) -> None:
    _require_actor(actor)
    if not is_editor(actor):
        raise LivePermissionError("Only editors open, change and end live blogs.")


def blogs_for(actor, queryset=None):
    """The blogs an actor may open the desk of."""
    queryset = queryset if queryset is not None else LiveBlog.objects.all()
    if isinstance(actor, SystemActor) or is_editor(actor):
        return queryset
    return queryset.filter(reporters=actor)


def entry_snapshot(entry: LiveEntry) -> dict:
    return {
        "headline": entry.headline,
        "body": entry.body,
        "photo": entry.photo_id,
        "reporters": [b.reporter_id for b in entry.bylines.all()],
        "posted_at": machine_datetime(entry.posted_at),
        "pinned": entry.pinned,
        "key_event": entry.key_event,
        "removed": entry.removed_at is not None,
    }


def _record(blog, action, actor, entry=None, snapshot=None) -> LiveRecord:
    return LiveRecord.objects.create(
        blog=blog, entry=entry, action=action, actor=actors.user_of(actor), actor_name=actors.actor_name(actor)[:150],
        snapshot=snapshot if snapshot is not None else (entry_snapshot(entry) if entry else {}),
    )


def _purge_blog(blog: LiveBlog) -> None:
    """A blog opening, ending or moving its coverage changes the LIVE badge wherever its story is shown: the story's
    pages, cards, rails and feeds, hard (live.cache_keys), once the blog index is dropped (so no re-render reads it).
    """
    forget_blog_index()  # now (this transaction's own reads) and again once committed (everyone's)
    transaction.on_commit(forget_blog_index)
    cache_keys.blog_changed(blog.article_id)


def forget_blog_index() -> None:
    from .index import forget

    forget()


def _check_coverage(start: datetime, end: datetime | None) -> None:
    if end is not None and end <= start:
        raise ValidationError({"coverage_end": "Coverage ends after it starts."})


@live_service
@transaction.atomic
def open_blog(article, *, actor, coverage_start=None, coverage_end=None, reporters=(), poll_seconds=15) -> LiveBlog:
    """Make a story a live blog (editors)."""
    require_editor(actor)
    if LiveBlog.objects.filter(article=article).exists():
        raise LiveError(f"“{article.headline}” is already a live blog.")
    start = coverage_start or timezone.now()
    _check_coverage(start, coverage_end)
    blog = LiveBlog.objects.create(article=article, coverage_start=start, coverage_end=coverage_end,
                                   poll_seconds=max(5, poll_seconds))
    blog.reporters.set(reporters)
    _record(blog, LiveRecord.Action.OPENED, actor, snapshot=_blog_snapshot(blog))
    _purge_blog(blog)
    return blog


def _blog_snapshot(blog: LiveBlog) -> dict:
    return {
        "coverage_start": machine_datetime(blog.coverage_start),
        "coverage_end": machine_datetime(blog.coverage_end) if blog.coverage_end else None,
        "reporters": sorted(blog.reporters.values_list("pk", flat=True)),
        "poll_seconds": blog.poll_seconds,
    }


@live_service
@transaction.atomic
def change_blog(blog: LiveBlog, *, actor, coverage_start, coverage_end, reporters, poll_seconds) -> LiveBlog:
    """Coverage instants, who may post, how often pages poll (editors)."""
    require_editor(actor)
    blog = LiveBlog.objects.select_for_update().get(pk=blog.pk)
    _check_coverage(coverage_start, coverage_end)
    blog.coverage_start, blog.coverage_end, blog.poll_seconds = coverage_start, coverage_end, max(5, poll_seconds)
    blog.save()
    blog.reporters.set(reporters)
    _record(blog, LiveRecord.Action.CHANGED, actor, snapshot=_blog_snapshot(blog))
    _purge_blog(blog)
    return blog


def end_coverage(blog: LiveBlog, *, actor, at: datetime | None = None) -> LiveBlog:
    return change_blog(blog, actor=actor, coverage_start=blog.coverage_start, coverage_end=at or timezone.now(),
                       reporters=list(blog.reporters.all()), poll_seconds=blog.poll_seconds)


def _locked_blog(blog: LiveBlog) -> LiveBlog:
    return LiveBlog.objects.select_for_update().get(pk=blog.pk)


def _next_stamp(blog: LiveBlog, now: datetime) -> datetime:
    """A stamp later than every earlier immediate one (the caller holds the blog's row lock)."""
    stamp = now if blog.last_stamp is None or blog.last_stamp < now else blog.last_stamp + STAMP_STEP
    blog.last_stamp = stamp
    LiveBlog.objects.filter(pk=blog.pk).update(last_stamp=stamp)
    return stamp


def _clean_content(headline: str, body: str, photo: Photo | None) -> tuple[str, str, list[dict]]:
    """The headline, the stored body and its blocks: the story body's machinery (articles.body_media), so photos,
    galleries and embeds placed in an entry are read, normalised and checked exactly as in a story."""
    headline = " ".join(clean_text(headline or "").split())[:200]  # core.text: no control or bidi override characters
    body, blocks = body_media.prepare(sanitize_body(body_html(clean_text(body or ""))))
    try:
        body_media.check_photos(blocks)
    except ValidationError as error:
        raise ValidationError({"body": error.messages}) from error
    if not body and photo is None:
        raise ValidationError({"body": "An entry needs some text or a photo."})
    return headline, body, blocks


def _write_body_photos(entry: LiveEntry) -> None:
    """The photos the body shows as LiveEntryPhoto rows (pages prefetch them; they protect the photos)."""
    LiveEntryPhoto.objects.filter(entry=entry).delete()
    LiveEntryPhoto.objects.bulk_create(
        LiveEntryPhoto(entry=entry, photo_id=pk, position=i)
        for i, pk in enumerate(body_media.photo_ids(entry.body_blocks))
    )


def _reporters_for(actor, reporters) -> list[Reporter]:
    chosen = list(dict.fromkeys(reporters or []))
    if not chosen and not isinstance(actor, SystemActor):
        own = Reporter.objects.filter(user=actor).first()
        chosen = [own] if own else []
    if not chosen:
        raise ValidationError({"reporters": "An entry needs at least one reporter."})
    return chosen


def _write_bylines(entry: LiveEntry, reporters: list[Reporter]) -> None:
    # Bulk writes: a many-to-many `set` would send m2m_changed, which purges every cached page (core.apps).
    LiveEntryByline.objects.filter(entry=entry).delete()
    LiveEntryByline.objects.bulk_create(
        LiveEntryByline(entry=entry, reporter=reporter, position=i) for i, reporter in enumerate(reporters)
    )


def _unpin_others(blog: LiveBlog, keep: LiveEntry | None, now: datetime, actor) -> None:
    for other in LiveEntry.objects.filter(blog=blog, pinned=True).exclude(pk=getattr(keep, "pk", None)):
        other.pinned = False
        other.version += 1
        other.stamp = _visible_stamp(blog, other, now)
        other.save(update_fields=["pinned", "version", "stamp"])
        _record(blog, LiveRecord.Action.UNPINNED, actor, entry=other)


def _visible_stamp(blog: LiveBlog, entry: LiveEntry, now: datetime) -> datetime:
    """A change to an entry readers already see gets a fresh stamp; a scheduled one is learnt of at its instant."""
    return entry.posted_at if entry.posted_at > now else _next_stamp(blog, now)


@live_service
@transaction.atomic
def post_entry(blog: LiveBlog, *, actor, body: str, headline: str = "", reporters=None, photo: Photo | None = None,
               pinned: bool = False, key_event: bool = False, post_at: datetime | None = None) -> LiveEntry:
    """Post an entry now, or schedule it for `post_at` (a future instant).

    A past `post_at` means "now" for people; a system actor (an import, the demo) may backdate an entry to it.
    """
    require_post(actor, blog)
    blog = _locked_blog(blog)
    now = timezone.now()
    if blog.has_ended(now):
        raise CoverageEnded("Coverage of this blog has ended; an editor can reopen it (clear “coverage end”).")
    headline, body, blocks = _clean_content(headline, body, photo)
    chosen = _reporters_for(actor, reporters)
    scheduled = post_at is not None and post_at > now
    backdated = post_at is not None and not scheduled and isinstance(actor, SystemActor)
    posted_at = post_at if scheduled or backdated else now
    entry = LiveEntry(blog=blog, posted_at=posted_at, headline=headline, body=body, body_blocks=blocks, photo=photo,
                      pinned=False, key_event=key_event, created_by=actors.user_of(actor))
    entry.stamp = posted_at if scheduled else _next_stamp(blog, now)
    if pinned:
        _unpin_others(blog, None, now, actor)
        entry.pinned = True
    entry.save()
    _write_body_photos(entry)
    _write_bylines(entry, chosen)
    _record(blog, LiveRecord.Action.SCHEDULED if scheduled else LiveRecord.Action.POSTED, actor, entry=entry)
    if not scheduled:  # a scheduled entry reaches pages at its instant (follow_due_entries, live.stream)
        moved = follow_live_entry(blog.article_id, posted_at, actor=actor, entry_id=entry.pk)
        cache_keys.stream_changed(blog.article_id, updated=moved)
    elif pinned:
        cache_keys.stream_changed(blog.article_id)  # the pin it took from a visible entry
    return entry


def _locked_entry(entry: LiveEntry, actor) -> tuple[LiveBlog, LiveEntry]:
    blog = _locked_blog(entry.blog)
    require_post(actor, blog)
    return blog, LiveEntry.objects.select_for_update().get(pk=entry.pk)


@live_service
@transaction.atomic
def edit_entry(entry: LiveEntry, *, actor, expected_version: int | None, body: str, headline: str = "",
               reporters=None, photo: Photo | None = None, key_event: bool | None = None,
               post_at: datetime | None = None) -> LiveEntry:
    """Correct an entry. Readers' open pages replace it in place; a correction to a shown entry shows “Updated”.

    `post_at` moves a scheduled entry (or posts it now when in the past); an entry readers have seen keeps its instant.
    """
    blog, current = _locked_entry(entry, actor)
    if expected_version is not None and current.version != expected_version:
        raise LiveEditConflict(current)
    now = timezone.now()
    headline, body, blocks = _clean_content(headline, body, photo)
    chosen = _reporters_for(actor, reporters)
    was_visible = current.posted_at <= now
    if not was_visible and post_at is not None:
        current.posted_at = max(post_at, now)
    content_changed = (current.headline, current.body, current.photo_id) != (headline, body, getattr(photo, "pk", None))
    current.headline, current.body, current.body_blocks, current.photo = headline, body, blocks, photo
    if key_event is not None:
        current.key_event = key_event
    if was_visible and content_changed:
        current.corrected_at = now
    current.version += 1
    current.stamp = _visible_stamp(blog, current, now)
    current.save()
    _write_body_photos(current)
    _write_bylines(current, chosen)
    _record(blog, LiveRecord.Action.EDITED, actor, entry=current)
    if current.posted_at <= now:
        moved = follow_live_entry(blog.article_id, current.corrected_at or current.posted_at, actor=actor, entry_id=current.pk)
        cache_keys.stream_changed(blog.article_id, updated=moved)
    return current


@live_service
@transaction.atomic
def set_pinned(entry: LiveEntry, pinned: bool, *, actor) -> LiveEntry:
    """Pin an entry above the stream (the blog's previous pin is unpinned: one at a time), or unpin it."""
    blog, current = _locked_entry(entry, actor)
    if current.pinned == pinned:
        return current
    now = timezone.now()
    if pinned:
        _unpin_others(blog, current, now, actor)
    current.pinned = pinned
    current.version += 1
    current.stamp = _visible_stamp(blog, current, now)
    current.save(update_fields=["pinned", "version", "stamp"])
    _record(blog, LiveRecord.Action.PINNED if pinned else LiveRecord.Action.UNPINNED, actor, entry=current)
    cache_keys.stream_changed(blog.article_id)
    return current


@live_service
@transaction.atomic
def set_key_event(entry: LiveEntry, key_event: bool, *, actor) -> LiveEntry:
    blog, current = _locked_entry(entry, actor)
    if current.key_event == key_event:
        return current
    current.key_event = key_event
    current.version += 1
    current.stamp = _visible_stamp(blog, current, timezone.now())
    current.save(update_fields=["key_event", "version", "stamp"])
    _record(blog, LiveRecord.Action.KEY_EVENT if key_event else LiveRecord.Action.NOT_KEY_EVENT, actor, entry=current)
    if not current.is_scheduled():
        cache_keys.stream_changed(blog.article_id)
    return current


@live_service
@transaction.atomic
def remove_entry(entry: LiveEntry, *, actor) -> LiveEntry:
    """Take an entry down (editors): open pages drop it on their next poll; its history stays."""
    require_editor(actor)
    blog, current = _locked_entry(entry, actor)
    if current.removed_at:
        return current
    now = timezone.now()
    current.removed_at, current.pinned = now, False
    current.version += 1
    current.stamp = _visible_stamp(blog, current, now)
    current.save(update_fields=["removed_at", "pinned", "version", "stamp"])
    _record(blog, LiveRecord.Action.REMOVED, actor, entry=current)
    if not current.is_scheduled(now):
        cache_keys.stream_changed(blog.article_id, hard=True)  # taken down: no copy showing it is served again
    return current


def follow_due_entries(now: datetime | None = None) -> int:
    """Scheduled entries whose instant has come move their story's stored Updated (so the JSON-LD dateModified,
    ninjs versionCreated and feeds that read it follow); returns how many stories moved.

    Run by every scheduler pass (articles.scheduler.register_pass_hook, live.apps). An entry posted now already
    moved it in post_entry; this finds the stories whose latest visible entry is later than their Updated, one
    query, and moves them forward only (follow_live_entry), so passes racing or repeating change nothing twice;
    the pages showing those entries and that Updated are purged (live.cache_keys).
    """
    now = now or timezone.now()
    behind = list(
        LiveEntry.objects.visible(now)
        .filter(blog__article__status=Article.Status.PUBLISHED, posted_at__gt=F("blog__article__published_at"))
        .filter(Q(blog__article__updated_at__isnull=True) | Q(posted_at__gt=F("blog__article__updated_at")))
        .values("blog__article_id").annotate(latest=Max("posted_at")).order_by("blog__article_id")
    )
    for row in behind:  # the scheduler's pass: the entries were scheduled by their authors (live.LiveRecord)
        follow_live_entry(row["blog__article_id"], row["latest"], actor=SCHEDULER)
        cache_keys.stream_changed(row["blog__article_id"], updated=True)
    return len(behind)
