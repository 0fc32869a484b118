from django.apps import AppConfig


def next_visibility_change(now):
    """The next instant at which what readers may see changes by itself: a story going live or expiring."""
    from .models import Article

    instants = [
        Article.objects.scheduled(now).order_by("published_at").values_list("published_at", flat=True).first(),
        Article.objects.live(now).filter(expires_at__isnull=False).order_by("expires_at")
        .values_list("expires_at", flat=True).first(),
    ]
    return min((i for i in instants if i), default=None)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from core import pagecache

        from . import cache_keys, photo_uses, signals  # noqa: F401

        cache_keys.register()

        # The page cache cuts a page's lifetime to this instant; core asks through its hook, never imports us.
        pagecache.register_next_instant(next_visibility_change)
