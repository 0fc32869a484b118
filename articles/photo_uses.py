"""A change to a photo or credit used by live stories goes into those stories' history (and purges their pages).

photos.services sends photo_changed / credit_changed inside the saving transaction; photos never imports articles.
"""
from django.db.models import Q

from photos.services import credit_changed, live_story_ids, photo_changed

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
    using = Q(hero_photo__credit=credit) | Q(inline_photos__photo__credit=credit)
    ids = set(Article.objects.live().filter(using).values_list("pk", flat=True).distinct())
    _record(ids, f"credit “{credit.name}” changed", changes, user)


photo_changed.connect(on_photo_changed, dispatch_uid="articles-photo-changed")
credit_changed.connect(on_credit_changed, dispatch_uid="articles-credit-changed")
