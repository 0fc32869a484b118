"""Whole-page caching for anonymous readers that never serves stale news.

Every cached page is stored with the *generation* it was made under, a counter in the shared
cache (Redis in production); a page of an older generation is never served. Any change a page could show (a story published, updated, queued for
later, corrected or unpublished; a photo, credit, section, reporter or ad slot edited) bumps
the generation, so every app server misses at once: a correction is live everywhere on the
next request. A page also never outlives the next scheduled instant (a story going live or
expiring with no worker running), because its timeout is cut to that instant.

Readers with a session cookie (staff) always get a fresh page; responses that set cookies
are never stored.
"""
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

GENERATION_KEY = "pagecache:generation"
NEXT_INSTANT_KEY = "pagecache:next-instant:{generation}"
PAGE_KEY = "pagecache:page:{path}"
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain", "application/json")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def purge() -> None:
    """Invalidate every cached page on every app server."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): start a fresh generation
        cache.set(GENERATION_KEY, int(timezone.now().timestamp()), timeout=None)


# Functions `now -> datetime | None` giving the next instant at which pages change by themselves. Apps register
# theirs in AppConfig.ready (articles: the next go-live or expiry), so core imports no app.
_next_instant_sources: list[Callable[[datetime], datetime | None]] = []


def register_next_instant(source: Callable[[datetime], datetime | None]) -> None:
    if source not in _next_instant_sources:
        _next_instant_sources.append(source)


def next_scheduled_instant(gen: int) -> datetime | None:
    """The next instant at which what readers may see changes by itself (go-live or expiry)."""
    key = NEXT_INSTANT_KEY.format(generation=gen)
    cached = cache.get(key, "missing")
    if cached != "missing":
        return cached
    now = timezone.now()
    instants = [source(now) for source in _next_instant_sources]
    upcoming = min((i for i in instants if i), default=None)
    cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS)
    return upcoming


def _is_cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if any(request.path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDE_PREFIXES):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _is_cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = PAGE_KEY.format(path=request.get_full_path())
        # One round trip for both: the current generation and the stored page.
        found = cache.get_many([GENERATION_KEY, key])
        gen = int(found[GENERATION_KEY]) if GENERATION_KEY in found else generation()
        cached = found.get(key)
        # A stored page counts only if it was stored under the current generation and before its own
        # deadline: backend TTLs are whole seconds (and time-travel tests cannot move Redis's clock),
        # but a go-live instant must hold to the second.
        if cached is not None and cached[0] == gen and timezone.now().timestamp() < cached[1]:
            response = cached[2]
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(response):
            now = timezone.now().timestamp()
            valid_until = now + settings.PAGE_CACHE_SECONDS
            upcoming = next_scheduled_instant(gen)
            if upcoming is not None:
                valid_until = min(valid_until, upcoming.timestamp())
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)
            if valid_until > now:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                set_response_etag(response)  # hashed once here, not on every hit
                cache.set(key, (gen, valid_until, response), int(valid_until - now) + 1)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").split(";")[0] in CACHEABLE_TYPES
            and "no-store" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )


def purge_after_commit(**kwargs) -> None:
    """Signal receiver: purge once the change is committed, so no request can re-cache the old page."""
    from django.db import transaction

    transaction.on_commit(purge)
