"""Whole-page caching for anonymous readers that never serves stale news.

Every cached page is stored with the *generation* it was made under, a token in the shared cache (Redis in
production, a file cache every process of the embedded default shares); a page of another generation is never
served. Any change a page could show (a story published, updated, queued for later, corrected or unpublished;
a photo, credit, section, reporter or ad slot edited) writes a new, never-used token, so every app server misses
at once: a correction is live everywhere on the next request. A token is unique rather than a counter because
the file cache has no atomic increment: two racing purges may overwrite each other, but neither can bring back a
token a stored page carries. A page also never outlives the next scheduled instant (a story going live or
expiring with no worker running), because its timeout is cut to that instant.

The key is the path plus only the query parameters a cached page reads (`page`, `p`); marketing parameters
(utm_*, fbclid, gclid, ...) are left out of the key, and any other parameter is redirected away, so no query
string can make a new cache entry or bypass the cache.

The cache is optional: when it cannot be reached the page is rendered and not stored (cache backends are
configured to swallow connection errors, see settings), and a purge that could not be written is owed by this
process and written as soon as the cache answers again, before this process serves another cached page.

Readers with a session cookie (staff) always get a fresh page; responses that set cookies are never stored.
"""
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

GENERATION_KEY = "pagecache:generation"
NEXT_INSTANT_KEY = "pagecache:next-instant:{generation}"
PAGE_KEY = "pagecache:page:{path}"
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain", "application/json")
# Query parameters some cached page reads: listings' `page`, sitemaps' `p`, and those apps register
# (live: the update endpoint's `after`). Each value makes its own entry.
PAGE_PARAMETERS = {"page", "p"}
# Campaign tracking that no page reads: kept in the URL for analytics, left out of the key.
MARKETING_PARAMETERS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid",
    "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "s_cid",
})
MARKETING_PREFIXES = ("utm_",)

_owed = threading.Event()  # a purge this process could not write to the cache


def new_token() -> str:
    return secrets.token_hex(8)


def generation() -> str | None:
    """The current generation token (made if there is none yet); None when the cache cannot be reached."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, new_token(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def purge() -> None:
    """Invalidate every cached page on every app server."""
    _owed.clear()
    cache.set(GENERATION_KEY, new_token(), timeout=None)
    # Another purge may have written its own token since (that is as good as ours); nothing at all means the
    # cache did not take the write: owe it, or this process's stale pages could come back with the cache.
    if cache.get(GENERATION_KEY) is None:
        _owed.set()


def pay_owed_purge() -> None:
    """Write a purge this process owes, if any (called before serving from the cache, and by the scheduler)."""
    if _owed.is_set():
        purge()


# Functions `now -> datetime | None` giving the next instant at which pages change by themselves. Apps register
# theirs in AppConfig.ready (articles: the next go-live or expiry), so core imports no app.
_next_instant_sources: list[Callable[[datetime], datetime | None]] = []


def register_next_instant(source: Callable[[datetime], datetime | None]) -> None:
    if source not in _next_instant_sources:
        _next_instant_sources.append(source)


def next_scheduled_instant(gen: str) -> datetime | None:
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


def limit_lifetime(request, seconds: int) -> None:
    """Keep this page at most `seconds` in the page cache and in a CDN (s-maxage), whatever the default.

    For pages that change without a purge: a live blog's page and its update endpoint live a few seconds, so a
    new entry purges nothing and the rest of the site stays cached (live.views, live.templatetags).
    """
    current = getattr(request, "page_cache_limit", None)
    request.page_cache_limit = seconds if current is None else min(current, seconds)


def register_page_parameter(name: str) -> None:
    """A query parameter an app's cached pages read (AppConfig.ready), kept in the key instead of redirected away."""
    PAGE_PARAMETERS.add(name)


def is_marketing(name: str) -> bool:
    return name in MARKETING_PARAMETERS or name.startswith(MARKETING_PREFIXES)


def split_query(request) -> tuple[list[tuple[str, str]], list[tuple[str, str]], bool]:
    """(parameters that make the key, marketing parameters, whether anything else was asked)."""
    keyed, marketing, other = [], [], False
    for name, values in request.GET.lists():
        if name in PAGE_PARAMETERS:
            keyed += [(name, value) for value in values]
        elif is_marketing(name):
            marketing += [(name, value) for value in values]
        else:
            other = True
    return sorted(keyed), marketing, other


def page_key(path: str, keyed: list[tuple[str, str]]) -> str:
    return PAGE_KEY.format(path=path + ("?" + urlencode(keyed) if keyed else ""))


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
        keyed, marketing, other = split_query(request)
        if other:
            # A parameter no cached page reads: the same page without it (kept out of the cache, and cheap).
            clean = request.path + ("?" + urlencode(keyed + marketing) if keyed or marketing else "")
            response = HttpResponseRedirect(clean)
            patch_cache_control(response, public=True, max_age=3600)
            return response
        pay_owed_purge()
        key = page_key(request.path, keyed)
        # One round trip for both: the current generation and the stored page.
        found = cache.get_many([GENERATION_KEY, key])
        gen = found[GENERATION_KEY] if GENERATION_KEY in found else generation()
        cached = found.get(key)
        # A stored page counts only if it was stored under the current generation and before its own
        # deadline: backend TTLs are whole seconds (and time-travel tests cannot move Redis's clock),
        # but a go-live instant must hold to the second.
        if gen is not None and cached is not None and cached[0] == gen and timezone.now().timestamp() < cached[1]:
            response = cached[2]
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if gen is not None and self._storable(response):
            now = timezone.now().timestamp()
            limit = getattr(request, "page_cache_limit", None)
            valid_until = now + (settings.PAGE_CACHE_SECONDS if limit is None else min(limit, settings.PAGE_CACHE_SECONDS))
            upcoming = next_scheduled_instant(gen)
            if upcoming is not None:
                valid_until = min(valid_until, upcoming.timestamp())
            cdn_seconds = settings.PAGE_CACHE_CDN_SECONDS if limit is None else min(limit, settings.PAGE_CACHE_CDN_SECONDS)
            patch_cache_control(response, public=True, max_age=0, s_maxage=cdn_seconds)
            if valid_until > now:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                if not response.has_header("ETag"):  # a view's own validator (live.views) is kept
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
