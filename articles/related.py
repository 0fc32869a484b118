"""What to read next under a story: related stories and the "Most recent" rail.

Related: live stories sharing the most tags with this one (ties: newest first), then the newest
live stories of the same section; never the story itself; up to 4.
Most recent: the 5 newest live stories other than this one.

The cost is fixed whatever the number of tags or stories: one query for the newest candidates
(it walks the published_at index and stops after CANDIDATES), one for the cards plus their
prefetches (bylines, the hero's renditions), and one for the rail. Ranking happens among the
newest candidates, so an old story sharing more tags can lose to recent ones: right for news. The story's own tags come from the page's prefetch
(Article.objects.for_page()).
"""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from .models import Article

RELATED_LIMIT = 4
MOST_RECENT_LIMIT = 5


def _tag_ids(article: Article) -> list[int]:
    return [tag.pk for tag in article.tags.all()]  # prefetched by for_page(): no query


# How many of the newest candidates (stories sharing a tag, or in the same section) are ranked.
# The query walks the published_at index and stops there, so its cost stays flat as the archive grows.
CANDIDATES = 60


def related_stories(article: Article, *, now=None, limit: int = RELATED_LIMIT) -> list[Article]:
    tag_ids = _tag_ids(article)
    # One row per candidate story; `shared` counts its tags in common, looked up by index per row.
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id=OuterRef("pk"), tag_id__in=tag_ids
    )
    shared = tagged.order_by().annotate(n=Func("id", function="COUNT")).values("n")
    candidates = (
        Article.objects.live(now)
        .exclude(pk=article.pk)
        .filter(Q(section_id=article.section_id) | Exists(tagged))
        .annotate(shared=Coalesce(Subquery(shared, output_field=IntegerField()), 0))
        .order_by("-published_at", "-id")
        .values_list("pk", "shared")[:CANDIDATES]
    )
    # Already newest first: a stable sort on shared tags keeps newest-first among equals.
    ranked = [pk for pk, _ in sorted(candidates, key=lambda row: -row[1])][:limit]
    cards = {story.pk: story for story in Article.objects.filter(pk__in=ranked).for_listing()}
    return [cards[pk] for pk in ranked if pk in cards]


def most_recent(article: Article, *, now=None, limit: int = MOST_RECENT_LIMIT) -> list[Article]:
    stories = Article.objects.live(now).exclude(pk=article.pk).select_related("section")
    return list(stories.order_by("-published_at", "-id")[:limit])
