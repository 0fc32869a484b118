"""Shareable preview links: a signed address for one story's current version, for people without a login.

The address carries the link's id signed with the site's secret (django.core.signing.Signer), so it cannot be guessed or
altered; the row says until when it works and whether it was revoked. Creating and revoking are story services:
the rows are guarded (articles.guard) and each is an audit entry on the story's History.
"""
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import actors
from .audit import record_audit
from .errors import StoryPermissionError
from .models import Article, PreviewLink
from .service_mark import story_service

SALT = "articles.preview-link"
LONGEST = 30  # days: a preview is for a draft's review, not a second publication


class PreviewLinkError(ValueError):
    """A preview link that cannot be made as asked (an expiry in the past or too far ahead)."""


def _signer() -> signing.Signer:
    # No timestamp: a link has one address (its expiry is the row's, and revoking works whatever the address says).
    return signing.Signer(salt=SALT)


def token_for(link: PreviewLink) -> str:
    return _signer().sign(str(link.pk))


def url_for(link: PreviewLink) -> str:
    return reverse("articles:shared_preview", args=[token_for(link)])


def link_for_token(token: str, now: datetime | None = None) -> PreviewLink | None:
    """The active link a token names, or None (bad signature, unknown, expired or revoked)."""
    try:
        pk = int(_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    link = PreviewLink.objects.select_related("article").filter(pk=pk).first()
    if link is None or link.state(now) != "active" or link.article.status == Article.Status.TRASHED:
        return None
    return link


def _require_viewer(actor, article: Article) -> None:
    actor = actors.require_actor(actor)
    if not actors.viewable_stories(actor, Article.objects.filter(pk=article.pk)).exists():
        raise StoryPermissionError("Only the story's own reporters and the editors share its preview.")


@story_service
@transaction.atomic
def create_preview_link(article: Article, *, expires_at: datetime, actor, note: str = "") -> PreviewLink:
    _require_viewer(actor, article)
    now = timezone.now()
    if expires_at <= now:
        raise PreviewLinkError("The expiry must be in the future.")
    if expires_at - now > timedelta(days=LONGEST, minutes=1):
        raise PreviewLinkError(f"A preview link lasts at most {LONGEST} days.")
    link = PreviewLink.objects.create(
        article=article, expires_at=expires_at, note=note.strip()[:120], created_by=actors.user_of(actor)
    )
    record_audit(article, "preview link created", actor, {"preview link expires": (None, expires_at)}, note=link.note)
    return link


@story_service
@transaction.atomic
def revoke_preview_link(link: PreviewLink, *, actor) -> PreviewLink:
    link = PreviewLink.objects.select_for_update().select_related("article").get(pk=link.pk)
    _require_viewer(actor, link.article)
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), actors.user_of(actor)
        link.save(update_fields=["revoked_at", "revoked_by"])
        record_audit(link.article, "preview link revoked", actor, {"preview link expires": (link.expires_at, None)},
                     note=link.note)
    return link
