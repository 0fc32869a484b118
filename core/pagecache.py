"""Whole-page caching for anonymous readers with targeted purges, no stampedes and no stale news.

Surrogate keys. While a page renders, whatever it shows names itself with `add_keys()` ("story:12",
"section:3", "reporter:7", "tag:5", "photo:9", "listing:home", "listing:recent", "nav", "ads", "sitemap", ...; every
page also carries "all"). The page is stored with the current *token* of each of its keys, and served only while
every one of them is still current. `purge_keys(["story:12", ...])` writes a new, never-used token for each key, so
exactly the pages showing those things miss on every app server at once, and nothing else. Two racing purges may
overwrite each other's tokens, but neither can bring back a token a stored page carries.

No clock decides freshness. Every purge takes a number from one counter in the shared cache (SEQUENCE_KEY: Redis
INCR; core.filecache increments it under a file lock), and its tokens and hard marks carry that number. A render
reads the counter before anything it shows; it is not stored if one of its keys' tokens is numbered higher (that
purge came after its queries began, so it may show what the purge removed), and a stored copy whose keys changed
is dead rather than stale if a hard mark is numbered higher than its render's start. A purge runs after its
commit, so a render that missed a change always started below that change's number, whatever the clocks of the
processes say (tests/integration/test_clock_skew.py: servers and a shell with clocks 10 s apart, both ways).
Deadlines (PAGE_CACHE_SECONDS, limit_lifetime, the next scheduled instant) use the local clock.
Apps decide which keys a change purges (articles.cache_keys); core imports no app. The same keys go out in
`Surrogate-Key` / `Cache-Tag` headers, and a configured purger (core.purgers) sends each purge to a CDN too.

No stampede. After a *soft* purge (an edit), the first request for a page takes a lock in the shared cache
(`cache.add`, atomic on Redis; on the file cache a race lets at most a few through) and re-renders it; while the
lock is held (at most PAGE_CACHE_LOCK_SECONDS) the other requests get the previous copy ("stale"). A *hard* purge
(a story going live, unpublished, trashed, a scheduled update applied) leaves no copy to serve: the others wait for
the lock holder's fresh page (up to PAGE_CACHE_LOCK_SECONDS, then render themselves). A page never outlives the
next scheduled instant (a story going live or expiring with no worker running): its deadline is cut to that instant
and a page past its deadline is never served stale either.

The key of a stored page is the path plus only the query parameters a cached page reads (`page`, `p`); marketing
parameters (utm_*, fbclid, gclid, ...) are left out, and any other parameter is redirected away, so no query string
can make a new cache entry or bypass the cache.

The cache is optional: when it cannot be reached the page is rendered and not stored (cache backends are
configured to swallow connection errors, see settings), and a purge the cache did not take waits in the purge
outbox (core.models.PurgeOutbox, a table) until a process writes it out: this process before it serves another
cached page, any web process before serving from the cache once PAGE_CACHE_OUTBOX_SECONDS have passed since it
last looked, the scheduler before every pass, a management command as it exits
(tests/integration/test_purge_outbox.py).

Readers with a session cookie (staff) always get a fresh page; responses that set cookies are never stored.

A page is stored as its body and headers. A fresh hit is answered before Django's request handling by FastHits,
the WSGI application newsroom/wsgi.py serves, which adds what the middleware outside the page cache would add
(SecurityMiddleware's headers, ConditionalGetMiddleware's 304s) and leaves everything else to Django; see
"hits answered before Django" below.
"""
import contextvars
import io
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import (
    WSGIRequest,
    get_bytes_from_wsgi,
    get_path_info,
    get_script_name,
    get_str_from_wsgi,
)
from django.core.signals import setting_changed
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, QueryDict
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

logger = logging.getLogger(__name__)

ALL = "all"  # carried by every page: purge_all()
SCHEDULE = "schedule"  # purged by any change that may move the next go-live or expiry
# v2: tokens and hard marks carry the purge sequence, not a wall-clock instant (no process reads v1's)
TOKEN_KEY = "pagecache:key:v2:{name}"
# A key a page carries *softly* is stored as SOFT + key: its purge, hard or not, only makes the page stale (served
# while one request re-renders it). For what every story page repeats (the "Most recent" rail, a fragment of its own:
# see fragment(soft=True)), so one publish is no hard wave over every story page.
SOFT = "~"
HARD_KEY = "pagecache:hard:v2:{name}"  # the sequence number of `name`'s last hard purge
SEQUENCE_KEY = "counter:pagecache:purges"  # one more for every purge: Redis INCR, core.filecache's locked counter
FLOOR_KEY = "counter:pagecache:restarted"  # where the counter restarted after it was lost (_recover_sequence)
LOCK_KEY = "pagecache:lock:{page}"
EPOCH_KEY = "pagecache:epoch"  # a new token after every purge of any key
NEXT_INSTANT_KEY = "pagecache:next-instant"
PAGE_KEY = "pagecache:page:v4:{path}"  # v4: an entry holds the purge sequence its render started at
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
# Keyed parameters a render must accept (accept_parameter) to be kept under them: a page that does not read one, or
# reads a value that is not the canonical spelling of something that exists, would otherwise make a new entry per
# value (`/?page=<random>`). Such an answer is a 301 to the same URL without it, never stored (docs/decisions.md,
# "The edge obeys the schedule"). Parameters apps register (live's `after`) are checked by the app that reads them.
CHECKED_PARAMETERS = frozenset({"page", "p"})
WAIT_STEP = 0.05  # how often a request waiting for the lock holder's fresh page looks for it (seconds)

