"""Public pages. Every listing starts from Article.objects.live() and costs a fixed number of queries."""
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from taggit.models import Tag

from core import pagecache
from photos.models import foot_credit_line
from reporters.models import Reporter

from . import actors, cache_keys, preview_links
from .body_media import render_blocks
from .cards import cards
from .models import Article, ArticleSlug, ListingSlug, Section
from .pagination import NoSuchPage, OtherSpelling, page_of, requested_page
from .rails import preview_rails, story_rails


def _page(request, queryset, keys: list[str]):
    """The listing's page `page` asks for, showing `keys` (what decides which stories it lists). Only canonical
    page URLs answer 200 (docs/decisions.md, "`page` cannot fill the cache"): `page=1`, `page=02` or two values
    are a 301 to the page's one URL; a value that is no page number, or a page past the last, is a 404. Each is
    kept at the edge under the listing's keys, like the page (core.pagecache.keyed_answer); none is stored here."""
    cache_keys.show(*keys)
    try:
        number = requested_page(request.GET.getlist("page"))
    except OtherSpelling as spelling:
        pagecache.keyed_answer(request)
        raise _PageMoved(_with_page(request, spelling.number)) from None
    except NoSuchPage:
        pagecache.keyed_answer(request)
        raise Http404("No such page.") from None
    page = page_of(queryset, number, settings.ARTICLES_PER_PAGE)
    if number > 1:
        if not page.object_list:
            pagecache.keyed_answer(request)  # page N exists again once enough stories are listed (a listing purge)
            raise Http404("No such page.")
        pagecache.accept_parameter("page")
    return page


