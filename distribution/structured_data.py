"""What a story page tells machines about itself: NewsArticle JSON-LD, OpenGraph and a Twitter card.

Built from what the page already loaded (`Article.objects.for_page()`: section, hero photo with credit,
bylines with reporters, tags), so it costs no queries. Instants come from `machine_datetime`, the same
helper behind the page's `<time datetime>` values, so the page and its JSON-LD cannot disagree.
"""
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from core.timefmt import machine_datetime

from . import links

# What django.utils.html.json_script escapes, so the JSON cannot close its <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def ld_json_text(data) -> str:
    """JSON safe inside <script type="application/ld+json">: <, > and & escaped as json_script does."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)


def _reporters(article, bylines):
    # A template passes "" for a missing variable: fall back to the article's (prefetched) bylines.
    return list(bylines) if isinstance(bylines, (list, tuple)) else article.ordered_reporters()


def _tags(article) -> list[str]:
    return [tag.name for tag in article.tags.all()]  # .all() reads the for_page() prefetch


def publisher() -> dict:
    width, height = links.LOGO_SIZE
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": links.home_url(),
        "logo": {"@type": "ImageObject", "url": links.logo_url(), "width": width, "height": height},
    }


def news_article(article, bylines=None) -> dict:
    """schema.org NewsArticle for `article`; `bylines` are its reporters in order (default: from the article)."""
    canonical = article.canonical()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": canonical,
        "url": canonical,
        "headline": article.headline,
    }
    if article.standfirst:
        data["description"] = article.standfirst
    images = links.share_images(article.hero_photo) if article.hero_photo_id else []
    # Then the pictures placed in the body, in reading order, at their own aspect.
    images += [links.photo_url(photo, "original", links.SHARE_WIDTH) for photo in article.body_photos().values()]
    if images:
        data["image"] = list(dict.fromkeys(images))
    if article.published_at:
        data["datePublished"] = machine_datetime(article.published_at)
        data["dateModified"] = machine_datetime(article.updated_at or article.published_at)
    data["author"] = [
        {"@type": "Person", "name": reporter.name, "url": links.reporter_url(reporter)}
        for reporter in _reporters(article, bylines)
    ]
    data["publisher"] = publisher()
    data["articleSection"] = article.section.name
    tags = _tags(article)
    if tags:
        data["keywords"] = tags
    if article.language:
        data["inLanguage"] = article.language
    return data


def sharing_meta(article, bylines=None) -> list[tuple[str, str, str]]:
    """OpenGraph and Twitter card tags as (attribute, name, content): `<meta {attribute}="{name}" content=…>`."""
    canonical = article.canonical()
    title = article.social_title()
    og = [
        ("og:type", "article"),
        ("og:site_name", settings.SITE_NAME),
        ("og:title", title),
        ("og:url", canonical),
    ]
    twitter = [("twitter:card", "summary_large_image"), ("twitter:title", title)]
    if article.standfirst:
        og.append(("og:description", article.standfirst))
        twitter.append(("twitter:description", article.standfirst))
    lead = article.social_photo()  # the social image, else the hero, else the body's first picture
    if lead is not None:
        image = links.photo_url(lead, "16:9", links.SHARE_WIDTH)
        og += [("og:image", image), ("og:image:alt", lead.alt_text)]
        twitter += [("twitter:image", image), ("twitter:image:alt", lead.alt_text)]
    if article.published_at:
        og += [
            ("article:published_time", machine_datetime(article.published_at)),
            ("article:modified_time", machine_datetime(article.updated_at or article.published_at)),
        ]
    og.append(("article:section", article.section.name))
    og += [("article:tag", name) for name in _tags(article)]
    og += [("article:author", links.reporter_url(reporter)) for reporter in _reporters(article, bylines)]
    return [("property", name, content) for name, content in og] + [
        ("name", name, content) for name, content in twitter
    ]
