from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .context_processors import NAV_CACHE_KEY
from .models import Section


@receiver([post_save, post_delete], sender=Section)
def sections_changed(**kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)