# Stored entries (pages, fragments) this process found current, with the epoch it checked them at: while no purge
# has happened since (the epoch is the same), the entry is current without reading each of its keys' tokens.
_verified: dict[str, tuple[str, str]] = {}
VERIFIED_MAX = 20_000
# The purge outbox (core.models.PurgeOutbox): when this process last looked at it (time.monotonic()), and whether it
# has reason to look before the interval is up (it wrote a row, or could not write one out).
_outbox = {"checked_at": float("-inf"), "owed": False}
# The keys of the page being rendered in this thread/task (None outside the page cache).
_collecting: contextvars.ContextVar[set | None] = contextvars.ContextVar("pagecache_keys", default=None)
# The latest instant what is being rendered may be kept until ([timestamp]; None outside the page cache): cut by
# limit_lifetime() and by the deadlines of the fragments it uses.
_deadline: contextvars.ContextVar[list | None] = contextvars.ContextVar("pagecache_deadline", default=None)
# The purge sequence the page being rendered started at (None outside a page render): its fragments use it too.
_started: contextvars.ContextVar[int | None] = contextvars.ContextVar("pagecache_started", default=None)
# The keyed query parameters (CHECKED_PARAMETERS) the page being rendered read and found canonical (accept_parameter).
_accepted: contextvars.ContextVar[set | None] = contextvars.ContextVar("pagecache_accepted", default=None)


def _now() -> float:
    # Deadlines only (PAGE_CACHE_SECONDS, limit_lifetime, the next scheduled instant): what was purged before what
    # is decided by the purge sequence, never by comparing two processes' clocks. Moved by time-travel tests.
    return timezone.now().timestamp()


def new_token(sequence: int = 0) -> str:
    """A never-used token, written by the purge numbered `sequence` (0: a key never purged yet)."""
    return f"{sequence}-{secrets.token_hex(6)}"


def token_sequence(token: str) -> int:
    try:
        return int(token.split("-", 1)[0])
    except (AttributeError, ValueError):
        return 0


def purge_sequence() -> int | None:
    """The number of the latest purge (read before a render: any purge that render may miss is numbered higher);
    None when the cache is down. Also for code outside this module that compares a hard purge with when it read
    something (search.results_cache)."""
    sequence = cache.get(SEQUENCE_KEY)
    if sequence is None:
        cache.add(SEQUENCE_KEY, 0, timeout=None)
        sequence = cache.get(SEQUENCE_KEY)
    return sequence


def _next_sequence() -> int | None:
    """A number for a new purge, higher than any `purge_sequence()` read before it; None when the cache is down."""
    try:
        return cache.incr(SEQUENCE_KEY)
    except ValueError:  # not there yet
        cache.add(SEQUENCE_KEY, 0, timeout=None)
        try:
            return cache.incr(SEQUENCE_KEY)
        except ValueError:
            return None
    except Exception:  # noqa: BLE001 (a cache that refuses the write, however it says so, did not take it)
        logger.warning("page cache: the purge sequence could not be moved", exc_info=True)
        return None


# ----------------------------------------------------------------------------------------------- naming keys

def add_keys(*keys: str | Iterable[str], soft: bool = False) -> None:
    """Name what the page being rendered shows (no-op outside a cacheable page render); `soft`: carried softly (SOFT)."""
    collected = _collecting.get()
    if collected is None:
        return
    for key in keys:
        names = [key] if isinstance(key, str) else key
        collected.update(soft_key(name) for name in names) if soft else collected.update(names)


def soft_key(name: str) -> str:
    return name if name.startswith(SOFT) else SOFT + name


def _key_name(name: str) -> str:
    """The key a carried name stands for (a soft one without its mark)."""
    return name.removeprefix(SOFT)


def carried(collected: set[str]) -> list[str]:
    """What a page or fragment stores, sorted: a key carried both ways is carried hard."""
    return sorted(name for name in collected if not (name.startswith(SOFT) and _key_name(name) in collected))


def header_keys(names: Iterable[str]) -> list[str]:
    """The keys for Surrogate-Key / Cache-Tag: soft ones by their plain name (a CDN purges them as any other)."""
    return sorted({_key_name(name) for name in names})


def limit_lifetime(request, seconds: int) -> None:
    """Keep this page (and the fragment being rendered) at most `seconds` in the page cache and in a CDN (s-maxage),
    whatever the default.

    For pages that also change without a purge: a live blog's page, update endpoint and entry feeds live a few
    seconds, so a scheduled entry appears at its instant and a CDN with no purger follows (live.views,
    live.templatetags, live.feeds).
    """
    if request is not None:
        current = getattr(request, "page_cache_limit", None)
        request.page_cache_limit = seconds if current is None else min(current, seconds)
    _cut_deadline(_now() + seconds)


def _cut_deadline(at: float) -> None:
    deadline = _deadline.get()
    if deadline is not None:
        deadline[0] = min(deadline[0], at)


def accept_parameter(name: str) -> None:
    """The page being rendered reads query parameter `name` and its value is canonical (a page that exists, spelled
    as the site links to it): only then is the page kept under it (CHECKED_PARAMETERS). No-op outside a render."""
    accepted = _accepted.get()
    if accepted is not None:
        accepted.add(name)


