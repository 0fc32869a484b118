"""RSS 2.0 and Atom feeds of one live blog's entries: /story/<slug>/live/rss/ and /atom/.

The 30 newest visible entries, instants in IST (RSS "+0530", Atom "+05:30" via core.timefmt.to_ist), one author
per reporter, GUID `urn:newsroom:<host>:live-entry:<id>` (stable when the story's slug changes), link the entry's
permalink. Kept in the page cache like the blog's page: purged by entry changes (live.cache_keys), and living at most
the page's seconds (a scheduled entry appears at its instant).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from core import pagecache
from core.timefmt import to_ist

from . import cache_keys
from .models import LiveEntry
from .ninjs import entry_uri
from .stream import ENDED_PAGE_SECONDS, RUNNING_PAGE_SECONDS, entry_label
from .views import _blog

FEED_SIZE = 30


def _ist(instant):
    return to_ist(instant).replace(microsecond=0) if instant else None


class LiveEntryFeed(Feed):
    def __init__(self, fmt: str = "rss"):
        self.fmt = fmt
        self.feed_type = Atom1Feed if fmt == "atom" else Rss201rev2Feed

    def get_object(self, request, slug):
        now = timezone.now()
        blog = _blog(slug, now)
        pagecache.add_keys(cache_keys.stream(blog.article_id))
        pagecache.limit_lifetime(request, ENDED_PAGE_SECONDS if blog.has_ended(now) else RUNNING_PAGE_SECONDS)
        return blog

    def items(self, blog):
        entries = list(LiveEntry.objects.filter(blog=blog).visible().for_stream()[:FEED_SIZE])
        cache_keys.show_entry_photos(entries, own_photo=False)  # item_description: the body only
        return entries

    def title(self, blog):
        return f"Live: {blog.article.headline} — {settings.SITE_NAME}"

    def link(self, blog):
        return blog.article.public_url

    def description(self, blog):
        return f"Updates from the live blog “{blog.article.headline}”."

    def subtitle(self, blog):
        return self.description(blog)

    def feed_url(self, blog):
        return settings.SITE_URL + reverse(f"live:{self.fmt}", args=[blog.article.slug])

    def item_title(self, entry):
        return entry_label(entry, 20)

    def item_description(self, entry):
        return entry.reader_body()  # photos, galleries and embeds rendered as on the page

    def item_link(self, entry):
        return settings.SITE_URL + reverse("live:entry", args=[entry.blog.article.slug, entry.pk])

    def item_guid(self, entry):
        return entry_uri(entry)  # the id the ninjs export gives the entry

    def item_guid_is_permalink(self, entry):
        return False

    def item_pubdate(self, entry):
        return _ist(entry.posted_at)

    def item_updateddate(self, entry):
        return _ist(entry.corrected_at or entry.posted_at)

    def item_author_name(self, entry):
        return ", ".join(r.name for r in entry.ordered_reporters()) or None

