"""A live blog's entries in its story's ninjs export: one `text` association per visible entry, oldest first.

ninjs 3.1 has no "parts"; associations are the standard's way to carry the items a story is made of. Each carries
its own uri (`urn:newsroom:<host>:live-entry:<id>`), its instants (+05:30), headline, body and byline.
"""
from urllib.parse import urlsplit

from django.conf import settings

from core.timefmt import machine_datetime

from . import index
from .models import LiveEntry


def entry_uri(entry: LiveEntry) -> str:
    return f"urn:newsroom:{urlsplit(settings.SITE_URL).hostname}:live-entry:{entry.pk}"


def entry_associations(article) -> list[dict]:
    if article.pk not in index.blog_index():  # most stories: no query
        return []
    entries = list(LiveEntry.objects.filter(blog__article=article).visible().for_stream().order_by("posted_at", "id"))
    associations = []
    for position, entry in enumerate(entries, start=1):
        association = {
            "name": f"liveentry{position}",
            "uri": entry_uri(entry),
            "type": "text",
            "representationType": "full",
            "firstCreated": machine_datetime(entry.posted_at),
            "versionCreated": machine_datetime(entry.corrected_at or entry.posted_at),
            "bodies": [{"role": "main", "contentType": "text/html", "value": entry.body}],
        }
        if entry.headline:
            association["headlines"] = [{"role": "main", "contentType": "text/plain", "value": entry.headline}]
        byline = ", ".join(r.name for r in entry.ordered_reporters())
        if byline:
            association["by"] = byline
        associations.append(association)
    return associations