def keyed_answer(request, *keys: str | Iterable[str]) -> None:
    """This page's non-200 answer (a 404, a redirect) is decided by what `keys` name, and a change purges them: the
    CDN may keep it like a page (bounded s-maxage, Surrogate-Key). Any other non-200 answer is `no-store`."""
    add_keys(*keys)
    if request is not None:
        request.page_cache_keyed_answer = True


def register_page_parameter(name: str) -> None:
    """A query parameter an app's cached pages read (AppConfig.ready), kept in the key instead of redirected away."""
    PAGE_PARAMETERS.add(name)


# ------------------------------------------------------------------------------------------------- purging

def purge_keys(keys: Iterable[str], *, hard: bool = False, edge: bool = True) -> None:
    """Invalidate every cached page carrying any of `keys`, on every app server (and the CDN, if configured).

    Soft: readers may get the previous copy for the few seconds one request takes to re-render it.
    Hard: no copy rendered before this call is served again.
    edge=False: keys only this cache's entries carry, never a response (search results, kept for /search/, which
    is not cached at the edge): the CDN is not asked.
    A purge the cache does not take goes to the purge outbox, which whichever process next can writes out.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    if not _write_purge(keys, hard):
        _to_outbox(keys, hard)
    if not edge:
        return
    from .purgers import purger

    purger().purge(keys, hard=hard)


def _write_purge(keys: list[str], hard: bool) -> bool:
    """Write a purge to the cache; False when the cache did not take it."""
    sequence = _next_sequence()
    if sequence is None:
        return False
    if hard:
        # Written before the tokens (a reader that sees a new token finds the mark), and kept as long as a page
        # stored before it can live.
        marks = {HARD_KEY.format(name=key): sequence for key in keys}
        cache.set_many(marks, timeout=settings.PAGE_CACHE_SECONDS + 60)
    cache.set_many({TOKEN_KEY.format(name=key): new_token(sequence) for key in keys}, timeout=None)
    cache.set(EPOCH_KEY, new_token(sequence), timeout=None)  # after the tokens: see _current()
    # Another purge may have written its own token since (as good as ours); nothing at all means the cache did
    # not take the write.
    return cache.get(TOKEN_KEY.format(name=keys[0])) is not None


def purge_all(*, hard: bool = True) -> None:
    """Invalidate every cached page on every app server."""
    purge_keys([ALL], hard=hard)


# ------------------------------------------------------------------------------------------- the purge outbox

OUTBOX_BATCH = 500  # rows written out per look


def _to_outbox(keys: list[str], hard: bool) -> None:
    from django.db import DatabaseError, transaction

    from .models import PurgeOutbox

    try:
        with transaction.atomic():  # a savepoint inside a caller's transaction: a failure here leaves it usable
            PurgeOutbox.objects.create(keys=" ".join(keys), hard=hard, process=PurgeOutbox.this_process())
    except DatabaseError:
        logger.error("page cache: a purge of %d keys (%s) could be written neither to the cache nor to the outbox",
                     len(keys), " ".join(keys[:10]))
        return
    _outbox["owed"] = True
    logger.warning("page cache: the cache did not take a purge of %d keys; it waits in the purge outbox", len(keys))


def outbox_due() -> bool:
    """Whether this process should look at the outbox before serving from the cache: it owes a purge, or it has
    not looked for PAGE_CACHE_OUTBOX_SECONDS (a database query at most that often per process, never per hit)."""
    return _outbox["owed"] or time.monotonic() - _outbox["checked_at"] >= settings.PAGE_CACHE_OUTBOX_SECONDS


def pay_owed_purge() -> None:
    """Write out the purge outbox when it is due (called before serving from the cache)."""
    if outbox_due():
        drain_outbox()


def drain_outbox() -> int:
    """Write the purges waiting in the outbox to the cache (and send them to the CDN again); the rows the cache
    took are deleted. Returns how many rows were written out."""
    from django.db import DatabaseError

    from .models import PurgeOutbox

    _outbox["checked_at"] = time.monotonic()
    written = 0
    try:
        while rows := list(PurgeOutbox.objects.order_by("pk").values_list("pk", "keys", "hard")[:OUTBOX_BATCH]):
            for hard in (True, False):
                keys = sorted({key for _, row_keys, row_hard in rows if row_hard is hard for key in row_keys.split()})
                if keys and not _write_purge(keys, hard):
                    _outbox["owed"] = True  # the cache is still away: look again on the next request
                    return written
                if keys:
                    from .purgers import purger

                    # A CDN may have fetched the old page again from a server that still had it meanwhile.
                    purger().purge(keys, hard=hard)
            PurgeOutbox.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
            written += len(rows)
    except DatabaseError:
        # With the traceback attached, core.logfilters folds this into its once-a-minute "database unavailable".
        logger.warning("page cache: the purge outbox could not be read", exc_info=True)
        return written
    _outbox["owed"] = False
    if written:
        logger.warning("page cache: purges written out from the purge outbox: %d", written)
    return written


def owed() -> dict[str, bool]:
    """The purges waiting in the outbox: key -> hard (hard if any of its waiting purges is)."""
    from .models import PurgeOutbox

    waiting: dict[str, bool] = {}
    for keys, hard in PurgeOutbox.objects.values_list("keys", "hard"):
        for key in keys.split():
            waiting[key] = waiting.get(key, False) or hard
    return waiting


def note_database_used(sender, **kwargs) -> None:
    """connection_created receiver (core.apps, management commands only): see drain_outbox_at_exit."""
    _outbox["database_used"] = True


def drain_outbox_at_exit() -> None:
    """A management command's last act (core.apps): write out the outbox if the cache is back, so nothing this
    process (or another) left there waits for the next web request. Never raises: the process is ending."""
    if not _outbox.get("database_used"):
        return  # a command that never used the database (collectstatic, check) does not open it to look
    from .breaker import probe_now

    probe_now()  # a cache that came back within the breaker's wait is tried once more, not skipped
    try:
        drain_outbox()
    except Exception:  # noqa: BLE001
        logger.warning("page cache: the purge outbox could not be written out at exit", exc_info=True)


def purge_after_commit(keys: Iterable[str], *, hard: bool = False) -> None:
    """Purge once the change is committed, so no request can re-cache the old page."""
    from django.db import transaction

    keys = list(keys)
    transaction.on_commit(lambda: purge_keys(keys, hard=hard))


# Model -> function(instance) giving the keys a saved or deleted row purges (None: none). Apps register theirs in
# AppConfig.ready; a model of a page-content app with no function registered purges everything.
_model_keys: dict[type, Callable] = {}


def register_model_keys(model: type, keys_of: Callable) -> None:
    _model_keys[model] = keys_of


def purge_for_row(sender, instance=None, raw=False, **kwargs) -> None:
    """post_save / post_delete / m2m_changed receiver (core.apps connects it for the page-content apps)."""
    if raw:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: only once the rows have moved
    model = sender if action is None else type(instance)
    keys_of = _model_keys.get(model)
    keys = [ALL] if keys_of is None else list(keys_of(instance) or ())
    if keys:
        purge_after_commit(keys)


# Functions `now -> datetime | None` giving the next instant at which pages change by themselves. Apps register
# theirs in AppConfig.ready (articles: the next go-live or expiry), so core imports no app.
_next_instant_sources: list[Callable[[datetime], datetime | None]] = []


def register_next_instant(source: Callable[[datetime], datetime | None]) -> None:
    if source not in _next_instant_sources:
        _next_instant_sources.append(source)


def next_scheduled_instant(schedule_token: str) -> datetime | None:
    """The next instant at which what readers may see changes by itself (go-live or expiry).

    Remembered under the current token of the "schedule" key, which every story change purges."""
    cached = cache.get(NEXT_INSTANT_KEY)
    now = timezone.now()
    # Past instants are looked up again: the story went live (or expired) with no purge, the next one is later.
    if cached is not None and cached[0] == schedule_token and (cached[1] is None or cached[1] > now):
        return cached[1]
    instants = [source(now) for source in _next_instant_sources]
    upcoming = min((i for i in instants if i), default=None)
    cache.set(NEXT_INSTANT_KEY, (schedule_token, upcoming), timeout=settings.PAGE_CACHE_SECONDS)
    return upcoming


# ---------------------------------------------------------------------------------------------- fragments

FRAGMENT_KEY = "pagecache:fragment:v2:{name}"


def fragment(name: str, build: Callable[[], object], *, soft: bool = False):
    """A part of a page (a story with its prefetches, a rendered rail, a card) kept under the same keys as pages.

    `build()` names what it shows with add_keys(), as a page does; the value is kept while all those keys are
    current and until the next scheduled instant, like a page, and the page using it carries its keys (`soft`: softly,
    so their purge only makes the page stale). Only while the page cache is on (PAGE_CACHE_SECONDS), so a render with
    it off is a plain render.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return build()
    found = kept_fragments([name], soft=[name] if soft else ())
    if name in found:
        return found[name]
    return store_fragment(name, build, soft=soft)


