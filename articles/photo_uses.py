"""A change to a photo or credit used by live stories goes into those stories' history (and purges their pages).

photos.services sends photo_changed / credit_changed inside the saving transaction; photos never imports articles.
"""
from django.db.models import Q

from photos.services import credit_changed, credit_story_ids, live_story_ids, photo_changed

from . import actors
from .audit import announce, record_audit
from .models import Article
from .service_mark import story_service


def _record(article_ids, action: str, changes: dict, user, announced=None) -> None:
    """An audit entry on each story; those in `announced` (default: all) are announced too (purge, reindex)."""
    actor = actors.require_actor(user)
    for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
        record_audit(article, action, actor, changes)
        if announced is None or article.pk in announced:
            announce(article.pk, action, inputs_may_change=False)


@story_service
def on_photo_changed(sender, photo, changes, user, **kwargs) -> None:
    _record(live_story_ids(photo), f"photo {photo.pk} changed", changes, user)


@story_service
def on_credit_changed(sender, credit, changes, user, **kwargs) -> None:
    # In the history of every live story showing it: hero, inline, placed in the body, or in a live blog's entries
    # (the places Photo.story_ids looks). Announced (its cards purged) only where the card shows the picture: hero
    # and inline; the pages showing it in a body or an entry carry the photo's key, which the credit's save purges.
    on_cards = set(
        Article.objects.live().filter(Q(hero_photo__credit=credit) | Q(inline_photos__photo__credit=credit))
        .values_list("pk", flat=True).distinct()
    )
    _record(credit_story_ids(credit) | on_cards, f"credit “{credit.name}” changed", changes, user, announced=on_cards)


photo_changed.connect(on_photo_changed, dispatch_uid="articles-photo-changed")
credit_changed.connect(on_credit_changed, dispatch_uid="articles-credit-changed")
