"""A change to a photo or credit used by live stories goes into those stories' history (and purges their pages).

photos.services sends photo_changed / credit_changed inside the saving transaction; photos never imports articles.
"""
from photos.services import credit_changed, credit_story_ids, live_story_ids, photo_changed

from . import actors
from .audit import announce, record_audit
from .models import Article
from .service_mark import story_service


def _record(article_ids, action: str, changes: dict, user) -> None:
    actor = actors.require_actor(user)
    for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
        record_audit(article, action, actor, changes)
        announce(article.pk, action, inputs_may_change=False)


@story_service
def on_photo_changed(sender, photo, changes, user, **kwargs) -> None:
    _record(live_story_ids(photo), f"photo {photo.pk} changed", changes, user)


@story_service
def on_credit_changed(sender, credit, changes, user, **kwargs) -> None:
    # Hero, inline, placed in the body, or in a live blog's entries: the same places Photo.story_ids looks.
    _record(credit_story_ids(credit), f"credit “{credit.name}” changed", changes, user)


photo_changed.connect(on_photo_changed, dispatch_uid="articles-photo-changed")
credit_changed.connect(on_credit_changed, dispatch_uid="articles-credit-changed")
