"""Every live story as IPTC ninjs 3.1 JSON at /story/<slug>.json.

The document validates against the official ninjs 3.1 schema and is what our own ingest reads
back (articles.ingest): importing it into another Newsroom reproduces the story (headline,
standfirst, body HTML, byline order, section, tags, Published and Updated to the second, photos
with their captions, alt texts and credits). See docs/decisions.md "ninjs export".

Fixed cost: Article.objects.for_export() (the story, its bylines, tags, photos and their
renditions), whatever the number of photos, bylines or tags.
"""
import mimetypes
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse

from core.timefmt import machine_datetime
from photos.renditions import rendition_url

from . import cache_keys, wire_body
from .models import Article
from .views import moved_story

NINJS_VERSION = "3.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
FEATURE_IMAGE = "featureimage"
# (rendition name, ratio, width): the original first (ingest takes the widest), then smaller crops.
RENDITIONS = (
    ("original", "original", None),
    ("16x9-1200", "16:9", 1200),
    ("16x9-640", "16:9", 640),
)


# Apps above articles add associations of their own (live: a blog's entries), so articles imports none of them.
_association_sources = []


def register_associations(source) -> None:
    """`source(article) -> list[dict]`: more ninjs associations for a story, after its pictures."""
    if source not in _association_sources:
        _association_sources.append(source)


def _absolute(url: str) -> str:
    return urljoin(settings.SITE_URL + "/", url)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def site_uri(article: Article) -> str:
    """This site's name for the story: its primary key on SITE_URL's host, never its slug or headline, so
    the name survives a slug change. Feed GUIDs use it; so does the ninjs `uri` of a story not from a wire."""
    return f"urn:newsroom:{_host()}:article:{article.pk}"


def story_uri(article: Article) -> str:
    """The ninjs `uri`: the wire's own uri for wire copy (so a re-export ingested where it came from updates the
    original instead of duplicating it), else this site's name for the story."""
    return article.wire_uri or site_uri(article)


def photo_uri(photo) -> str:
    return f"urn:newsroom:{_host()}:photo:{photo.pk}"


def _ratio_box(width: int, height: int, ratio: str) -> tuple[int, int]:
    """The largest crop of ratio "w:h" inside width x height (an estimate, when the rendition is unknown)."""
    rw, rh = (int(part) for part in ratio.split(":"))
    if width * rh > height * rw:
        return max(1, round(height * rw / rh)), height
    return width, max(1, round(width * rh / rw))


def _size(photo, url: str, ratio: str, target: int) -> tuple[int, int] | None:
    """Width and height of the file rendition_url() chose: the rendition's own, read from the prefetch."""
    if url == photo.image.url:
        return (photo.width, photo.height) if photo.width and photo.height else None
    renditions = getattr(photo, "renditions", None)
    if renditions is not None:
        for rendition in renditions.all():
            if rendition.file.url == url:
                return rendition.width, rendition.height
    if not (photo.width and photo.height):
        return None
    width, height = (photo.width, photo.height) if ratio == "original" else _ratio_box(photo.width, photo.height, ratio)
    if width > target:  # renditions are scaled down, never up
        width, height = target, max(1, round(height * target / width))
    return width, height


def _renditions(photo) -> list[dict]:
    renditions, seen = [], set()
    for name, ratio, target in RENDITIONS:
        target = target or photo.width or 1200
        url = rendition_url(photo, ratio, target)
        href = _absolute(url)
        if href in seen:  # a small picture: several sizes are the same file
            continue
        seen.add(href)
        rendition = {"name": name, "href": href}
        content_type = mimetypes.guess_type(urlsplit(url).path)[0]
        if content_type:
            rendition["contentType"] = content_type
        size = _size(photo, url, ratio, target)
        if size:
            rendition["width"], rendition["height"] = size
        if ratio != "original":
            rendition["aspectRatio"] = ratio
        renditions.append(rendition)
    return renditions


def _first_rendition_href(photo) -> str:
    """The href of the rendition an association lists first (the original's): what a body <img> shows."""
    return _absolute(rendition_url(photo, "original", photo.width or 1200))


def picture_ninjs(photo, name: str) -> dict:
    descriptions = []
    if photo.caption:
        descriptions.append({"role": "caption", "contentType": "text/plain", "value": photo.caption})
    if photo.alt_text:
        descriptions.append({"role": "alt", "contentType": "text/plain", "value": photo.alt_text})
    association = {
        "name": name,
        "uri": photo_uri(photo),
        "type": "picture",
        "copyrightHolder": photo.credit.name,
        "renditions": _renditions(photo),
    }
    if descriptions:
        association["descriptions"] = descriptions
    return association


def exported_body(body: str, photos: dict) -> tuple[str, list[dict]]:
    """A stored body in its exported form (articles.wire_body: placed pictures as figures with an <img> of the
    association's first rendition, between markers naming it) and the picture associations it names, in order.
    The story's body and a live blog entry's (live.ninjs) go out this way."""
    html, placed = wire_body.export_body(body, photos, _first_rendition_href)
    return html, [picture_ninjs(photo, name) for name, photo in placed]


def story_ninjs(article: Article) -> dict:
    """The ninjs 3.1 document of a story loaded with Article.objects.for_export()."""
    headlines = [{"role": "main", "contentType": "text/plain", "value": article.headline}]
    if article.standfirst:
        headlines.append({"role": "summary", "contentType": "text/plain", "value": article.standfirst})
    subjects = [{
        "name": article.section.name,
        "uri": _absolute(article.section.get_absolute_url()),
    }]
    subjects += [
        {"name": tag.name, "uri": _absolute(reverse("articles:tag", args=[tag.slug]))}
        for tag in sorted(article.tags.all(), key=lambda tag: tag.name.lower())
    ]
    associations = []
    if article.hero_photo:
        associations.append(picture_ninjs(article.hero_photo, FEATURE_IMAGE))
    for position, use in enumerate(article.inline_photos.all(), start=1):
        associations.append(picture_ninjs(use.photo, f"picture{position}"))
    # Pictures placed in the body: associations the body references where they stand (articles/wire_body.py).
    body, pictures = exported_body(article.body, article.body_photos())
    associations += pictures
    for source in _association_sources:
        associations += source(article)

    document = {
        "uri": story_uri(article),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationType": "full",
        "version": str(article.edit_version),
        "firstCreated": machine_datetime(article.published_at),
        "versionCreated": machine_datetime(article.updated_at or article.published_at),
        "pubStatus": "usable",
        "language": article.language or "en",
        "headlines": headlines,
        "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        "subjects": subjects,
        "copyrightHolder": settings.SITE_NAME,
        "renditions": [{"name": "web", "href": article.public_url, "contentType": "text/html"}],
    }
    byline = article.byline_text
    if byline:
        document["by"] = byline
    if article.expires_at:
        document["expires"] = machine_datetime(article.expires_at)
    if associations:
        document["associations"] = associations
    return document


def story_json(request, slug):
    article = Article.objects.live().for_export().filter(slug=slug).first()
    if article is None:
        return moved_story(request, slug, lambda story: reverse("articles_export:ninjs", args=[story.slug]))
    cache_keys.show(cache_keys.page_keys(article))
    return JsonResponse(story_ninjs(article), json_dumps_params={"ensure_ascii": False, "indent": 2})
