"""What to read next under a story: related stories and the "Most recent" rail.

Related: live stories sharing the most tags with this one (ties: newest first), then the newest
live stories of the same section; never the story itself; up to 4.
Most recent: the 5 newest live stories other than this one.

The cost is fixed whatever the number of tags: one query for the related cards (two bounded
subqueries, each LIMIT 4, joined by OR) plus the card prefetches of for_listing() (bylines, the
hero's renditions), and one for the rail. The story's own tags come from the page's prefetch
(Article.objects.for_page()).
"""
from django.db.models import Count, IntegerField, Q, Value

from .models import Article

RELATED_LIMIT = 4
MOST_RECENT_LIMIT = 5


def _tag_ids(article: Article) -> list[int]:
    return [tag.pk for tag in article.tags.all()]  # prefetched by for_page(): no query


def related_stories(article: Article, *, now=None, limit: int = RELATED_LIMIT) -> list[Article]:
    live = Article.objects.live(now).exclude(pk=article.pk)
    tag_ids = _tag_ids(article)
    same_section = live.filter(section_id=article.section_id).order_by("-published_at", "-id").values("pk")[:limit]
    if tag_ids:
        sharing = (
            live.filter(tags__in=tag_ids)
            .annotate(shared=Count("tags"))
            .order_by("-shared", "-published_at", "-id")
            .values("pk")[:limit]
        )
        candidates = Article.objects.filter(Q(pk__in=sharing) | Q(pk__in=same_section)).annotate(
            shared=Count("tags", filter=Q(tags__in=tag_ids))
        )
    else:
        candidates = Article.objects.filter(pk__in=same_section).annotate(shared=Value(0, output_field=IntegerField()))
    stories = list(candidates.for_listing())  # what a story card needs (bylines, hero and its renditions)
    stories.sort(key=lambda story: (-story.shared, -story.published_at.timestamp(), -story.pk))
    return stories[:limit]


def most_recent(article: Article, *, now=None, limit: int = MOST_RECENT_LIMIT) -> list[Article]:
    stories = Article.objects.live(now).exclude(pk=article.pk).select_related("section")
    return list(stories.order_by("-published_at", "-id")[:limit])
