"""Photos, galleries and embeds placed in a story body: the stored format, its save-time reading, its rendering.

The body stores references, never media (core/sanitize.py keeps exactly these attributes):

    <figure data-photo="123" data-size="full"><figcaption>caption for this story</figcaption></figure>
    <figure data-gallery="12,13,14"><figcaption>the gallery's title</figcaption></figure>
    <figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=…"><figcaption>title</figcaption></figure>

so a photo's renditions, alt text and credit stay live. When the story is saved (`prepare`) each top-level media
figure becomes a block of its own kind in `body_blocks` ("photo", "gallery", "embed") carrying the photo ids or the
resolved embed; an embed whose URL no provider in articles/embeds.py matches becomes a plain link, one without a
usable URL is dropped. `sync_body_photos` writes the photos the body shows as `BodyPhoto` rows, which pages prefetch
with credits and renditions; `render_blocks` turns the media blocks into reader HTML without a query of its own.
"""
import re
from html import escape
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from core.sanitize import sanitize_body
from photos.models import Photo

from . import embeds
from .blocks import split_blocks

SIZES = ("full", "inline", "left", "right")
DEFAULT_SIZE = "full"
MEDIA_KINDS = ("photo", "gallery", "embed")
# The CSS width each size is shown at, for srcset's `sizes` (static/css/site.css, "Media in the story body").
SIZES_ATTRIBUTE = {
    "full": "(min-width: 64rem) 42rem, 100vw",
    "inline": "(min-width: 48rem) 32rem, 100vw",
    "left": "(min-width: 48rem) 20rem, 100vw",
    "right": "(min-width: 48rem) 20rem, 100vw",
}
GALLERY_SIZES = "(min-width: 64rem) 42rem, 100vw"


class _FigureReader(HTMLParser):
    """The first tag's attributes and the text of its <figcaption>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] | None = None
        self.caption_parts: list[str] = []
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        if self.attrs is None:
            self.attrs = {name: value or "" for name, value in attrs}
        elif tag == "figcaption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.in_caption = False

    def handle_data(self, data):
        if self.in_caption:
            self.caption_parts.append(data)


def _read_figure(html: str) -> tuple[dict[str, str], str]:
    reader = _FigureReader()
    reader.feed(html)
    reader.close()
    return reader.attrs or {}, " ".join("".join(reader.caption_parts).split())


def _ids(value: str) -> list[int]:
    return list(dict.fromkeys(int(part) for part in value.split(",") if part.strip().isdigit()))


def _figure(attrs: dict[str, str], caption: str) -> str:
    inner = f"<figcaption>{escape(caption, quote=False)}</figcaption>" if caption else ""
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    return f"<figure{attributes}>{inner}</figure>"


def media_block(block: dict) -> dict | None:
    """The media block a top-level figure stands for; None when it is not a media reference.

    Returns a block with kind "link" (an embed no provider matches) or "drop" (nothing usable) for bad embeds.
    """
    if block.get("kind") != "figure" or "data-" not in block.get("html", ""):
        return None
    attrs, caption = _read_figure(block["html"])
    if "data-photo" in attrs:
        size = attrs.get("data-size") if attrs.get("data-size") in SIZES else DEFAULT_SIZE
        photo = int(attrs["data-photo"])
        html = _figure({"data-photo": str(photo), "data-size": size}, caption)
        return {"kind": "photo", "html": html, "photo": photo, "size": size, "caption": caption}
    if "data-gallery" in attrs:
        photos = _ids(attrs["data-gallery"])
        if not photos:
            return {"kind": "drop", "html": ""}
        html = _figure({"data-gallery": ",".join(map(str, photos))}, caption)
        return {"kind": "gallery", "html": html, "photos": photos, "caption": caption}
    if "data-embed" in attrs:
        url = attrs.get("data-url", "")
        embed = embeds.resolve(url)
        if embed is None:
            if not url:
                return {"kind": "drop", "html": ""}
            return {"kind": "link", "html": f'<p><a href="{escape(url)}" rel="noopener noreferrer">{escape(caption or url)}</a></p>'}
        html = _figure({"data-embed": embed.name, "data-url": embed.url}, caption)
        return {"kind": "embed", "html": html, "provider": embed.name, "url": embed.url, "caption": caption}
    return None


_NESTED_MEDIA = re.compile(r"<figure\b[^>]*\bdata-(?:photo|gallery|embed)=[^>]*>.*?</figure>", re.S)


def _lift_nested_media(blocks: list[dict]) -> list[dict]:
    """A media figure inside another block (a quote, a list item) moves out, to just after that block."""
    result = []
    for block in blocks:
        nested = _NESTED_MEDIA.findall(block["html"]) if block.get("kind") != "figure" else []
        if not nested:
            result.append(block)
            continue
        result.append({**block, "html": _NESTED_MEDIA.sub("", block["html"]), "lifted": True})
        result.extend({"kind": "figure", "html": figure, "lifted": True} for figure in nested)
    return result


def prepare(html: str) -> tuple[str, list[dict]]:
    """The (sanitized) body in its stored form, and its blocks with media read.

    The body is rewritten only when a media figure needed normalising (an embed's URL canonicalised, turned into a
    link or dropped; a photo given its default size), so saving an unchanged story leaves its body as it was.
    """
    blocks, changed = [], False
    for block in _lift_nested_media(split_blocks(html)):
        changed = changed or block.get("lifted", False)
        block.pop("lifted", None)
        media = media_block(block)
        if media is None:
            blocks.append(block)
            continue
        changed = changed or media["html"] != block["html"]
        if media["kind"] == "drop":
            continue
        if media["kind"] == "link":
            blocks.append({"kind": "p", "html": media["html"]})
        else:
            blocks.append(media)
    if changed:
        html = "".join(block["html"] for block in blocks)
    return html, blocks


def photo_ids(blocks: list[dict]) -> list[int]:
    """Every photo the body shows, in reading order, once."""
    ids: list[int] = []
    for block in blocks:
        if block.get("kind") == "photo":
            ids.append(block["photo"])
        elif block.get("kind") == "gallery":
            ids.extend(block["photos"])
    return list(dict.fromkeys(ids))


def check_photos(blocks: list[dict]) -> None:
    """A body may only reference photos in the library (a clear error; nothing is written)."""
    wanted = photo_ids(blocks)
    if not wanted:
        return
    found = set(Photo.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            f"The body places photo{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}, "
            "not in the photo library (deleted?). Remove or replace them.",
            code="missing_photo",
        )


def validate_body(html: str) -> None:
    """The story form's check (a model field validator): every photo the body places exists."""
    check_photos(prepare(sanitize_body(html))[1])


