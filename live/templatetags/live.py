"""Live blogs inside the story templates: `{% load live %}` in articles templates (articles never imports live).

- `{% live_badge story %}`: "LIVE" on a card while the story's coverage runs (no query: live.index).
- `{% live_header article %}`: "LIVE" by the headline, or "Live coverage ended at …" at the top of an ended blog.
- `{% live_blog article %}`: the key events, the pinned entry, the stream and its pager, polled by static/live/reader.js.
"""
import json

from django import template
from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import pagecache, timefmt
from core.sanitize import plain_text
from live import cache_keys, index
from live.models import LiveBlog, LiveEntry
from live.stream import (
    ENDED_PAGE_SECONDS,
    KEY_EVENTS_SHOWN,
    RUNNING_PAGE_SECONDS,
    blog_page,
    entry_label,
)

register = template.Library()

# What django.utils.html.json_script escapes, so the JSON cannot close its <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def live_badge(story):
    if story and index.is_running(story.pk):
        return mark_safe('<span class="live-badge">Live</span>')
    return ""


@register.simple_tag
def live_updated(article):
    """The story's Updated: its own, or its live blog's latest entry or correction that readers can see.

    live.services moves the stored Updated when an entry is posted or corrected; a scheduled entry moves it here from
    its instant, with no worker (the sitemaps do the same in SQL).
    """
    updated = getattr(article, "updated_at", None)
    if getattr(article, "pk", None) not in index.blog_index():
        return updated
    latest = LiveEntry.objects.filter(blog__article=article).visible().aggregate(
        posted=Max("posted_at"), corrected=Max("corrected_at"))
    return max((i for i in (updated, latest["posted"], latest["corrected"]) if i is not None), default=None)


@register.simple_tag
def live_feed_links(article):
    """<link rel="alternate"> for a live blog's entry feeds, in the story page's <head>."""
    if getattr(article, "pk", None) not in index.blog_index():
        return ""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="Live updates (RSS)" href="{}">'
        '<link rel="alternate" type="application/atom+xml" title="Live updates (Atom)" href="{}">',
        reverse("live:rss", args=[article.slug]), reverse("live:atom", args=[article.slug]),
    )


@register.simple_tag
def live_header(article):
    coverage = index.blog_index().get(getattr(article, "pk", None))
    if coverage is None:
        return ""
    start, end = coverage
    now = timezone.now()
    if end is not None and end <= now:
        return format_html('<p class="live-ended" role="note">Live coverage ended {}.</p>', _time(end, now))
    if start <= now:
        return mark_safe('<span class="live-badge live-badge--page">Live</span>')
    return ""


def _time(instant, now, prefix=""):
    """'08:07 IST' today (IST), else 'December 1st, 2026 at 08:07 IST'; inside <time datetime="…+05:30">."""
    same_day = timefmt.to_ist(instant).date() == timefmt.to_ist(now).date()
    text = timefmt.reader_clock(instant) if same_day else timefmt.reader_datetime(instant)
    return format_html('<time datetime="{}">{}{}</time>', timefmt.machine_datetime(instant), prefix, text)


@register.simple_tag
def entry_time(instant, now=None, prefix=""):
    return _time(instant, now or timezone.now(), prefix) if instant else ""


def key_events_context(blog: LiveBlog, now, on_page=None) -> dict:
    events = list(LiveEntry.objects.filter(blog=blog).visible(now).filter(key_event=True)
                  .only("id", "headline", "body", "posted_at", "blog_id").order_by("-posted_at", "-id")[:KEY_EVENTS_SHOWN])
    return _key_events(blog, events, now, on_page)


def _key_events(blog, events, now, on_page) -> dict:
    slug = blog.article.slug
    return {
        "key_events": [
            {
                "label": entry_label(entry),
                "time": _time(entry.posted_at, now),
                # On this page: a jump. Elsewhere: the permalink, which finds the entry's page.
                "href": f"#{entry.anchor()}" if on_page is not None and entry.pk in on_page
                else reverse("live:entry", args=[slug, entry.pk]),
            }
            for entry in events
        ],
    }


@register.inclusion_tag("live/_blog.html", takes_context=True)
def live_blog(context, article):
    if getattr(article, "pk", None) not in index.blog_index():
        return {"blog": None}
    blog = LiveBlog.objects.filter(article=article).first()
    if blog is None:
        return {"blog": None}
    blog.article = article
    request = context.get("request")
    now = timezone.now()
    asked = request.GET.getlist("page") if request else []
    shown = blog_page(blog, asked[-1] if asked else None, now)
    if asked == [str(shown.page.number)] and shown.page.number > 1 and shown.page.object_list:
        pagecache.accept_parameter("page")  # any other value is a 301 to the page without it (core.pagecache)
    pagecache.add_keys(cache_keys.stream(article.pk))
    cache_keys.show_entry_photos([*shown.entries, *([shown.pinned] if shown.pinned else [])])
    if request is not None:
        pagecache.limit_lifetime(request, ENDED_PAGE_SECONDS if shown.ended else RUNNING_PAGE_SECONDS)
    return {
        "blog": blog,
        "shown": shown,
        "now": now,
        "article": article,
        "json_ld": _json_ld(article, shown, now),
        "updates_url": reverse("live:updates", args=[article.slug]),
        "permalink_base": reverse("live:entry", args=[article.slug, 0]).rsplit("0/", 1)[0],
        **_key_events(blog, shown.key_events, now, shown.on_page),
    }


def _json_ld(article, shown, now) -> str:
    """schema.org LiveBlogPosting: coverage instants and the entries on this page as liveBlogUpdate (+05:30)."""
    blog = shown.blog
    url = settings.SITE_URL + article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": url + "#live",
        "url": url,
        "headline": article.headline,
        "coverageStartTime": timefmt.machine_datetime(blog.coverage_start),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "@id": f"{url}#{entry.anchor()}",
                "url": settings.SITE_URL + reverse("live:entry", args=[article.slug, entry.pk]),
                "headline": entry.headline or entry_label(entry, 20)[:110],
                "datePublished": timefmt.machine_datetime(entry.posted_at),
                "dateModified": timefmt.machine_datetime(entry.corrected_at or entry.posted_at),
                "articleBody": plain_text(entry.body),
                "author": [{"@type": "Person", "name": r.name, "url": settings.SITE_URL + r.get_absolute_url()}
                           for r in entry.ordered_reporters()],
            }
            for entry in shown.entries
        ],
    }
    if article.published_at:
        data["datePublished"] = timefmt.machine_datetime(article.published_at)
    if blog.coverage_end:
        data["coverageEndTime"] = timefmt.machine_datetime(blog.coverage_end)
    if shown.entries:
        data["dateModified"] = timefmt.machine_datetime(max(e.corrected_at or e.posted_at for e in shown.entries))
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def entry_form_data(entry):
    """What the desk's Edit button loads into the form, as JSON in the stream item."""
    data = {
        "entry": entry.pk,
        "version": entry.version,
        "headline": entry.headline,
        "body": entry.body,
        "reporters": [byline.reporter_id for byline in entry.bylines.all()],
        "photo": entry.photo_id,
        "pinned": entry.pinned,
        "key_event": entry.key_event,
        # The datetime-local input's value, in IST (only a scheduled entry can move).
        "post_time": timefmt.machine_datetime(entry.posted_at)[:16] if entry.is_scheduled() else "",
    }
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/json" id="entry-data-{}">{}</script>', entry.pk, mark_safe(text))