def kept_fragments(names: list[str], *, soft: Iterable[str] = ()) -> dict:
    """The fragments among `names` that are kept and current (two cache round trips however many); the page carries
    the keys of those in `soft` softly."""
    soft = set(soft)
    if not settings.PAGE_CACHE_SECONDS or not names:
        return {}
    found = cache.get_many([EPOCH_KEY, *(FRAGMENT_KEY.format(name=name) for name in names)])
    epoch, now = found.get(EPOCH_KEY), _now()
    current = {}
    for name in names:
        cache_key = FRAGMENT_KEY.format(name=name)
        entry = found.get(cache_key)
        if entry is not None and now < entry[1] and not _current(cache_key, entry[0], entry[3], epoch):
            add_keys(entry[0].keys(), soft=name in soft)
            _cut_deadline(entry[1])  # the page using it is kept no longer than it
            current[name] = entry[2]
    return current


def store_fragment(name: str, build: Callable[[], object], *, soft: bool = False):
    """Build a fragment, naming its keys, and keep it (see fragment(); `soft`: the page carries its keys softly)."""
    if not settings.PAGE_CACHE_SECONDS:
        return build()
    cache_key = FRAGMENT_KEY.format(name=name)
    started = _started.get()  # inside a page render: the page's (read earlier, so no later than the fragment's own)
    if started is None:
        started = purge_sequence()
    collected, deadline = {ALL}, [float("inf")]
    reset, reset_deadline = _collecting.set(collected), _deadline.set(deadline)
    try:
        value = build()
    finally:
        _collecting.reset(reset)
        _deadline.reset(reset_deadline)
    add_keys(collected, soft=soft)
    _cut_deadline(deadline[0])
    if value is None:
        return None  # nothing found is not kept: what would name the change that makes it something?
    names = carried(collected)
    tokens, sequence = _read_tokens([*names, SCHEDULE])
    valid_until = _keep_until(tokens, names, started, sequence, deadline[0])
    if valid_until is not None:
        entry = ({key: tokens[key] for key in names}, valid_until, value, new_token())
        cache.set(cache_key, entry, int(valid_until - _now()) + 1)
    return value