def sync_body_photos(article) -> None:
    """Write the photos the body shows as BodyPhoto rows (call after the story row is saved)."""
    from .models import BodyPhoto

    BodyPhoto.objects.filter(article=article).delete()
    BodyPhoto.objects.bulk_create(
        BodyPhoto(article=article, photo_id=pk, position=i) for i, pk in enumerate(photo_ids(article.body_blocks))
    )


# --- Reading -----------------------------------------------------------------------------------------------


def _figure_context(photo: Photo, caption: str = "") -> dict:
    return {"photo": photo, "caption": caption or photo.caption, "credit": photo.credit.picture_label}


def render_blocks(blocks: list[dict], photos: dict[int, Photo], *, first_eager: bool = False) -> list[dict]:
    """Blocks with each media block's html made for readers, from prefetched photos (no query of its own).

    `first_eager`: a story without a hero loads a picture in its first block at once (it is above the fold);
    every other body picture loads lazily. A reference to a photo that no longer exists renders nothing.
    """
    rendered = []
    for index, block in enumerate(blocks):
        kind = block.get("kind")
        if kind not in MEDIA_KINDS:
            rendered.append(block)
            continue
        html = ""
        if kind == "photo" and block["photo"] in photos:
            html = render_to_string("articles/body/photo.html", {
                **_figure_context(photos[block["photo"]], block.get("caption", "")),
                "size": block.get("size", DEFAULT_SIZE), "sizes": SIZES_ATTRIBUTE[block.get("size", DEFAULT_SIZE)],
                "eager": first_eager and index == 0,
            })
        elif kind == "gallery":
            items = [_figure_context(photos[pk]) for pk in block["photos"] if pk in photos]
            if items:
                html = render_to_string("articles/body/gallery.html", {
                    "items": items, "title": block.get("caption", ""), "gallery_id": f"gallery-{index}",
                    "sizes": GALLERY_SIZES, "eager": first_eager and index == 0,
                })
        elif kind == "embed":
            embed = embeds.resolve(block.get("url", ""))
            if embed is not None:
                html = render_to_string("articles/body/embed.html", {"embed": embed, "title": block.get("caption", "")})
        rendered.append({**block, "html": html})
    return rendered

