"""What a reader's page of a live blog shows, loaded in a fixed number of queries whatever the blog's size.

Shared by the story page (live.templatetags), the update endpoint and the feeds.
"""
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# A cursor is a stamp we handed out, so never far ahead of the clock; a day's slack covers servers' clock skew.
CURSOR_AHEAD = timedelta(days=1)
CURSOR_SHAPE = re.compile(r"[0-9]{1,19}")


class BadCursor(ValueError):
    """An `after` that is not a cursor this site hands out (not digits, or beyond any stamp): the endpoint's 400."""


def cursor_of(stamp: datetime | None) -> int:
    """A stamp as the poll cursor: microseconds since the epoch (0: before everything).

    Integer arithmetic, not timestamp() * 10**6: a float rounds some stamps one microsecond down, and the endpoint
    snaps a cursor that names no stamp (read_cursor), so a cursor must name its stamp exactly."""
    return 0 if stamp is None else (stamp - EPOCH) // MICROSECOND


def stamp_of(cursor: int) -> datetime | None:
    return None if cursor <= 0 else EPOCH + cursor * MICROSECOND


def read_cursor(raw: str | None, now: datetime) -> datetime | None:
    """The stamp an `after` parameter names (None: missing, empty or 0, before everything); BadCursor otherwise."""
    if raw is None or raw in ("", "0"):
        return None
    if not CURSOR_SHAPE.fullmatch(raw):
        raise BadCursor("The cursor is a whole number of microseconds.")
    value = int(raw)
    if value > cursor_of(now + CURSOR_AHEAD):
        raise BadCursor("The cursor is later than any update.")
    return stamp_of(value)


def stamps(blog: LiveBlog, now: datetime, after: datetime | None) -> tuple[datetime | None, datetime | None]:
    """(the latest stamp readers may see, the latest of them at or before `after`), in one query.

    A poll's answer depends only on the second (nothing was stamped between it and `after`), so the endpoint
    redirects any other cursor to it: whatever `after` a client sends, the page cache holds one entry per stamp."""
    wanted = {"latest": Max("stamp")}
    if after is not None:
        wanted["at_or_before"] = Max("stamp", filter=Q(stamp__lte=after))
    found = LiveEntry.objects.filter(blog=blog, posted_at__lte=now).aggregate(**wanted)
    return found["latest"], found.get("at_or_before")


def latest_stamp(blog: LiveBlog, now: datetime) -> datetime | None:
    return stamps(blog, now, None)[0]


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
