"""RSS 2.0 and Atom feeds for the site, each section, each reporter and each tag.

Items are the newest live stories (`Article.objects.live()`), read with `for_listing()` plus tags and the
pictures placed in their bodies, so a feed costs the same number of queries whatever it holds. Every instant is
IST: RSS pubDate is RFC 822 with "+0530", Atom published/updated are `machine_datetime`
("2021-03-25T08:07:00+05:30") — the same instants as the story page. Each byline is its own `dc:creator` (RSS) or
`<author>` (Atom); each picture is a `media:content`: the hero at its 16:9 rendition, then the body's pictures at
their own aspect.

Text: every string is passed through core.text.clean_text (XML 1.0 cannot carry control characters; Django's
writer raises on them, which was a 500 for every feed holding such a story). Descriptions are HTML in RSS and
Atom's summary (type="html"), so they are HTML-escaped here and XML-escaped by the writer, for the channel as for
the items: a tag named "<b>Salt & Pepper</b>" reads literally in both. Titles and Atom's subtitle are plain text.
"""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from articles import cache_keys
from articles.export import site_uri
from articles.models import Article, Section
from core.text import clean_text
from core.timefmt import machine_datetime, to_ist
from reporters.models import Reporter

from . import links

FEED_SIZE = 30
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"


def _ist(instant):
    """An instant in IST to the second: what Django's RFC 822/3339 writers turn into "+0530"/"+05:30"."""
    return to_ist(instant).replace(microsecond=0) if instant else None


def _add_media(handler, images: list[dict]) -> None:
    for image in images:
        handler.startElement("media:content", {"url": image["url"], "medium": "image"})
        if image["description"]:
            handler.addQuickElement("media:description", clean_text(image["description"]), {"type": "plain"})
        if image["credit"]:
            handler.addQuickElement("media:credit", clean_text(image["credit"]))
        handler.endElement("media:content")


