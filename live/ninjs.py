"""A live blog's entries in its story's ninjs export: one `text` association per visible entry, oldest first.

ninjs 3.1 has no "parts"; associations are the standard's way to carry the items a story is made of. Each carries
its own uri (`urn:newsroom:<host>:live-entry:<id>`), its instants (+05:30), headline, byline and body in the form the
story body is exported in (articles.export.exported_body: placed pictures as <img> figures between markers), with
the pictures it names, and the entry's own photo ("featureimage"), as associations of its own (ninjs associations
are ninjs objects, so they nest).
"""
from urllib.parse import urlsplit

from django.conf import settings

from articles.export import FEATURE_IMAGE, exported_body, picture_ninjs
from core.timefmt import machine_datetime

from . import cache_keys, index
from .models import LiveEntry


def entry_uri(entry: LiveEntry) -> str:
    return f"urn:newsroom:{urlsplit(settings.SITE_URL).hostname}:live-entry:{entry.pk}"


def entry_associations(article) -> list[dict]:
    if article.pk not in index.blog_index():  # most stories: no query
        return []
    entries = list(LiveEntry.objects.filter(blog__article=article).visible().for_stream().order_by("posted_at", "id"))
    cache_keys.show_entry_photos(entries)
    associations = []
    for position, entry in enumerate(entries, start=1):
        body, pictures = exported_body(entry.body, entry.body_photos())
        association = {
            "name": f"liveentry{position}",
            "uri": entry_uri(entry),
            "type": "text",
            "representationType": "full",
            "firstCreated": machine_datetime(entry.posted_at),
            "versionCreated": machine_datetime(entry.corrected_at or entry.posted_at),
            "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        }
        if entry.headline:
            association["headlines"] = [{"role": "main", "contentType": "text/plain", "value": entry.headline}]
        byline = ", ".join(r.name for r in entry.ordered_reporters())
        if byline:
            association["by"] = byline
        if entry.photo:
            pictures.insert(0, picture_ninjs(entry.photo, FEATURE_IMAGE))
        if pictures:
            association["associations"] = pictures
        associations.append(association)
    return associations
