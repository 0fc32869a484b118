"""/search/?q=…: ranked, highlighted, paginated live stories; any input gives a page, never an error."""
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from articles.models import Article, Byline

from .query import SearchResults, display_query, search_terms

DEFAULT_PER_PAGE = 10


def results(request):
    raw = request.GET.get("q", "")
    terms = search_terms(raw)
    per_page = getattr(settings, "SEARCH_RESULTS_PER_PAGE", DEFAULT_PER_PAGE)
    page = Paginator(SearchResults(terms), per_page).get_page(request.GET.get("page"))
    hits = list(page.object_list)
    if hits:
        # The cards' stories, with the picture each shows (the hero, else the body's first), in a fixed number of
        # queries whatever the page size.
        articles = Article.objects.select_related("section", "hero_photo__credit").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("reporter")), "hero_photo__renditions",
        ).with_body_photos().in_bulk([hit.article_id for hit in hits])
        for hit in hits:
            hit.article = articles.get(hit.article_id)
        hits = [hit for hit in hits if hit.article is not None]
    return render(
        request,
        "search/results.html",
        {"search_query": display_query(raw), "terms": terms, "page": page, "hits": hits},
    )
