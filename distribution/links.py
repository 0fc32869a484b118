"""Absolute URLs for what leaves the page: feeds, sitemaps, robots.txt, JSON-LD and sharing tags.

Everything machines read is absolute and built on settings.SITE_URL (like `Article.public_url`), so a feed
fetched through another host name or a proxy still points at the canonical site.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from photos.renditions import rendition_url

# Google's sharing and rich-result guidance: at least 1200 px wide, in 16:9, 4:3 and 1:1.
SHARE_WIDTH = 1200
SHARE_RATIOS = ("16:9", "4:3", "1:1")
LOGO_STATIC_PATH = "img/logo.png"  # 600 x 60, the publisher logo in structured data
LOGO_SIZE = (600, 60)

FEED_FORMATS = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
}


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute(url: str) -> str:
    """`url` made absolute on SITE_URL; URLs that already carry a host (a CDN, remote storage) stay as they are."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{urlsplit(site_url()).scheme or 'https'}:{url}"
    return site_url() + (url if url.startswith("/") else "/" + url)


def home_url() -> str:
    return absolute(reverse("articles:home"))


def photo_url(photo, ratio: str = "16:9", width: int = SHARE_WIDTH) -> str:
    """The absolute URL of a rendition; `photos.renditions.rendition_url` decides what it is."""
    return absolute(rendition_url(photo, ratio, width))


def share_images(photo) -> list[str]:
    return [photo_url(photo, ratio, SHARE_WIDTH) for ratio in SHARE_RATIOS]


def logo_url() -> str:
    return absolute(static(LOGO_STATIC_PATH))


def reporter_url(reporter) -> str:
    return absolute(reporter.get_absolute_url())


def tag_url(tag) -> str:
    return absolute(reverse("articles:tag", args=[tag.slug]))


def feed_url(fmt: str, scope: str = "site", slug: str | None = None) -> str:
    """/feeds/rss/, /section/<slug>/atom/ ... as an absolute URL. `scope` is site, section, reporter or tag."""
    name = f"distribution:{scope}-{fmt}"
    return absolute(reverse(name, args=[slug]) if slug else reverse(name))


def feed_links(title: str, scope: str = "site", slug: str | None = None) -> list[dict]:
    """Both formats of one feed, as autodiscovery links."""
    return [
        {"type": mime, "title": f"{title} ({label})", "href": feed_url(fmt, scope, slug)}
        for fmt, (mime, label) in FEED_FORMATS.items()
    ]
