"""/search/?q=…: ranked, highlighted, paginated live stories; any input gives a page, never an error.

The results of a normalised query are kept for a short time under the page cache's keys (search.results_cache);
the words and the time a search may take are bounded (search.query, search.budget), and the page says what was
left out. `X-Search-Cache` says how the results were found: hit, miss, off, none (no words) or too-slow.
"""
from django.shortcuts import render

from .budget import SearchTooSlow
from .query import display_query, limits_reached, search_terms
from .results_cache import results_page

TOO_SLOW = "This search took too long and was stopped. Try fewer words, or more specific ones."


def results(request):
    raw = request.GET.get("q", "")
    terms = search_terms(raw)
    notes = limits_reached(raw)
    found, how = None, "none"
    if terms:
        try:
            found, how = results_page(terms, request.GET.get("page"))
        except SearchTooSlow:
            notes.append(TOO_SLOW)
            how = "too-slow"
    response = render(
        request,
        "search/results.html",
        {"search_query": display_query(raw), "terms": terms, "results": found, "notes": notes},
    )
    response["X-Search-Cache"] = how
    return response
