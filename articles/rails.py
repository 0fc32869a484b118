"""The rails under a story page: its related stories (its own fragment) and "Most recent" (one fragment for the site).

"Most recent" is the same on every story page but for the story itself, so it is kept once for the whole site: which
stories it lists (`rail:most-recent`: the MOST_RECENT_LIMIT + 1 newest live stories' ids, under listing:recent) and
each story's line (`rail-line:<id>`, under the story's and its section's keys, as listing cards are); each page
shows the first MOST_RECENT_LIMIT but itself, so a story's own page never depends on its own line. It is not part of
the story page's cache identity:
- plain include (the default): the page holds the rail's HTML and carries the rail's keys *softly*
  (core.pagecache.SOFT), so a publish, an unpublish or an edit of a story in the rail makes each story page stale,
  not dead: the next request re-renders it from kept fragments (the rail once for the whole site) while the others
  get the previous copy; no reader waits for a wave of re-renders. docs/decisions.md, "The Most recent rail leaves
  the story page's identity".
- ESI (settings.RAIL_ESI, for a CDN that processes <esi:include>): the page holds an include of
  /rails/most-recent/<story id>/, a cached page of its own carrying the rail's keys, and none of them itself.
"""
from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from core import pagecache

from . import cache_keys
from .models import Article
from .related import MOST_RECENT_LIMIT, newest_live, rail_rows, rails

RECENT_FRAGMENT = "rail:most-recent"


def related_fragment(story_id: int) -> str:
    return f"story-related:{story_id}"


def line_fragment(story_id: int) -> str:
    return f"rail-line:{story_id}"


def _render_related(article: Article, related: list[Article]) -> str:
    cache_keys.show(cache_keys.card_keys(related), cache_keys.related(article.pk))
    return render_to_string("articles/_related.html", {"related": related})


def _render_line(story: Article) -> str:
    """One line of the rail: headline, section, instant (select_related section: no query)."""
    cache_keys.show(cache_keys.story(story.pk), cache_keys.section(story.section_id))
    return render_to_string("articles/_most_recent_item.html", {"story": story})


def _recent_ids(newest: list[Article]) -> list[int]:
    cache_keys.show(cache_keys.RECENT)
    return [story.pk for story in newest]


def _lines(ids: list[int], rows: dict[int, Article], *, soft: bool) -> str:
    """The rail's lines for these stories, kept or rendered (those not in `rows` read in one query)."""
    names = {pk: line_fragment(pk) for pk in ids}
    kept = pagecache.kept_fragments(list(names.values()), soft=names.values() if soft else ())
    missing = [pk for pk in ids if names[pk] not in kept and pk not in rows]
    if missing:
        rows = {**rows, **{story.pk: story for story in Article.objects.filter(pk__in=missing).select_related("section")}}
    lines = []
    for pk in ids:
        if names[pk] in kept:
            lines.append(kept[names[pk]])
        elif pk in rows:
            lines.append(pagecache.store_fragment(names[pk], lambda story=rows[pk]: _render_line(story), soft=soft))
    return render_to_string("articles/_most_recent.html", {"lines": lines})


def _most_recent(story_id: int, rows: dict[int, Article], ids: list[int] | None, *, soft: bool) -> str:
    """The rail under this story; `ids`: the kept newest ids, if they were found; `rows`: stories already read."""
    if ids is None:
        if not rows:
            rows = {story.pk: story for story in newest_live()}
        ids = pagecache.store_fragment(RECENT_FRAGMENT, lambda: _recent_ids(list(rows.values())), soft=soft)
    return _lines(most_recent_of_ids(ids, story_id), rows, soft=soft)


def most_recent_of_ids(ids: list[int], story_id: int | None) -> list[int]:
    return [pk for pk in ids if pk != story_id][:MOST_RECENT_LIMIT]


def esi_include(story_id: int) -> str:
    return format_html('<esi:include src="{}"/>', reverse("articles:most_recent_rail", args=[story_id]))


def story_rails(article: Article) -> str:
    """Both rails for a reader's story page, from kept fragments where they are.

    What is missing is read in one query plus the cards' two prefetches when the related stories are (rail_rows,
    the newest stories with them), else one query for the newest ids and one for lines not kept."""
    related_name = related_fragment(article.pk)
    esi = settings.RAIL_ESI
    kept = pagecache.kept_fragments([related_name] if esi else [related_name, RECENT_FRAGMENT], soft=[RECENT_FRAGMENT])
    related_html, ids = kept.get(related_name), kept.get(RECENT_FRAGMENT)
    rows: dict[int, Article] = {}
    if related_html is None:
        related, newest = rail_rows(article, recent=ids is None and not esi)
        related_html = pagecache.store_fragment(related_name, lambda: _render_related(article, related))
        rows = {story.pk: story for story in newest}
    if esi:
        return related_html + esi_include(article.pk)
    return related_html + _most_recent(article.pk, rows, ids, soft=True)


def preview_rails(article: Article) -> str:
    """Both rails rendered now, for previews (never cached)."""
    related, recent = rails(article)
    lines = [_render_line(story) for story in recent]
    return render_to_string("articles/_related.html", {"related": related}) + render_to_string(
        "articles/_most_recent.html", {"lines": lines})


def most_recent_rail(request, story_id: int):
    """/rails/most-recent/<story id>/: the rail under that live story, as a cached page of its own (the ESI include's
    source), carrying the rail's keys itself. A story that is not live is a 404, so no id makes a new entry."""
    if not Article.objects.live().filter(pk=story_id).exists():
        raise Http404
    ids = pagecache.kept_fragments([RECENT_FRAGMENT]).get(RECENT_FRAGMENT)
    return HttpResponse(_most_recent(story_id, {}, ids, soft=False))