def _keep_until(tokens: dict, names, started: int | None, sequence: int | None, deadline: float) -> float | None:
    """Until when a page or fragment may be kept (None: not at all), whose render started at purge number `started`
    and whose keys' `tokens` were read with the purge number `sequence` after it.

    Not when the cache is down, nor when one of its keys was purged after the render started (its token's number
    is higher than `started`: the render may show what the purge removed). The numbers come from one counter in
    the shared cache, so this holds whatever the clocks of the processes that purged and rendered say. At most
    PAGE_CACHE_SECONDS, its own deadline (limit_lifetime) and the next scheduled instant."""
    if not tokens or started is None or sequence is None:
        return None
    if sequence < started:
        return None  # the counter went back during the render (the cache was emptied): nothing can be ordered
    newest = max(token_sequence(tokens[name]) for name in names)
    if newest > sequence:
        _recover_sequence(newest)
        return None
    if newest > started:
        return None
    now = _now()
    valid_until = min(now + settings.PAGE_CACHE_SECONDS, deadline)
    upcoming = next_scheduled_instant(tokens[SCHEDULE])
    if upcoming is not None:
        valid_until = min(valid_until, upcoming.timestamp())
    return valid_until if valid_until > now else None


def _recover_sequence(newest: int) -> None:
    """A token is numbered higher than the counter: the counter was lost (evicted, deleted) while tokens were not.
    Move it past every number seen, so pages can be stored again, and record where it restarted: a page rendered
    before that point cannot be ordered against the hard purges numbered in between (see _state)."""
    sequence = purge_sequence()
    if sequence is None or sequence >= newest:
        return
    try:
        restarted = cache.incr(SEQUENCE_KEY, newest - sequence + 1)
    except ValueError:
        return  # lost again meanwhile: the next render tries again
    if restarted is not None:
        cache.set(FLOOR_KEY, restarted, timeout=None)
        logger.warning("page cache: the purge sequence was lost; restarted it at %s", restarted)


# ------------------------------------------------------------------------------------------- request keys

def is_marketing(name: str) -> bool:
    return name in MARKETING_PARAMETERS or name.startswith(MARKETING_PREFIXES)


def split_query(request) -> tuple[list[tuple[str, str]], list[tuple[str, str]], bool]:
    """(parameters that make the key, marketing parameters, whether anything else was asked)."""
    return split_query_dict(request.GET)


def split_query_dict(query: QueryDict) -> tuple[list[tuple[str, str]], list[tuple[str, str]], bool]:
    keyed, marketing, other = [], [], False
    for name, values in query.lists():
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


def _current(cache_key: str, entry_tokens: dict, entry_id: str, epoch: str | None) -> list[str]:
    """The keys of a stored entry whose token has changed (none: the entry is current).

    Checked once per epoch per process: the epoch is read before the tokens, and written after them by a purge,
    so an epoch seen unchanged means no purge has finished since the tokens were last compared."""
    if epoch is not None and _verified.get(cache_key) == (epoch, entry_id):
        return []
    found = cache.get_many([TOKEN_KEY.format(name=_key_name(name)) for name in entry_tokens])
    changed = [name for name, token in entry_tokens.items() if found.get(TOKEN_KEY.format(name=_key_name(name))) != token]
    if not changed and epoch is not None:
        if len(_verified) >= VERIFIED_MAX:
            _verified.clear()
        _verified[cache_key] = (epoch, entry_id)
    return changed


def current_tokens(names: Iterable[str]) -> dict[str, str]:
    """The current token of each key, made (as never purged) where there is none; {} when the cache is down."""
    return _read_tokens(names)[0]


def _read_tokens(names: Iterable[str]) -> tuple[dict[str, str], int | None]:
    """current_tokens(names), and the purge sequence read after them (None when the cache is down)."""
    names = list(names)
    wanted = {TOKEN_KEY.format(name=_key_name(name)): name for name in names}
    # In this order: the file cache reads one key after another, and the sequence must be read after the tokens.
    found = cache.get_many([EPOCH_KEY, *wanted, SEQUENCE_KEY])
    if len(found) < len(wanted) + 2:
        for cache_key in ({EPOCH_KEY, *wanted} - found.keys()):
            cache.add(cache_key, new_token(0), timeout=None)
        if SEQUENCE_KEY not in found:
            cache.add(SEQUENCE_KEY, 0, timeout=None)
        found = cache.get_many([*wanted, SEQUENCE_KEY])
        if len(found) < len(wanted) + 1:
            return {}, None
    tokens = {wanted[cache_key]: token for cache_key, token in found.items() if cache_key in wanted}
    return tokens, found[SEQUENCE_KEY]


# ---------------------------------------------------------------------------------------------- middleware

# A stored page is a tuple: the tokens of its keys, its deadline, the purge sequence its render started at, its
# headers, its id, its body, its edge deadline (_edge_until). The headers are those the stack inside
# PageCacheMiddleware gave it (Content-Type, Content-Length, CSP, X-Frame-Options, Cache-Control, the keys, ETag);
# the layers outside add theirs to every answer, hit or miss.
TOKENS, DEADLINE, STARTED, HEADERS, ENTRY_ID, BODY, EDGE = range(7)


