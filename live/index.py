"""Which stories are live blogs, and when their coverage runs: read by every listing card (the LIVE badge).

Kept in the shared cache as one small dict, so a listing page pays no query for its badges; the live services
drop it when a blog opens, changes or ends (and it expires by itself after a minute).
"""
from django.core.cache import cache
from django.utils import timezone

from .models import LiveBlog

KEY = "live:blog-index"
SECONDS = 60


def blog_index() -> dict[int, tuple]:
    index = cache.get(KEY)
    if index is None:
        index = {article_id: (start, end) for article_id, start, end in
                 LiveBlog.objects.values_list("article_id", "coverage_start", "coverage_end")}
        cache.set(KEY, index, SECONDS)
    return index


def forget() -> None:
    cache.delete(KEY)


def is_running(article_id: int, now=None) -> bool:
    coverage = blog_index().get(article_id)
    if coverage is None:
        return False
    now = now or timezone.now()
    start, end = coverage
    return start <= now and (end is None or end > now)


def next_coverage_change(now):
    """The next coverage start or end: listings gain or lose a LIVE badge then (the page cache's next instant)."""
    instants = [i for coverage in blog_index().values() for i in coverage if i is not None and i > now]
    return min(instants, default=None)
