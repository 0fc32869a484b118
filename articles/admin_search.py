"""The story list's search box and count, bounded at any archive size.

Searching: the search app registers a matcher (search/apps.py; articles never imports search) that
turns the editor's words into SQL selecting story ids, answered by its full-text index. The
index holds every story whatever its state, so drafts, scheduled and trashed stories are found.
The matcher looks where the admin's old `icontains` search looked (headline, standfirst, bylines,
tags; not the body), by whole words and word beginnings, stemmed. A number also finds the story
with that id, and a hyphenated word the story with that slug. With no matcher registered, the
admin's own search is used.

Counting: the list counts at most `CappedCountPaginator.COUNT_UP_TO` + 1 stories ("more than
1,000"), except the default view (everything but the trash) of someone who sees every story, whose
size is PostgreSQL's estimate of the table less the exact count of the trash ("about N").
"""
import re
from collections.abc import Callable

from django.db.models import Q
from django.db.models.expressions import RawSQL

from core.admin_paginator import table_estimate

from .models import Article

_matcher: Callable[[str], tuple[str, list] | None] | None = None

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
MAX_ID_DIGITS = 18  # a bigger number is not an id (and would overflow a PostgreSQL bigint)


def register_story_matcher(matcher: Callable[[str], tuple[str, list] | None]) -> None:
    """`matcher(text)` returns SQL and its parameters selecting the ids of the stories the words match (None: no
    words)."""
    global _matcher
    _matcher = matcher


def exact_ids(text: str) -> list[int]:
    """The story with this number or this slug (one indexed query; none when the text is neither)."""
    exact = Q()
    if text.isdigit() and len(text) <= MAX_ID_DIGITS:
        exact |= Q(pk=int(text))
    if SLUG.fullmatch(text):
        exact |= Q(slug=text)
    return list(Article.objects.filter(exact).values_list("pk", flat=True)[:2]) if exact else []


def search_stories(queryset, text: str):
    """The stories of `queryset` found by `text`; None when no matcher is registered (use the admin's own)."""
    text = text.strip()
    if not text:
        return queryset
    if _matcher is None:
        return None
    # One id subquery (the index's matches, plus an exact id or slug), never an OR beside it: an OR would make the
    # database test every story against the subquery instead of reading it once.
    matched, ids = _matcher(text), exact_ids(text)
    if matched is None:
        return queryset.filter(pk__in=ids)  # no words (or only an id or slug)
    sql, params = matched
    for pk in ids:
        sql, params = f"{sql} UNION ALL SELECT %s", [*params, pk]
    return queryset.filter(pk__in=RawSQL(sql, params))


def not_trashed_estimate(queryset) -> Callable[[], int | None]:
    """For the default view: the table's estimate less the trash (counted exactly: `article_live_idx`)."""

    def estimate() -> int | None:
        total = table_estimate(queryset)
        if total is None:
            return None
        return max(total - Article.objects.filter(status=Article.Status.TRASHED).count(), 0)

    return estimate
