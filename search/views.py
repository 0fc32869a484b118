"""/search/?q=…: ranked, highlighted, paginated live stories; any input gives a page, never an error.

The results of a normalised query are kept for a short time under the page cache's keys (search.results_cache),
and so is the whole rendered page of what one reader typed (keyed by the words as echoed, the terms, the notes and
the folded page number), so a repeated search is one cache read with no rendering. The words and the time a search
may take are bounded (search.query, search.budget), and the page says what was left out. `X-Search-Cache` says how
the results were found: hit, miss, stale (earlier results while every place is taken), off, none (no words),
too-slow, or busy (every place for a search in this
process was taken: a 503 with Retry-After, the page saying so; search.budget.a_place).
"""
import hashlib
import json

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from core import pagecache

from .budget import SearchBusy, SearchTooSlow
from .query import display_query, limits_reached, search_terms
from .results_cache import cache_seconds, max_ranked, page_number, per_page, results_page

TOO_SLOW = "This search took too long and was stopped. Try fewer words, or more specific ones."
BUSY = "Search is busy right now. Please try again in a moment."
BUSY_RETRY_SECONDS = 5
TEMPLATE = "search/results.html"


def results(request):
    raw = request.GET.get("q", "")
    terms = search_terms(raw)
    notes = limits_reached(raw)
    echoed = display_query(raw)
    if terms and _may_keep_page(request):
        name = _page_name(echoed, terms, notes, page_number(request.GET.get("page")))
        kept = pagecache.kept_fragments([name])
        if name in kept:
            return _response(kept[name], "hit", 200)
        outcome = {}

        def build():
            outcome["html"], outcome["how"], outcome["status"] = _render(request, raw, echoed, terms, notes)
            return outcome["html"] if outcome["how"] in ("hit", "miss") else None  # a note page is not kept

        pagecache.store_fragment(name, build)
        return _response(outcome["html"], outcome["how"], outcome["status"])
    return _response(*_render(request, raw, echoed, terms, notes))


def _may_keep_page(request) -> bool:
    # As the page cache: only while it is on, and never for a reader with a session (staff get a fresh page).
    return bool(settings.PAGE_CACHE_SECONDS) and cache_seconds() > 0 and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _page_name(echoed: str, terms: list[str], notes: list[str], number: int) -> str:
    key = json.dumps([echoed, terms, notes, number, per_page(), max_ranked()], ensure_ascii=True)
    return "search-page:v1:" + hashlib.sha256(key.encode()).hexdigest()


def _render(request, raw, echoed, terms, notes) -> tuple[str, str, int]:
    """(the page's HTML, how the results were found, the status)."""
    found, how, notes = None, "none", list(notes)
    if terms:
        try:
            found, how = results_page(terms, request.GET.get("page"))
        except SearchTooSlow:
            notes.append(TOO_SLOW)
            how = "too-slow"
        except SearchBusy:
            notes.append(BUSY)
            how = "busy"
    html = render_to_string(TEMPLATE, {"search_query": echoed, "terms": terms, "results": found, "notes": notes},
                            request)
    return html, how, 503 if how == "busy" else 200


def _response(html: str, how: str, status: int) -> HttpResponse:
    response = HttpResponse(html, status=status)
    if how == "busy":
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    response["X-Search-Cache"] = how
    return response
