"""Search results kept for a short time under the page cache's keys: a crowd asking one thing costs one search.

What is kept is one results page of one *normalised* query: the plain terms (search.query.search_terms: NFKC,
lower-cased, de-duplicated, at most MAX_TERMS), in sorted order (every term must match, so the order changes nothing),
with the page number, the page size and the ranking cap. "Monsoon  Kerala", "kerala MONSOON" and "ｍｏｎｓｏｏｎ kerala"
share one entry. Page numbers are folded the way the paginator reads them (not a number: the first page; past the
last possible page or below 1: the last), so no query has more than MAX_RANKED / page size + 1 entries.

The entry is a page-cache fragment (core.pagecache.fragment): kept at most SEARCH_CACHE_SECONDS (and never past
the next scheduled go-live or expiry, like every page), and only while its keys are current:

* `search`, which search.indexing purges after any story change that can change what readers find: the story is
  published (live, scheduled or expired: its words may now match), is gone, or moved into or out of the live set
  (articles.cache_keys.HARD_KINDS: published, unpublished, returned, trashed, restored, an update applied). Any
  live story's edit can make it a new match for any query, so one key for every query, not one per query: a
  per-query key could not be purged by a story it does not yet match. Drafts and stories in review are saved
  without touching it.
* the keys of every card shown (story, section, reporters, picture: articles.cache_keys.card_keys), so a renamed
  section or a new hero picture re-renders the results that show it.

When every place for a search is taken (search.budget.a_place), the query's earlier results are shown instead of
"busy" ("stale"): only if they are younger than SEARCH_CACHE_SECONDS, the next scheduled instant has not come,
and no story has since left what readers can see (`search` is then purged hard, and the number of that purge is
compared with the purge number read before they were rendered: one counter every process shares, no clock). An edit to a live story purges softly: for the moment a crowd re-runs it,
some readers get the results from before the edit.

What is not kept: a search stopped at the time limit (search.budget) and pages with no terms (no query is run).
Only while the page cache is on (PAGE_CACHE_SECONDS); SEARCH_CACHE_SECONDS=0 turns this off alone.
"""
import hashlib
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from articles import cache_keys
from articles.models import Article, Byline
from core import pagecache

from .budget import SearchBusy, a_place, time_limit
from .query import MAX_RANKED, SearchResults

SEARCH_KEY = "search"
EARLIER_KEY = "search:earlier:{name}"
DEFAULT_CACHE_SECONDS = 60
DEFAULT_PER_PAGE = 10


@dataclass(frozen=True)
class ResultsPage:
    """What the results page shows of one page of one query (picklable: it is what the cache keeps)."""

    count: int
    capped: bool
    number: int
    num_pages: int
    hits_html: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def per_page() -> int:
    return getattr(settings, "SEARCH_RESULTS_PER_PAGE", DEFAULT_PER_PAGE)


def max_ranked() -> int:
    return getattr(settings, "SEARCH_MAX_RANKED", MAX_RANKED)


def cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def page_number(raw) -> int:
    """The requested page as the paginator will read it, folded so that numbers giving the same page are one."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    last_possible = max(1, math.ceil(max_ranked() / per_page()))
    return last_possible if number < 1 or number > last_possible else number


def entry_name(terms: list[str], number: int) -> str:
    normalised = json.dumps([sorted(terms), number, per_page(), max_ranked()], ensure_ascii=True)
    return "search:v1:" + hashlib.sha256(normalised.encode()).hexdigest()


def results_page(terms: list[str], raw_page) -> tuple[ResultsPage, str]:
    """(the page, how it was found: "hit", "miss", "stale" or "off"). Raises search.budget.SearchTooSlow, or
    SearchBusy when no place is free and there are no earlier results that may be shown."""
    number = page_number(raw_page)
    if not settings.PAGE_CACHE_SECONDS or cache_seconds() <= 0:
        return _search(terms, number), "off"
    name = entry_name(terms, number)
    kept = pagecache.kept_fragments([name])
    if name in kept:
        return kept[name], "hit"
    started = pagecache.purge_sequence()  # before the search: a hard purge numbered above it may remove a result
    try:
        found = pagecache.store_fragment(name, lambda: _search(terms, number, keep=cache_seconds()))
    except SearchBusy:
        earlier = _earlier(name)
        if earlier is None:
            raise
        return earlier, "stale"
    _keep_earlier(name, found, started)
    return found, "miss"


def _now() -> float:
    return timezone.now().timestamp()  # moved by time-travel tests, like the page cache's deadlines


def _keep_earlier(name: str, found: ResultsPage, started: int | None) -> None:
    """Keep these results apart from the fragment, to show while the places are taken after a soft purge."""
    tokens = pagecache.current_tokens([pagecache.SCHEDULE])
    if not tokens or started is None:
        return  # the cache is down
    until = _now() + cache_seconds()
    upcoming = pagecache.next_scheduled_instant(tokens[pagecache.SCHEDULE])
    if upcoming is not None:
        until = min(until, upcoming.timestamp())  # never shown past a go-live or an expiry
    if until > _now():
        cache.set(EARLIER_KEY.format(name=name), (started, until, found), int(until - _now()) + 1)


def _earlier(name: str) -> ResultsPage | None:
    """The earlier results of this query, if they may still be shown: younger than SEARCH_CACHE_SECONDS, before the
    next scheduled instant, and rendered after the last hard purge of `search` (a story readers can no longer see)."""
    found = cache.get_many([EARLIER_KEY.format(name=name), pagecache.HARD_KEY.format(name=SEARCH_KEY)])
    earlier = found.get(EARLIER_KEY.format(name=name))
    if earlier is None:
        return None
    started, until, value = earlier
    hard_at = found.get(pagecache.HARD_KEY.format(name=SEARCH_KEY))  # the purge number of its last hard purge
    if _now() >= until or (hard_at is not None and hard_at > started):
        return None
    return value


def _search(terms: list[str], number: int, keep: int | None = None) -> ResultsPage:
    if keep:
        pagecache.add_keys(SEARCH_KEY)
        pagecache.limit_lifetime(None, keep)
    with a_place(), time_limit():
        page = Paginator(SearchResults(terms, max_ranked=max_ranked()), per_page()).get_page(number)
        hits = list(page.object_list)
        if hits:
            # The cards' stories, with the picture each shows (the hero, else the body's first), in a fixed number
            # of queries whatever the page size.
            articles = Article.objects.select_related("section", "hero_photo__credit").prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("reporter")), "hero_photo__renditions",
            ).with_body_photos().in_bulk([hit.article_id for hit in hits])
            for hit in hits:
                hit.article = articles.get(hit.article_id)
            hits = [hit for hit in hits if hit.article is not None]
        shown = [hit.article for hit in hits]
        cache_keys.show(cache_keys.card_keys(shown))
        cache_keys.show(cache_keys.photo(story.lead_photo().pk) for story in shown if story.lead_photo())
        html = render_to_string("search/_hits.html", {"hits": hits})
        paginator = page.paginator
        return ResultsPage(count=paginator.count, capped=paginator.object_list.capped, number=page.number,
                           num_pages=paginator.num_pages, hits_html=html)
