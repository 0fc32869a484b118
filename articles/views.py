"""Public pages. Every listing starts from Article.objects.live() and costs a fixed number of queries."""
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from photos.models import foot_credit_line
from reporters.models import Reporter

from .body_media import render_blocks
from .models import Article, Section
from .pagination import page_of
from .related import most_recent, related_stories


def _page(request, queryset):
    return page_of(queryset, request.GET.get("page"), settings.ARTICLES_PER_PAGE)


def home(request):
    page = _page(request, Article.objects.live().for_listing())
    stories = list(page.object_list)
    lead = stories[0] if stories and page.number == 1 else None
    return render(
        request,
        "articles/home.html",
        {"page": page, "lead": lead, "stories": stories[1:] if lead else stories},
    )


def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = _page(request, Article.objects.live().filter(section=section).for_listing())
    return render(request, "articles/listing.html", {"page": page, "title": section.name, "section": section})


def reporter(request, slug):
    reporter = get_object_or_404(Reporter, slug=slug)
    page = _page(request, Article.objects.live().filter(bylines__reporter=reporter).for_listing())
    return render(request, "articles/reporter.html", {"page": page, "title": reporter.name, "reporter": reporter})


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = _page(request, Article.objects.live().filter(tags__slug=slug).for_listing())
    return render(request, "articles/listing.html", {"page": page, "title": tag.name, "tag": tag})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.live().for_page(), slug=slug)
    return render(request, "articles/detail.html", _article_context(article))


@staff_member_required
def article_preview(request, pk):
    """A story exactly as readers will see it, whatever its state (staff only)."""
    article = Article.objects.for_page().filter(pk=pk).first()
    if article is None:
        raise Http404
    user = request.user
    if not user.has_perm("articles.publish_article") and not Article.objects.owned_by(user).filter(pk=pk).exists():
        raise PermissionDenied("Reporters preview their own stories.")
    return render(request, "articles/detail.html", _article_context(article, preview=True))


def reader_blocks(article) -> list[dict]:
    """The body's blocks with placed photos, galleries and embeds rendered (from for_page()'s prefetch)."""
    return render_blocks(article.body_blocks, article.body_photos(), first_eager=article.hero_photo_id is None)


def _article_context(article, preview=False):
    return {
        "article": article,
        "body": reader_blocks(article),  # ads mark their inline slots in the template (ads.templatetags)
        "bylines": article.ordered_reporters(),
        "foot_credit_line": foot_credit_line(article.foot_credits()),
        "section": article.section,
        "preview": preview,
        "related": related_stories(article),
        "most_recent": most_recent(article),
    }