def _state(key: str, entry, epoch: str | None) -> str:
    """Of a stored page: 'fresh', 'stale' (soft-purged: may be served while someone re-renders) or 'dead'."""
    if entry is None or _now() >= entry[DEADLINE]:
        return "dead"
    changed = _current(key, entry[TOKENS], entry[ENTRY_ID], epoch)
    if not changed:
        return "fresh"
    # A hard purge numbered after the render started may have removed what the copy shows (one counter every
    # process shares decides "after", not their clocks). A key the page carries softly never makes it dead: its
    # previous copy may be served while one request re-renders.
    marks = cache.get_many([FLOOR_KEY, *(HARD_KEY.format(name=name) for name in changed if not name.startswith(SOFT))])
    floor = marks.pop(FLOOR_KEY, None)
    if any(sequence > entry[STARTED] for sequence in marks.values()):
        return "dead"
    if floor is not None and entry[STARTED] < floor:
        return "dead"  # rendered before the counter was lost and restarted: not comparable with the marks
    return "stale"


def _as_response(entry, how: str) -> HttpResponse:
    response = HttpResponse(entry[BODY], headers=dict(_served_headers(entry, stale=how == "stale")))
    response["X-Page-Cache"] = how
    return response


# ------------------------------------------------------------------------------------ what the edge is told

# The edge obeys the schedule: a CDN may keep an answer (s-maxage, then stale-while-revalidate) no longer than the
# next instant that changes it without a purge (a story going live or expiring, a queued update, a live blog's
# pace: limit_lifetime) -- both counted from when the answer leaves, on a render and on every hit.

def _edge_until(tokens: dict, deadline: float, started: float, now: float) -> float:
    """The instant after which the CDN must not serve this render (inf: none): the next scheduled instant, or its
    deadline (limit_lifetime, the fragments it used), whichever is first. The deadline is a pace set during the
    render ("keep this 5 s"), so it counts from when the answer leaves, as it did before this bound."""
    paced = deadline + (now - started) if deadline != float("inf") else deadline
    upcoming = next_scheduled_instant(tokens.get(SCHEDULE, ""))  # "" (cache down): asked of the sources
    return min(paced, upcoming.timestamp()) if upcoming is not None else paced


def _edge_lifetime(edge_until: float | None, now: float) -> dict:
    """s-maxage and stale-while-revalidate (seconds) that together end by `edge_until`, counted from `now`."""
    purged = bool(settings.PAGE_CACHE_PURGER)
    seconds = settings.PAGE_CACHE_CDN_PURGED_SECONDS if purged else settings.PAGE_CACHE_CDN_SECONDS
    stale = settings.PAGE_CACHE_LOCK_SECONDS
    if edge_until is not None and edge_until != float("inf"):
        left = max(0, int(edge_until - now + 0.001))  # whole seconds, rounded down (a float's 4.9999999 is 5)
        seconds = min(seconds, left)
        stale = min(stale, left - seconds)
    return {"s_maxage": seconds, "stale_while_revalidate": stale}


def _served_headers(entry, *, stale: bool = False) -> tuple | list:
    """A stored page's headers, with what is left of its edge deadline in Cache-Control (a page rendered 60 s
    before a story expires tells the CDN 30 s when it is served 30 s later). A stale copy (soft-purged, served
    while one request re-renders) gets s-maxage=0: the CDN may bridge the re-render with it, never keep it."""
    edge_until = entry[EDGE]
    if edge_until == float("inf") and not stale:
        return entry[HEADERS]
    lifetime = _edge_lifetime(edge_until, _now())
    if stale:
        lifetime = {"s_maxage": 0, "stale_while_revalidate": min(settings.PAGE_CACHE_LOCK_SECONDS,
                                                                lifetime["s_maxage"] + lifetime["stale_while_revalidate"])}
    return [
        (name, _with_lifetime(value, lifetime) if name == "Cache-Control" else value) for name, value in entry[HEADERS]
    ]


def _with_lifetime(cache_control: str, lifetime: dict) -> str:
    directives = [d.strip() for d in cache_control.split(",")]
    kept = [d for d in directives if not d.startswith(("s-maxage=", "stale-while-revalidate="))]
    return ", ".join([*kept, f"s-maxage={lifetime['s_maxage']}",
                      f"stale-while-revalidate={lifetime['stale_while_revalidate']}"])


def _name_keys(response, names) -> None:
    keys = header_keys(names)
    response["Surrogate-Key"] = " ".join(keys)
    response["Cache-Tag"] = ",".join(keys)


def _without_parameters(request, unread: set, keyed: list, marketing: list) -> HttpResponse:
    """A page that did not accept a keyed parameter it was asked with (CHECKED_PARAMETERS): a 301 to the same URL
    without it. It carries the render's keys, so the CDN keeps it no longer than the page it stands for."""
    kept = [(name, value) for name, value in keyed if name not in unread] + marketing
    response = HttpResponsePermanentRedirect(request.path + ("?" + urlencode(kept) if kept else ""))
    request.page_cache_keyed_answer = True
    return response


