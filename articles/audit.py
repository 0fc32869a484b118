"""What the services record: revisions (what readers saw) and audit entries (everything else), and the signal.

Only the services call these (the rows are guarded, see articles.guard).
"""
import threading
from contextlib import contextmanager
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


_batch = threading.local()  # inside one_announcement(): what its changes announced and the snapshots they kept
PLAIN_KINDS = frozenset({"created", "saved"})  # content saves: a status move announced with them names the change


@contextmanager
def one_announcement():
    """The changes made inside are announced as one story_changed per story (the story form's save-and-publish is
    one announcement, "published", not two, each purging and reindexing): the kind sent is the last one that is not
    a plain content save, else the last, with the visibility the story had before the first of them. A status move
    inside also reuses the snapshot the save just kept (it changes nothing a snapshot holds). Nested: the outermost
    one sends."""
    if getattr(_batch, "kinds", None) is not None:
        yield
        return
    _batch.kinds, _batch.snaps, _batch.befores = {}, {}, {}
    try:
        yield
        kinds, befores = _batch.kinds, _batch.befores
    finally:
        _batch.kinds = _batch.snaps = _batch.befores = None
    for article_id, kind in kinds.items():
        transaction.on_commit(lambda article_id=article_id, kind=kind, before=befores.get(article_id): (
            story_changed.send(sender=Article, article_id=article_id, kind=kind, before=before)))


def announce(article_id: int, kind: str, *, inputs_may_change: bool = True, before: tuple | None = None) -> None:
    """Send story_changed once the transaction commits (caches, search and feeds follow it); inside
    one_announcement(), once for all its changes.

    `before`: the story's visibility before the change (articles.cache_keys.visibility of the locked row), so the
    page cache purges hard exactly when the story moved into or out of live().

    Once committed, the story's related list (and those of its neighbours) is computed again if its status,
    instants, section or tags moved (articles.related.queue: outside this transaction and its locks).
    `inputs_may_change=False`: a change that writes none of them (a queued update, a photo's caption), which skips
    even that check.
    """
    if inputs_may_change:
        related.queue(article_id)
    kinds = getattr(_batch, "kinds", None)
    if kinds is None:
        transaction.on_commit(
            lambda: story_changed.send(sender=Article, article_id=article_id, kind=kind, before=before))
        return
    if before is not None:
        _batch.befores.setdefault(article_id, before)  # the visibility before the first change of the batch
    if kind not in PLAIN_KINDS or kinds.get(article_id, kind) in PLAIN_KINDS:
        kinds[article_id] = kind


def forget_snapshot(article_id: int) -> None:
    """A content write made without a revision: the next revision reads the story again."""
    (getattr(_batch, "snaps", None) or {}).pop(article_id, None)


def record_revision(
    article: Article, kind: str, actor, *, snap=None, minor=False, note="", announced_as: str | None = None,
    before: tuple | None = None, inputs_may_change: bool = True,
) -> Revision:
    """Keep a revision (of `snap`, or of the stored story) and announce the change once it commits (as
    `announced_as`, when the change's kind for caches and search is not the revision's).

    Without `snap`, inside one_announcement(), the snapshot a save kept there is reused (a status move changes
    nothing a snapshot holds; save_story records or forgets it)."""
    announce(article.pk, announced_as or kind, before=before, inputs_may_change=inputs_may_change)
    snaps = getattr(_batch, "snaps", None)
    if snap is None:
        snap = (snaps or {}).get(article.pk) or current_snapshot(article)
    if snaps is not None:
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
