from django.apps import AppConfig


def next_visibility_change(now):
    """The next instant at which what readers may see changes by itself: a story going live or expiring."""
    from django.db.models import Subquery

    from .models import Article

    # One query, two index lookups: the next go-live and the next expiry (carried on any one row; no rows, no
    # stories, no instant).
    going_live = Article.objects.scheduled(now).order_by("published_at").values("published_at")[:1]
    expiring = Article.objects.live(now).filter(expires_at__isnull=False).order_by("expires_at").values("expires_at")[:1]
    row = (
        Article.objects.order_by().annotate(going_live=Subquery(going_live), expiring=Subquery(expiring))
        .values_list("going_live", "expiring").first()
    )
    return min((i for i in row or () if i), default=None)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from core import pagecache

        from . import cache_keys, guard, photo_uses, related, scheduler, signals  # noqa: F401

        guard.guard_tags()

        cache_keys.register()
        scheduler.register_pass_hook(related.drop_expired)  # expired stories leave the related lists holding them

        # The page cache cuts a page's lifetime to this instant; core asks through its hook, never imports us.
        pagecache.register_next_instant(next_visibility_change)
