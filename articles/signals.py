from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .context_processors import NAV_CACHE_KEY
from .models import Section

# Sent once a story change has committed (by articles.services), with `article_id` and `kind`
# (the revision kind, e.g. "saved", "published", "update"). Search, caches and feeds follow it.
story_changed = Signal()


@receiver([post_save, post_delete], sender=Section)
def sections_changed(**kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)
