"""Sitemap index, sitemaps and robots.txt. Feeds are `distribution.feeds` classes, routed in urls.py."""
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pagecache import accept_parameter, add_keys

from . import links
from .sitemaps import SITEMAPS

XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class _SiteUrlSite:
    """What `Sitemap.get_urls(site=...)` needs of a site: the host (and any path prefix) of SITE_URL."""

    domain: str


def _site_and_protocol() -> tuple[_SiteUrlSite, str]:
    parts = urlsplit(links.site_url())
    return _SiteUrlSite(parts.netloc + parts.path), parts.scheme or "https"


def _xml(template_name: str, context: dict) -> HttpResponse:
    """Rendered without the request: page context processors (navigation, ...) are not needed here."""
    response = HttpResponse(render_to_string(template_name, context), content_type=XML)
    response.headers["X-Robots-Tag"] = "noindex, noarchive"  # the sitemap itself is not a search result
    return response


def sitemap_url(name: str) -> str:
    return links.absolute(reverse("distribution:sitemap", args=[name]))


@require_GET
def sitemap_index(request):
    add_keys("sitemap")
    now = timezone.now()
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(now)
        location, lastmod = sitemap_url(name), sitemap.get_latest_lastmod()
        entries.append({"location": location, "lastmod": lastmod})
        for page in range(2, sitemap.num_pages() + 1):
            entries.append({"location": f"{location}?p={page}", "lastmod": lastmod})
    return _xml("distribution/sitemap_index.xml", {"sitemaps": entries})


@require_GET
def sitemap(request, section):
    add_keys("sitemap")  # every story, section, reporter and tag change purges the sitemaps (cheap to render)
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404(f"No sitemap {section!r}")
    sitemap = sitemap_class()
    site, protocol = _site_and_protocol()
    values = request.GET.getlist("p")
    try:
        urls = sitemap.get_urls(page=values[-1] if values else 1, site=site, protocol=protocol)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page")
    if len(values) == 1 and values[0] == str(int(values[0])) and values[0] != "1":  # the index's own spelling: kept under it
        accept_parameter("p")  # any other (p=1, p=02) is a 301 to the URL without it (core.pagecache)
    context = {"urlset": urls, "publication_name": settings.SITE_NAME}
    return _xml(sitemap_class.template_name, context)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {get_script_prefix()}preview/",
        "",
        f"Sitemap: {links.absolute(reverse('distribution:sitemap-index'))}",
        f"Sitemap: {sitemap_url('news')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