def _unstored_answer(request, response, collected: set, deadline: float, started: float):
    """A non-200 answer on a cacheable path, never stored here. Keyed (keyed_answer): cacheable at the edge like a
    page, bounded by the schedule, with its keys; otherwise `no-store`, since no purge could reach it -- unless
    the view set its own Cache-Control."""
    if getattr(request, "page_cache_keyed_answer", False) and not response.cookies:
        names = sorted(collected)
        now = _now()
        edge_until = _edge_until(current_tokens([SCHEDULE]), deadline, started, now)
        patch_cache_control(response, public=True, max_age=0, **_edge_lifetime(edge_until, now))
        _name_keys(response, names)
    elif not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_store=True)
    response["X-Page-Cache"] = "miss"
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _is_cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        request.get_host()  # an unknown Host is refused (400) before any cached page is served, as on a render
        keyed, marketing, other = split_query(request)
        if other:
            # A parameter no cached page reads: the same page without it (kept out of the cache, and cheap).
            clean = request.path + ("?" + urlencode(keyed + marketing) if keyed or marketing else "")
            response = HttpResponseRedirect(clean)
            patch_cache_control(response, public=True, max_age=3600)
            _name_keys(response, [ALL])  # it depends on the URL alone: only a purge of everything changes it
            return response
        pay_owed_purge()
        key = page_key(request.path, keyed)
        found = cache.get_many([EPOCH_KEY, key])  # one round trip on Redis
        entry = found.get(key)
        state = _state(key, entry, found.get(EPOCH_KEY))
        if state == "fresh":
            return _as_response(entry, "hit")
        lock = LOCK_KEY.format(page=key)
        if cache.add(lock, 1, timeout=settings.PAGE_CACHE_LOCK_SECONDS):
            try:
                # The lock may have just been let go by a request that stored a fresh copy since we looked.
                fresh = self._fresh(key)
                if fresh is not None:
                    return _as_response(fresh, "hit")
                return self._render_and_store(request, key)
            finally:
                cache.delete(lock)
        if cache.get(lock) is not None:  # someone else is rendering this page
            if state == "stale":
                return _as_response(entry, "stale")
            fresh = self._wait_for_fresh(key, lock)
            if fresh is not None:
                return _as_response(fresh, "hit")
        else:
            # The holder let go between our add and our look (or the cache is down): its copy may be stored now,
            # and rendering again would be a second render for one purge.
            fresh = self._fresh(key)
            if fresh is not None:
                return _as_response(fresh, "hit")
        return self._render_and_store(request, key)

    @staticmethod
    def _wait_for_fresh(key: str, lock: str):
        """A hard-purged page: wait for the lock holder's copy rather than render it once more."""
        deadline = time.monotonic() + settings.PAGE_CACHE_LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            entry = PageCacheMiddleware._fresh(key)
            if entry is not None:
                return entry
            if cache.get(lock) is None:
                return PageCacheMiddleware._fresh(key)
        return None

    @staticmethod
    def _fresh(key: str):
        found = cache.get_many([EPOCH_KEY, key])
        entry = found.get(key)
        return entry if _state(key, entry, found.get(EPOCH_KEY)) == "fresh" else None

    def _render_and_store(self, request, key: str):
        started, began = purge_sequence(), _now()  # the purge number first: read before anything the page shows
        collected, deadline, accepted = {ALL}, [float("inf")], set()
        resets = _collecting.set(collected), _deadline.set(deadline), _accepted.set(accepted), _started.set(started)
        try:
            response = self.get_response(request)
        finally:
            for var, reset in zip((_collecting, _deadline, _accepted, _started), resets, strict=True):
                var.reset(reset)
        if response.status_code == 200:
            keyed, marketing, _ = split_query(request)
            unread = {name for name, _ in keyed if name in CHECKED_PARAMETERS and name not in accepted}
            if unread:
                response = _without_parameters(request, unread, keyed, marketing)
        if response.status_code != 200:
            return _unstored_answer(request, response, collected, deadline[0], began)
        if not self._storable(response):
            return response
        names = carried(collected)
        tokens, sequence = _read_tokens([*names, SCHEDULE])
        now = _now()
        edge_until = _edge_until(tokens, deadline[0], began, now)
        patch_cache_control(response, public=True, max_age=0, **_edge_lifetime(edge_until, now))
        _name_keys(response, names)
        valid_until = _keep_until(tokens, names, started, sequence, deadline[0])
        if valid_until is not None:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if not response.has_header("ETag"):  # a view's own validator (live.views) is kept
                set_response_etag(response)  # hashed once here, not on every hit
            # Bytes and headers, not the response object: a hit unpickles two plain values. The edge deadline
            # (last) lets a hit give the CDN only what is left of it (_served_headers).
            entry = ({name: tokens[name] for name in names}, valid_until, started, tuple(response.items()),
                     new_token(), response.content, edge_until)
            cache.set(key, entry, int(valid_until - _now()) + 1)
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


# ------------------------------------------------------------------------------- hits answered before Django

# A fresh hit costs a cache read; before issue 16's second pass it also cost Django's request handling around it
# (the request object, request_started/request_finished and the connection checks they run, the outer middleware),
# which was most of the time a hit took (docs/performance.md). FastHits answers fresh hits as a WSGI application in
# front of Django, doing itself what the middleware before PageCacheMiddleware would have done to the answer; every
# other request (a miss, a stale or dead copy, a session cookie, a redirect) goes to Django unchanged.
OUTER_MIDDLEWARE = [  # what runs before the page cache; fast hits are off with anything else
    "django.middleware.security.SecurityMiddleware",  # HTTPS redirect (left to Django), and headers (added here)
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, under an excluded prefix: left to Django
    "django.middleware.http.ConditionalGetMiddleware",  # 304s: run here, on a conditional request
]
PAGE_CACHE_MIDDLEWARE = "core.pagecache.PageCacheMiddleware"
CONDITIONAL_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")
_memo: dict = {}  # what settings decide, worked out once per process (and again when a test changes settings)


