from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver
from taggit.models import Tag

from reporters.models import Reporter

from .context_processors import NAV_CACHE_KEY
from .models import ListingSlug, Section

# Sent once a story change has committed (by articles.services), with `article_id` and `kind`
# (the revision kind, e.g. "saved", "published", "update"). Search, caches and feeds follow it.
story_changed = Signal()


@receiver([post_save, post_delete], sender=Section)
def sections_changed(**kwargs) -> None:
    cache.delete(NAV_CACHE_KEY)


LISTING_KINDS = {Section: ListingSlug.Kind.SECTION, Reporter: ListingSlug.Kind.REPORTER, Tag: ListingSlug.Kind.TAG}


@receiver(pre_save, sender=Section, dispatch_uid="articles-section-slug-history")
@receiver(pre_save, sender=Reporter, dispatch_uid="articles-reporter-slug-history")
@receiver(pre_save, sender=Tag, dispatch_uid="articles-tag-slug-history")
def keep_old_listing_slug(sender, instance, raw=False, **kwargs) -> None:
    """A section, reporter or tag saved with a new slug keeps its old listing URL answering (301, articles.views)."""
    if raw:
        return
    kind = LISTING_KINDS[sender]
    ListingSlug.objects.filter(kind=kind, slug=instance.slug).delete()  # the slug is current again
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first() if instance.pk else None
    if old and old != instance.slug:
        ListingSlug.objects.update_or_create(kind=kind, slug=old, defaults={"target_id": instance.pk})
