from django.apps import AppConfig


def next_visibility_change(now):
    """The next instant at which what readers may see changes: a story going live or expiring (by itself), or a
    queued update falling due (the scheduler applies it then, and its purge follows)."""
    from django.db.models import Subquery

    from .models import Article, ScheduledUpdate

    # One query, three index lookups: the next go-live, the next expiry and the next queued update (carried on any
    # one row; no rows, no stories, no instant).
    going_live = Article.objects.scheduled(now).order_by("published_at").values("published_at")[:1]
    expiring = Article.objects.live(now).filter(expires_at__isnull=False).order_by("expires_at").values("expires_at")[:1]
    updating = ScheduledUpdate.objects.pending().filter(go_live_at__gt=now).order_by("go_live_at").values("go_live_at")[:1]
    row = (
        Article.objects.order_by()
        .annotate(going_live=Subquery(going_live), expiring=Subquery(expiring), updating=Subquery(updating))
        .values_list("going_live", "expiring", "updating").first()
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