def fast_hits_blockers() -> list[str]:
    """Why fresh hits cannot be answered before Django with these settings (none: they can)."""
    if "blockers" in _memo:
        return _memo["blockers"]
    middleware = list(settings.MIDDLEWARE)
    if PAGE_CACHE_MIDDLEWARE not in middleware:
        blockers = [f"{PAGE_CACHE_MIDDLEWARE} is not in MIDDLEWARE"]
    else:
        blockers = []
        outer = middleware[: middleware.index(PAGE_CACHE_MIDDLEWARE)]
        if outer != OUTER_MIDDLEWARE:
            blockers.append(f"MIDDLEWARE before {PAGE_CACHE_MIDDLEWARE} is {outer}, not {OUTER_MIDDLEWARE}")
    if getattr(settings, "WHITENOISE_ROOT", None):
        blockers.append("WHITENOISE_ROOT serves files outside STATIC_URL, where pages are cached")
    static_path = urlsplit(settings.STATIC_URL or "").path
    if static_path and not static_path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE_PREFIXES)):
        blockers.append(f"STATIC_URL ({static_path}) is not under PAGE_CACHE_EXCLUDE_PREFIXES")
    _memo["blockers"] = blockers
    return blockers


def _forget_settings(**kwargs) -> None:
    _memo.clear()


setting_changed.connect(_forget_settings, dispatch_uid="pagecache-forget-settings")


def _outer_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers SecurityMiddleware gives a response to a request of this kind (secure or not) when the response
    has none of its own: found by letting it process an empty response, once per process."""
    if ("outer", secure) not in _memo:
        from django.middleware.security import SecurityMiddleware

        request = WSGIRequest({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO(),
                               "wsgi.url_scheme": "https" if secure else "http"})
        blank = HttpResponse()
        before = set(blank.headers)
        SecurityMiddleware(lambda request: blank).process_response(request, blank)
        _memo[("outer", secure)] = [(name, value) for name, value in blank.items() if name not in before]
    return _memo[("outer", secure)]


def _is_secure(environ) -> bool:
    """HttpRequest.is_secure() for a WSGI environ: SECURE_PROXY_SSL_HEADER when the proxy sent it, else the scheme."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _path(environ) -> str:
    """WSGIRequest.path for a WSGI environ."""
    path_info = get_path_info(environ) or "/"
    return "%s/%s" % (get_script_name(environ).rstrip("/"), path_info.replace("/", "", 1))


def _host_allowed(environ) -> bool:
    """Whether Django's HttpRequest.get_host() accepts this request's Host (ALLOWED_HOSTS, forwarded hosts as
    configured): asked of Django once per Host value and process."""
    raw = (environ.get("HTTP_X_FORWARDED_HOST"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"))
    hosts = _memo.setdefault("hosts", {})
    if raw not in hosts:
        try:
            WSGIRequest({**environ, "wsgi.input": io.BytesIO()}).get_host()
            allowed = True
        except DisallowedHost:
            allowed = False
        if len(hosts) < 64:  # a client sending ever-new Host values gets Django's answer every time
            hosts[raw] = allowed
        return allowed
    return hosts[raw]


def fast_hit(environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """(status, headers, body) of a fresh cached page for this request, exactly as Django's stack would answer it;
    None when Django should answer (what PageCacheMiddleware does not serve, or serves otherwise than fresh)."""
    if not settings.PAGE_CACHE_SECONDS or fast_hits_blockers():
        return None
    method = environ.get("REQUEST_METHOD", "").upper()
    if method not in ("GET", "HEAD"):
        return None
    secure = _is_secure(environ)
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None  # SecurityMiddleware redirects it (or exempts it)
    path = _path(environ)
    if path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE_PREFIXES)):
        return None
    if not _host_allowed(environ):
        return None  # Django refuses it (400)
    if "HTTP_COOKIE" in environ and settings.SESSION_COOKIE_NAME in parse_cookie(get_str_from_wsgi(environ, "HTTP_COOKIE", "")):
        return None  # staff: always a fresh page
    keyed = []
    if environ.get("QUERY_STRING"):
        keyed, _, other = split_query_dict(QueryDict(get_bytes_from_wsgi(environ, "QUERY_STRING", "")))
        if other:
            return None  # redirected to the clean URL
    if outbox_due():
        return None  # the middleware writes out the outbox first, with the database handled as for any request
    key = page_key(path, keyed)
    found = cache.get_many([EPOCH_KEY, key])  # one round trip on Redis
    entry = found.get(key)
    if _state(key, entry, found.get(EPOCH_KEY)) != "fresh":
        return None  # the middleware decides: the previous copy, wait for the re-render, or render
    if method == "GET" and any(name in environ for name in CONDITIONAL_HEADERS):
        from django.middleware.http import ConditionalGetMiddleware

        response = ConditionalGetMiddleware(lambda request: None).process_response(
            WSGIRequest(environ), _as_response(entry, "hit"))
        status, headers, body = f"{response.status_code} {response.reason_phrase}", list(response.items()), response.content
    else:
        status, headers, body = "200 OK", [*_served_headers(entry), ("X-Page-Cache", "hit")], entry[BODY]
    present = {name.lower() for name, _ in headers}
    headers += [(name, value) for name, value in _outer_headers(secure) if name.lower() not in present]
    return status, headers, body


class FastHits:
    """The WSGI application (newsroom/wsgi.py): a fresh page-cache hit answered before Django, anything else by it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            answer = fast_hit(environ)
        except Exception:  # Django's stack answers instead, and handles (and logs) the error if it is still there
            logger.exception("page cache: a hit could not be answered before Django")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]
