"""Sitemaps: stories, the Google News window, and the section, reporter and tag pages.

Built on `django.contrib.sitemaps.Sitemap` (items, location, lastmod, paging by `limit`), served by our own
views (`distribution.views`) so that every URL is absolute on SITE_URL and every lastmod is the IST
instant written by `machine_datetime` — the framework's templates print a bare date or a time in the
current time zone with microseconds. Every sitemap starts from `Article.objects.live(now)` with one `now`
per request, so counting and paging agree, and each page costs a fixed number of queries.
"""
from datetime import timedelta
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline, Section, TaggedArticle
from live.models import LiveEntry
from reporters.models import Reporter

NEWS_WINDOW = timedelta(days=2)  # Google News: stories first published in the last two days
NEWS_LIMIT = 1000  # Google News: at most 1,000 URLs per news sitemap
CHANGED = Coalesce("updated_at", "published_at")  # a story's Updated instant; `article_changed_idx` is on it
WALK = 1000  # the listing sitemaps read this many of the newest live stories; see _ListingSitemap
UNREACHED_LISTED = 500  # up to this many objects the walk missed are looked up by id, more by one GROUP BY of all


class _Sitemap(Sitemap):
    template_name = "distribution/sitemap.xml"

    def __init__(self, now=None):
        self.now = now or timezone.now()

    def num_pages(self):
        """How many pages the index lists for this sitemap (at least one, as `paginator.num_pages`)."""
        return self.paginator.num_pages


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
        """The greatest `changed_at` of the live stories, without its subquery for each story: the newest Updated
        instant (a walk of `article_changed_idx`) and, apart, the newest live-blog entry gone out on a live story."""
        stories = self.items().order_by()
        newest_story = stories.order_by(CHANGED.desc()).values_list(CHANGED, flat=True).first()
        newest_entry = (
            LiveEntry.objects.visible(self.now).filter(blog__article__in=stories.values("pk"))
            .order_by("-posted_at").values_list("posted_at", flat=True).first()
        )
        return max((instant for instant in (newest_story, newest_entry) if instant is not None), default=None)


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

    Read newest first: the WALK live stories changed last (a walk of `article_changed_idx`) and their links give
    each object they reach its newest change, since every story not read changed no later. Objects they do not
    reach (few in a newsroom, as a rule: tags and reporters not used lately) get theirs from a GROUP BY over their
    own stories, or, past UNREACHED_LISTED of them, over every live story (which grows with the archive again).
    At most four queries (the objects, the walk, its links, the rest), and what they read grows with the objects
    left out of the newest stories, not with the archive. A subquery per object read and sorted
    every story of each (2.2 s for 300 tags at 100,000 stories). The index needs only the newest change of all: the
    same walk, stopping at the first live story with a link."""

    model = None
    story_link = ""  # how a story points at one of these objects: a values() path from Article to the object's pk

    def links(self, story_ids):
        """(story id, object pk) for every link of these stories."""
        return Article.objects.filter(pk__in=story_ids).values_list("pk", self.story_link)

    @cached_property
    def _newest_by_pk(self):
        objects = {item.pk: item for item in self.model.objects.order_by("pk")}
        walk = dict(
            Article.objects.live(self.now).order_by(CHANGED.desc(), "-pk").values_list("pk", CHANGED)[:WALK]
        )
        newest = {}
        for story, pk in self.links(list(walk)):
            if pk is not None and (pk not in newest or walk[story] > newest[pk]):
                newest[pk] = walk[story]
        unreached = [pk for pk in objects if pk not in newest]
        if len(walk) == WALK and unreached:  # a shorter walk read every live story
            rest = Article.objects.live(self.now).order_by()
            if len(unreached) <= UNREACHED_LISTED:  # more would be a long IN list: then every object's, in one scan
                rest = rest.filter(**{f"{self.story_link}__in": unreached})
            rows = rest.values_list(self.story_link).annotate(latest=Max(CHANGED))
            newest.update((pk, latest) for pk, latest in rows if pk is not None)
        return objects, newest

    def items(self):
        objects, newest = self._newest_by_pk
        listed = [item for pk, item in objects.items() if pk in newest]
        for item in listed:
            item.newest_story = newest[item.pk]
        return listed

    def lastmod(self, item):
        return item.newest_story

    def get_latest_lastmod(self):
        return (
            Article.objects.live(self.now)
            .filter(self.linked())
            .order_by(CHANGED.desc())
            .values_list(CHANGED, flat=True)
            .first()
        )

    def linked(self):
        """That a story points at one of these objects, cheap for each story the walk above reads (a column here)."""
        return Q(**{f"{self.story_link}__isnull": False})

    def num_pages(self):
        """Without counting the live links: while there are no more objects than fit a page, there is one page."""
        if self.model.objects.count() <= self.limit:
            return 1
        return super().num_pages()


class SectionSitemap(_ListingSitemap):
    model = Section
    story_link = "section"


class ReporterSitemap(_ListingSitemap):
    model = Reporter
    story_link = "bylines__reporter"

    def links(self, story_ids):
        return Byline.objects.filter(article__in=story_ids).values_list("article_id", "reporter_id")

    def linked(self):  # an EXISTS answered by the byline's article index
        return Exists(Byline.objects.filter(article=OuterRef("pk")))


class TagSitemap(_ListingSitemap):
    model = Tag
    story_link = "tagged_items__tag"

    def links(self, story_ids):  # from the taggings' (story, tag) unique index
        return TaggedArticle.objects.filter(content_object_id__in=story_ids).values_list("content_object_id", "tag_id")

    def linked(self):  # an EXISTS answered by the same index
        return Exists(TaggedArticle.objects.filter(content_object=OuterRef("pk")))

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
