"""Public views of live blogs: the update endpoint pages poll, entry permalinks, the entry feeds."""
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotModified, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from articles.models import Article
from core import pagecache
from core.timefmt import machine_datetime

from . import cache_keys
from .models import LiveBlog, LiveEntry
from .stream import (
    ENDED_PAGE_SECONDS,
    HIDDEN_POLL_FACTOR,
    RUNNING_PAGE_SECONDS,
    BadCursor,
    cursor_of,
    page_number_of,
    read_cursor,
    stamps,
)

# At most this many changed entries in one answer; the page asks again at once when `more` is true.
CHANGES_PER_ANSWER = 50


def _blog(slug: str, now) -> LiveBlog:
    blog = LiveBlog.objects.select_related("article").filter(
        article__in=Article.objects.live(now), article__slug=slug
    ).first()
    if blog is None:
        raise Http404("No live blog here.")
    return blog


def _cache_headers(request, response, blog, now):
    seconds = ENDED_PAGE_SECONDS if blog.has_ended(now) else RUNNING_PAGE_SECONDS
    pagecache.limit_lifetime(request, seconds)
    # Browsers revalidate every poll (a 304 is a few bytes); shared caches keep it `seconds`.
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    return response


def updates(request, slug):
    """`/story/<slug>/live/?after=<cursor>`: entries new or changed since the cursor, as HTML fragments in JSON.

    Two queries (the blog, the latest stamp) decide the ETag, so an unchanged blog answers 304 without loading an
    entry. Every page that is up to date polls the same URL, so a CDN (s-maxage) and the page cache answer the crowd.
    A cursor that is not a stamp answers 400 (not digits, or later than any stamp could be) or is redirected to the
    latest stamp before it (the same answer), so random cursors cannot fill the page cache with copies.
    """
    now = timezone.now()
    try:
        after = read_cursor(request.GET.get("after"), now)
    except BadCursor as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    blog = _blog(slug, now)
    pagecache.add_keys(cache_keys.stream(blog.article_id))
    latest, snapped = stamps(blog, now, after)
    if after is not None and snapped != after:
        response = HttpResponseRedirect(f"{request.path}?after={cursor_of(snapped)}")
        return _cache_headers(request, response, blog, now)
    ended = blog.has_ended(now)
    etag = f'"live-{blog.pk}-{cursor_of(after)}-{cursor_of(latest)}-{int(ended)}-{blog.poll_seconds}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return _cache_headers(request, response, blog, now)

    changed = []
    if latest is not None and (after is None or latest > after):
        query = LiveEntry.objects.filter(blog=blog, posted_at__lte=now).for_stream().order_by("stamp", "id")
        if after is not None:
            query = query.filter(stamp__gt=after)
        changed = list(query[:CHANGES_PER_ANSWER + 1])
    more = len(changed) > CHANGES_PER_ANSWER
    changed = changed[:CHANGES_PER_ANSWER]
    cache_keys.show_entry_photos(entry for entry in changed if not entry.removed_at)
    cursor = cursor_of(changed[-1].stamp) if changed else cursor_of(after)
    data = {
        "cursor": str(cursor),
        "more": more,
        "ended": ended,
        "poll": {"visible": blog.poll_seconds, "hidden": blog.poll_seconds * HIDDEN_POLL_FACTOR},
        "entries": [_entry_json(entry, blog, now) for entry in changed],
    }
    if changed:
        from .templatetags.live import key_events_context  # the same list the page draws

        data["key_events"] = render_to_string("live/_key_events.html", key_events_context(blog, now))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    return _cache_headers(request, response, blog, now)


def _entry_json(entry: LiveEntry, blog: LiveBlog, now) -> dict:
    if entry.removed_at:
        return {"id": entry.pk, "removed": True}
    return {
        "id": entry.pk,
        "posted": machine_datetime(entry.posted_at),
        "order": cursor_of(entry.posted_at),
        "pinned": entry.pinned,
        "key_event": entry.key_event,
        "html": render_to_string("live/_entry.html", {"entry": entry, "blog": blog, "now": now}),
    }


def entry_permalink(request, slug, entry_id):
    """`/story/<slug>/live/entry/<id>/`: the page of the blog that shows the entry, scrolled to it."""
    now = timezone.now()
    blog = _blog(slug, now)
    entry = get_object_or_404(LiveEntry.objects.visible(now), blog=blog, pk=entry_id)
    number = page_number_of(entry, now)
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{blog.article.get_absolute_url()}{query}#{entry.anchor()}")
