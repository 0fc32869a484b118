"""Sitemaps: stories, the Google News window, and the section, reporter and tag pages.

Built on `django.contrib.sitemaps.Sitemap` (items, location, lastmod, paging by `limit`), served by our own
views (`distribution.views`) so that every URL is absolute on SITE_URL and every lastmod is the IST
instant written by `machine_datetime` — the framework's templates print a bare date or a time in the
current time zone with microseconds. Every sitemap starts from `Article.objects.live(now)` with one `now`
per request, so counting and paging agree, and each page costs a fixed number of queries.
"""
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section
from live.models import LiveEntry
from reporters.models import Reporter

NEWS_WINDOW = timedelta(days=2)  # Google News: stories first published in the last two days
NEWS_LIMIT = 1000  # Google News: at most 1,000 URLs per news sitemap


class _Sitemap(Sitemap):
    template_name = "distribution/sitemap.xml"

    def __init__(self, now=None):
        self.now = now or timezone.now()


def changed_at(now):
    """A story's lastmod: its Updated instant, or a later live-blog entry that has gone out (a scheduled entry moves
    it at its instant, with no worker: Updated itself moves when an entry is posted, see live.services)."""
    latest_entry = (
        LiveEntry.objects.filter(blog__article=OuterRef("pk")).visible(now).order_by("-posted_at").values("posted_at")[:1]
    )
    return Greatest(Coalesce("updated_at", "published_at"), Coalesce(Subquery(latest_entry), "published_at"))


class StorySitemap(_Sitemap):
    """Every live story; lastmod is its Updated instant (or its live blog's latest entry)."""

    limit = 10_000

    def items(self):
        return (
            Article.objects.live(self.now)
            .only("slug", "published_at", "updated_at")
            .annotate(changed=changed_at(self.now))
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.changed

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed"))["latest"]


class NewsSitemap(StorySitemap):
    """Google News: live stories first published within NEWS_WINDOW of now, at most NEWS_LIMIT a page."""

    limit = NEWS_LIMIT
    template_name = "distribution/sitemap_news.xml"

    def items(self):
        return (
            Article.objects.live(self.now)
            .filter(published_at__gte=self.now - NEWS_WINDOW)
            .only("slug", "headline", "language", "published_at", "updated_at")
            .annotate(changed=changed_at(self.now))
            .order_by("-published_at", "-id")
        )


class _ListingSitemap(_Sitemap):
    """Pages that list stories. Listed while they list at least one live story; lastmod is the latest
    Updated among those stories (a new story, or an update to one of its cards, changes the page).
    Computed as a subquery, so a page of the sitemap is one query whatever its size."""

    model = None
    story_link = ""  # how a story points at one of these objects, as a lookup against OuterRef("pk")

    def items(self):
        newest = (
            Article.objects.live(self.now)
            .filter(**{self.story_link: OuterRef("pk")})
            .annotate(changed=Coalesce("updated_at", "published_at"))
            .order_by("-changed")
            .values("changed")[:1]
        )
        return (
            self.model.objects.annotate(newest_story=Subquery(newest))
            .filter(newest_story__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.newest_story

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("newest_story"))["latest"]


class SectionSitemap(_ListingSitemap):
    model = Section
    story_link = "section"


class ReporterSitemap(_ListingSitemap):
    model = Reporter
    story_link = "bylines__reporter"


class TagSitemap(_ListingSitemap):
    model = Tag
    story_link = "tags__id"

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


# The index lists them in this order; each is served at /sitemap-<name>.xml (?p=2 ... for further pages).
SITEMAPS = {
    "articles": StorySitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "reporters": ReporterSitemap,
    "tags": TagSitemap,
}