class NewsroomRssFeed(Rss201rev2Feed):
    """RSS 2.0 with one `dc:creator` per byline and the pictures as `media:content`."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for byline in item.get("bylines", ()):
            handler.addQuickElement("dc:creator", clean_text(byline["name"]))
        _add_media(handler, item.get("images", ()))

    def latest_post_date(self):
        return _ist(super().latest_post_date())


class NewsroomAtomFeed(Atom1Feed):
    """Atom with `machine_datetime` instants, one `<author>` per byline and `media:content`."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        # The parent would write the dates with rfc3339_date; ours come from the one machine formatter.
        super().add_item_elements(handler, {**item, "pubdate": None, "updateddate": None})
        if item["pubdate"]:
            handler.addQuickElement("published", machine_datetime(item["pubdate"]))
        updated = item["updateddate"] or item["pubdate"]
        if updated:
            handler.addQuickElement("updated", machine_datetime(updated))
        for byline in item.get("bylines", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", clean_text(byline["name"]))
            handler.addQuickElement("uri", byline["url"])
            handler.endElement("author")
        _add_media(handler, item.get("images", ()))

    def latest_post_date(self):
        # Written by the parent as the feed's <updated>: IST to the second, i.e. machine_datetime's string.
        return _ist(super().latest_post_date())


GENERATORS = {"rss": NewsroomRssFeed, "atom": NewsroomAtomFeed}


class StoryFeed(Feed):
    """The site feed; subclasses narrow `stories()` to a section, a reporter or a tag."""

    scope = "site"

    def __init__(self, fmt: str = "rss"):
        self.fmt = fmt
        self.feed_type = GENERATORS[fmt]

    # The feed ---------------------------------------------------------------------------------
    def stories(self, obj):
        return Article.objects.live()

    def items(self, obj):
        items = list(self.stories(obj).for_listing().with_body_photos().prefetch_related("tags")[:FEED_SIZE])
        cache_keys.show(self.membership_keys(obj), (key for item in items for key in cache_keys.page_keys_of_feed_item(item)))
        return items

    def membership_keys(self, obj) -> list[str]:
        return [cache_keys.HOME]

    def title(self, obj):
        return clean_text(self.plain_title(obj))

    def plain_title(self, obj):
        return settings.SITE_NAME

    def plain_description(self, obj):
        return f"The latest stories from {settings.SITE_NAME}."

    def description(self, obj):
        return escape(clean_text(self.plain_description(obj)))  # RSS: HTML, like the items' descriptions

    def subtitle(self, obj):
        return clean_text(self.plain_description(obj))  # Atom: <subtitle> is plain text

    def link(self, obj):
        return links.home_url()

    def feed_url(self, obj):
        return links.feed_url(self.fmt, self.scope, obj.slug if obj is not None else None)

    def feed_guid(self, obj):
        return self.feed_url(obj)

    # One story --------------------------------------------------------------------------------
    def item_title(self, item):
        return clean_text(item.headline)

    def item_description(self, item):
        return escape(clean_text(item.standfirst))  # RSS description and Atom summary are HTML

    def item_link(self, item):
        return item.public_url

    def item_guid(self, item):
        # The story's key, not its URL: a slug can change (old URLs redirect), a GUID must not.
        return site_uri(item)

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return _ist(item.published_at)

    def item_updateddate(self, item):
        return _ist(item.updated_at or item.published_at)

    def item_categories(self, item):
        return [clean_text(item.section.name), *(clean_text(tag.name) for tag in item.tags.all())]

    def item_extra_kwargs(self, item):
        # The hero, then the pictures placed in the body (each once, in reading order).
        photos = list(dict.fromkeys([*([item.hero_photo] if item.hero_photo else []), *item.body_photos().values()]))
        return {
            "bylines": [
                {"name": byline.reporter.name, "url": links.reporter_url(byline.reporter)}
                for byline in item.bylines.all()
            ],
            "images": [
                {
                    "url": links.photo_url(photo, "16:9" if photo == item.hero_photo else "original", links.SHARE_WIDTH),
                    "description": photo.caption or photo.alt_text,
                    "credit": photo.credit.name,
                }
                for photo in photos
            ],
        }


class SectionFeed(StoryFeed):
    scope = "section"

    def get_object(self, request, slug):
        return Section.objects.get(slug=slug)

    def membership_keys(self, obj) -> list[str]:
        return [cache_keys.section(obj.pk), cache_keys.stories_of(cache_keys.section(obj.pk))]

    def stories(self, obj):
        return Article.objects.live().filter(section=obj)

    def plain_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def plain_description(self, obj):
        return f"The latest {obj.name} stories from {settings.SITE_NAME}."

    def link(self, obj):
        return links.absolute(obj.get_absolute_url())


class ReporterFeed(StoryFeed):
    scope = "reporter"

    def get_object(self, request, slug):
        return Reporter.objects.get(slug=slug)

    def membership_keys(self, obj) -> list[str]:
        return [cache_keys.reporter(obj.pk), cache_keys.stories_of(cache_keys.reporter(obj.pk))]

    def stories(self, obj):
        return Article.objects.live().filter(bylines__reporter=obj)

    def plain_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def plain_description(self, obj):
        return f"The latest stories by {obj.name} for {settings.SITE_NAME}."

    def link(self, obj):
        return links.reporter_url(obj)


class TagFeed(StoryFeed):
    scope = "tag"

    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)

    def membership_keys(self, obj) -> list[str]:
        return [cache_keys.tag(obj.pk), cache_keys.stories_of(cache_keys.tag(obj.pk))]

    def stories(self, obj):
        return Article.objects.live().filter(tags__slug=obj.slug)

    def plain_title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def plain_description(self, obj):
        return f"The latest stories about {obj.name} from {settings.SITE_NAME}."

    def link(self, obj):
        return links.tag_url(obj)
