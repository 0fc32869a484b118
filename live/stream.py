"""What a reader's page of a live blog shows, loaded in a fixed number of queries whatever the blog's size.

Shared by the story page (live.templatetags), the update endpoint and the feeds.
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Max, Q
from django.utils import timezone

from articles.pagination import Page, page_of
from core.sanitize import plain_text

from .models import LiveBlog, LiveEntry

ENTRIES_PER_PAGE = 20
KEY_EVENTS_SHOWN = 12
# Pages and the update endpoint of a running blog live this long in the page cache and CDNs (see views.updates).
RUNNING_PAGE_SECONDS = 5
ENDED_PAGE_SECONDS = 60
HIDDEN_POLL_FACTOR = 4


def cursor_of(stamp: datetime | None) -> int:
    """A stamp as the poll cursor: microseconds since the epoch (0: before everything)."""
    return 0 if stamp is None else int(stamp.timestamp() * 1_000_000)


def stamp_of(cursor) -> datetime | None:
    try:
        value = int(cursor)
    except (TypeError, ValueError):
        return None
    if value <= 0:
        return None
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)


def latest_stamp(blog: LiveBlog, now: datetime) -> datetime | None:
    return LiveEntry.objects.filter(blog=blog, posted_at__lte=now).aggregate(latest=Max("stamp"))["latest"]


def entry_label(entry: LiveEntry, words: int = 12) -> str:
    """A key event's link text: its headline, or the first words of its text."""
    if entry.headline:
        return entry.headline
    text = plain_text(entry.body).split()
    return " ".join(text[:words]) + ("…" if len(text) > words else "")


@dataclass
class BlogPage:
    blog: LiveBlog
    page: Page
    pinned: LiveEntry | None
    key_events: list[LiveEntry]
    cursor: int
    ended: bool
    now: datetime
    on_page: set = field(default_factory=set)

    @property
    def entries(self) -> list[LiveEntry]:
        return self.page.object_list

    @property
    def newest_order(self) -> int:
        return cursor_of(self.entries[0].posted_at) if self.entries else 0

    @property
    def hidden_poll_seconds(self) -> int:
        return self.blog.poll_seconds * HIDDEN_POLL_FACTOR


def blog_page(blog: LiveBlog, page_param, now=None) -> BlogPage:
    """Entries newest first (ENTRIES_PER_PAGE a page), the pinned entry, the newest key events, the poll cursor."""
    now = now or timezone.now()
    visible = LiveEntry.objects.filter(blog=blog).visible(now)
    page = page_of(visible.for_stream(), page_param, ENTRIES_PER_PAGE, max_page=10_000)
    pinned = visible.filter(pinned=True).for_stream().first()
    key_events = list(visible.filter(key_event=True).only("id", "headline", "body", "posted_at", "blog_id")
                      .order_by("-posted_at", "-id")[:KEY_EVENTS_SHOWN])
    return BlogPage(
        blog=blog, page=page, pinned=pinned, key_events=key_events, cursor=cursor_of(latest_stamp(blog, now)),
        ended=blog.has_ended(now), now=now, on_page={entry.pk for entry in page.object_list},
    )


def page_number_of(entry: LiveEntry, now=None) -> int:
    """Which page of the blog shows `entry` (newest first), for permalinks."""
    now = now or timezone.now()
    newer = LiveEntry.objects.filter(blog_id=entry.blog_id).visible(now).filter(
        Q(posted_at__gt=entry.posted_at) | Q(posted_at=entry.posted_at, id__gt=entry.pk)
    ).count()
    return newer // ENTRIES_PER_PAGE + 1