def _with_page(request, number: int) -> str:
    query = request.GET.copy()
    if number > 1:
        query.setlist("page", [str(number)])
    else:
        query.pop("page", None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def _story_ids(queryset):
    """A listing's stories as ids, newest first: the cards come from articles.cards."""
    return queryset.order_by("-published_at", "-id").values_list("pk", flat=True)


def _listing(request, queryset, template: str, keys: list[str], context: dict):
    page = _page(request, _story_ids(queryset), keys)
    return render(request, template, {**context, "page": page, "cards": list(cards(page.object_list).values())})


def _moved(request, url: str) -> HttpResponsePermanentRedirect:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(url + (f"?{query}" if query else ""))


def _current(model, kind: str, slug: str):
    """The object named by `slug`, or Http404 carrying its current URL when the slug is an old one."""
    found = model.objects.filter(slug=slug).first()
    if found:
        return found
    old = ListingSlug.objects.filter(kind=kind, slug=slug).first()
    moved = model.objects.filter(pk=old.target_id).first() if old else None
    if moved:
        raise _Moved(moved.get_absolute_url() if hasattr(moved, "get_absolute_url") else reverse("articles:tag", args=[moved.slug]))
    raise Http404


class _Moved(Exception):
    def __init__(self, url):
        self.url = url


def follows_old_slugs(view):
    """Old slugs of sections, reporters, tags and stories answer 301 to where they are now."""
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except _Moved as moved:
            return _moved(request, moved.url)

    wrapper.__name__ = view.__name__
    return wrapper


LISTING_MODELS = {ListingSlug.Kind.SECTION: Section, ListingSlug.Kind.REPORTER: Reporter, ListingSlug.Kind.TAG: Tag}


def follows_old_listing_slug(kind: str, view):
    """Wrap a view under /<kind>/<slug>/… (a feed, say): a 404 at an old slug becomes a 301 to the same path at the
    current slug."""
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except Http404:
            old = ListingSlug.objects.filter(kind=kind, slug=slug).first()
            current = LISTING_MODELS[kind].objects.filter(pk=old.target_id).values_list("slug", flat=True).first() if old else None
            if not current:
                raise
            return _moved(request, request.path.replace(f"/{kind}/{slug}/", f"/{kind}/{current}/", 1))

    return wrapper


class _PageMoved(Exception):
    def __init__(self, url):
        self.url = url


def canonical_pages(view):
    """A listing asked for a page in another spelling (`?page=1`, `?page=02`) answers 301 to its one URL."""
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _PageMoved as moved:
            return HttpResponsePermanentRedirect(moved.url)

    wrapper.__name__ = view.__name__
    return wrapper


@canonical_pages
def home(request):
    page = _page(request, _story_ids(Article.objects.live()), [cache_keys.HOME])
    lead = page.object_list[0] if page.object_list and page.number == 1 else None
    shown = cards(page.object_list, lead_id=lead)
    lead_card = shown.pop(lead, None)
    return render(request, "articles/home.html", {"page": page, "lead_card": lead_card, "cards": list(shown.values())})


@canonical_pages
@follows_old_slugs
def section(request, slug):
    section = _current(Section, ListingSlug.Kind.SECTION, slug)
    key = cache_keys.section(section.pk)
    return _listing(request, Article.objects.live().filter(section=section), "articles/listing.html",
                    [key, cache_keys.stories_of(key)], {"title": section.name, "section": section})


@canonical_pages
@follows_old_slugs
def reporter(request, slug):
    reporter = _current(Reporter, ListingSlug.Kind.REPORTER, slug)
    key = cache_keys.reporter(reporter.pk)
    return _listing(request, Article.objects.live().filter(bylines__reporter=reporter), "articles/reporter.html",
                    [key, cache_keys.stories_of(key)], {"title": reporter.name, "reporter": reporter})


@canonical_pages
@follows_old_slugs
def tag(request, slug):
    tag = _current(Tag, ListingSlug.Kind.TAG, slug)
    key = cache_keys.tag(tag.pk)
    return _listing(request, Article.objects.live().filter(tags__slug=slug), "articles/listing.html",
                    [key, cache_keys.stories_of(key)], {"title": tag.name, "tag": tag})


def moved_story(request, slug: str, url_of) -> HttpResponsePermanentRedirect:
    """A slug a live story was published under before: 301 to `url_of(story)`; else 404.

    Either answer is kept at the edge under slug:<slug> (and the story's key for a 301), which every change to a
    story purges for its current and old slugs: publishing a scheduled story ends its 404 there."""
    pagecache.keyed_answer(request, cache_keys.slug(slug))
    old = ArticleSlug.objects.filter(slug=slug).values_list("article_id", flat=True).first()
    moved = Article.objects.live().filter(pk=old).only("slug").first() if old else None
    if moved is None:
        raise Http404
    cache_keys.show(cache_keys.story(moved.pk))
    return _moved(request, url_of(moved))


def article_detail(request, slug):
    # The story with everything its page prefetches and its body rendered, then the rails under it: each kept
    # (core.pagecache.fragment) under the keys of what it shows, so a page purged for one reason re-renders
    # only what changed (a story published elsewhere changes the "Most recent" rail, not this story; articles.rails).
    context = pagecache.fragment(f"story-page:{slug}", lambda: _live_story_context(slug))
    if context is None:
        return moved_story(request, slug, lambda story: story.get_absolute_url())
    article = context["article"]
    response = render(request, "articles/detail.html", {**context, "rails": story_rails(article)})
    if settings.RAIL_ESI:
        response["Surrogate-Control"] = 'content="ESI/1.0"'  # the CDN fills the "Most recent" include
    return response


def _live_story_context(slug: str) -> dict | None:
    article = Article.objects.live().for_page().filter(slug=slug).first()
    if article is None:
        return None
    cache_keys.show(cache_keys.page_keys(article))
    return _story_context(article)


@staff_member_required
def article_preview(request, pk):
    """A story exactly as readers will see it, whatever its state (staff only)."""
    article = Article.objects.for_page().filter(pk=pk).first()
    if article is None:
        raise Http404
    user = request.user
    if not actors.viewable_stories(user, Article.objects.filter(pk=pk)).exists():
        raise PermissionDenied("Reporters preview their own stories.")
    context = _story_context(article, preview=True)
    return render(request, "articles/detail.html", {**context, "rails": preview_rails(article)})


def shared_preview(request, token):
    """A story's current version for someone without a login, through a signed preview link (articles.preview_links).

    Never cached, never indexed; an expired, revoked or altered link is a 404 that says so.
    """
    link = preview_links.link_for_token(token)
    article = Article.objects.for_page().filter(pk=link.article_id).first() if link else None
    if article is None:
        response = render(request, "articles/preview_gone.html", status=404)
    else:
        context = {**_story_context(article, preview=True), "rails": preview_rails(article), "shared_link": link}
        response = render(request, "articles/detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def reader_blocks(article) -> list[dict]:
    """The body's blocks with placed photos, galleries and embeds rendered (from for_page()'s prefetch)."""
    return render_blocks(article.body_blocks, article.body_photos(), first_eager=article.hero_photo_id is None)


def _story_context(article, preview=False) -> dict:
    context = {
        "article": article,
        "body": reader_blocks(article),  # ads mark their inline slots in the template (ads.templatetags)
        "bylines": article.ordered_reporters(),
        "foot_credit_line": foot_credit_line(article.foot_credits()),
        "section": article.section,
        "preview": preview,
    }
    # The story's own HTML in three parts, around what live blogs add per request (templates/articles/detail.html).
    main = {part: render_to_string(f"articles/_story_{part}.html", context) for part in ("header", "body", "after")}
    return {**context, "main": main}
