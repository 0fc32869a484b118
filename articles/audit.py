"""What the services record: revisions (what readers saw) and audit entries (everything else), and the signal.

Only the services call these (the rows are guarded, see articles.guard).
"""
import threading
from datetime import datetime

from django.db import transaction

from core.timefmt import machine_datetime

from . import related
from .actors import actor_name, source_of, user_of
from .models import Article, AuditEntry, Revision
from .signals import story_changed

# Stored fields the audit log follows on every save (content fields are in revisions too).
AUDITED_FIELDS = (
    "slug", "expires_at", "language", "section", "hero_photo", "correction_note",
    "wire_uri", "wire_version", "wire_version_created",
    "seo_headline", "meta_description", "social_headline", "social_image", "canonical_url", "noindex",
)
# Many-valued parts, compared as lists.


def snapshot(article: Article, *, related_from: dict | None = None) -> dict:
    """Everything a reader sees of a story, as plain JSON (what a revision keeps). `related_from`: a snapshot whose
    bylines, tags and photos are the story's still (nothing of them was written since): not read again."""
    if related_from is not None:
        reporters, tags, photos = related_from["reporters"], related_from["tags"], related_from["photos"]
    elif article.pk:
        reporters = [b.reporter_id for b in article.bylines.all()]
        tags = sorted(article.tags.names())
        photos = [p.photo_id for p in article.inline_photos.all()]
    else:
        reporters, tags, photos = [], [], []
    return {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section_id,
        "reporters": reporters,
        "tags": tags,
        "hero_photo": article.hero_photo_id,
        "photos": photos,
        "correction_note": article.correction_note,
    }


def current_snapshot(article: Article) -> dict:
    return snapshot(Article.objects.prefetch_related("bylines", "inline_photos", "tags").get(pk=article.pk))


_announced = threading.local()  # article id -> kind, of the changes made in this thread's transaction
_recorded = threading.local()  # article id -> the snapshot its last revision in this transaction kept


def forget_snapshot(article_id: int) -> None:
    """A content write this transaction made without a revision: the next revision reads the story again."""
    getattr(_recorded, "snaps", {}).pop(article_id, None)
PLAIN_KINDS = frozenset({"created", "saved"})  # content saves: a status move announced with them names the change


def announce(article_id: int, kind: str, *, inputs_may_change: bool = True) -> None:
    """Send story_changed once the transaction commits (caches, search and feeds follow it): once per story, however
    many changes the transaction made to it (the story form's create-and-publish is one announcement, "published",
    not two, each purging and reindexing). The kind sent is the last one that is not a plain content save, else the
    last.

    Before that, once committed, the story's related list (and those of its neighbours) is computed again if its
    status, instants, section or tags moved (articles.related.queue: outside this transaction and its locks).
    `inputs_may_change=False`: a change that writes none of them (a queued update, a photo's caption), which skips
    even that check.
    """
    if inputs_may_change:
        related.queue(article_id)
    if not hasattr(_announced, "kinds") or not related.waiting(_send_announced):
        _announced.kinds = {}  # what a rolled-back transaction announced is not sent with this one
        _recorded.snaps = {}
    kinds = _announced.kinds
    if kind not in PLAIN_KINDS or kinds.get(article_id, kind) in PLAIN_KINDS:
        kinds[article_id] = kind
    transaction.on_commit(_send_announced)  # a callback per change: a rolled-back one takes its own away


def _send_announced() -> None:
    kinds, _announced.kinds = getattr(_announced, "kinds", {}), {}
    for article_id, kind in kinds.items():
        story_changed.send(sender=Article, article_id=article_id, kind=kind)


def record_revision(article: Article, kind: str, actor, *, snap=None, minor=False, note="",
                    inputs_may_change: bool = True) -> Revision:
    """Keep a revision (of `snap`, or of the stored story) and announce the change once it commits.

    Without `snap`, a snapshot recorded earlier in this transaction is reused (a status move after the form's save
    changes nothing a snapshot holds; every content write goes through save_story, which records or forgets it)."""
    announce(article.pk, kind, inputs_may_change=inputs_may_change)
    snaps = _recorded.__dict__.setdefault("snaps", {})
    if snap is None:
        snap = snaps.get(article.pk) or current_snapshot(article)
    snaps[article.pk] = snap
    return Revision.objects.create(
        article=article, kind=kind, snapshot=snap,
        edit_version=article.edit_version, created_by=user_of(actor), minor=minor, note=note[:250],
    )


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return machine_datetime(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def record_audit(article: Article, action: str, actor, changes: dict | None = None, note: str = "") -> AuditEntry:
    """One audit entry; `changes` maps a field name to (old, new) (made into short text here)."""
    return AuditEntry.objects.create(
        article=article if article.pk else None, story_id=article.pk, story_headline=article.headline[:250],
        action=action, changes={k: [_text(old), _text(new)] for k, (old, new) in (changes or {}).items()},
        note=note[:250], actor_user=user_of(actor), actor_name=actor_name(actor)[:150], source=source_of(actor),
    )


def audited_values(article: Article, *, many_from: dict | None = None) -> dict:
    """The audited fields of a story as stored (the many-valued ones by name/id, in reader order); `many_from`:
    audited values whose bylines and photos are the story's still (not read again)."""
    values = {name: getattr(article, name) for name in AUDITED_FIELDS if name not in ("section", "hero_photo", "social_image")}
    values["social_image"] = article.social_image_id
    values["section"] = article.section.name if article.section_id else None
    values["hero_photo"] = article.hero_photo_id
    if many_from is not None:
        values["reporters"], values["photos"] = many_from["reporters"], many_from["photos"]
    elif article.pk:
        prefetched = "bylines" in getattr(article, "_prefetched_objects_cache", {})  # with their reporters: story_for_save
        bylines = article.bylines.all() if prefetched else article.bylines.select_related("reporter")
        values["reporters"] = [b.reporter.name for b in bylines]
        values["photos"] = [p.photo_id for p in article.inline_photos.all()]
    else:
        values["reporters"], values["photos"] = [], []
    return values


def diff(before: dict, after: dict) -> dict:
    return {key: (before.get(key), after[key]) for key in after if before.get(key) != after[key]}
