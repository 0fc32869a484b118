"""Pictures where the wire put them: ninjs bodies in, ninjs bodies out.

In (`place_pictures`, called by ingest on the raw wire body, before the sanitizer strips comments):

* Superdesk's markers, `<!-- EMBED START Image {id: "editor_0"} -->` … `<!-- EMBED END Image {id: "editor_0"} -->`,
  around a figure, where the id names one of the item's associations: the region becomes a reference to that
  picture (`<figure data-photo=…>`), keeping the figure's caption when it differs from the picture's own;
* a `<!-- EMBED START Gallery … -->` region (what our export writes for a gallery): its images that are association
  renditions become one gallery;
* a `<figure>` or a bare `<img>` whose `src` is one of the item's association renditions: a reference too.

Whatever else the markers wrap is kept for the sanitizer; associations the body does not reference stay with the
story as before (hero, then "Photos in the story").

Out (`export_body`): every placed photo and gallery becomes standard HTML any ninjs consumer shows — a figure with an
`<img>` of an association rendition and its caption, between Superdesk's markers naming the association — and embeds
keep their reference with a link, so a round trip between two Newsrooms puts everything back in place.
"""
import html as htmllib
import re
from dataclasses import dataclass

from .body_media import DEFAULT_SIZE, SIZES, prepare

_EMBED = re.compile(
    r'<!--\s*EMBED START\s+(?P<kind>\w+)\s*\{\s*id\s*:\s*"(?P<id>[^"]{1,200})"\s*\}\s*-->'
    r'(?P<inner>.*?)'
    r'<!--\s*EMBED END\s+(?P=kind)\s*\{\s*id\s*:\s*"(?P=id)"\s*\}\s*-->',
    re.S | re.I,
)
_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure\s*>", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_SIZE = re.compile(r"""\sdata-size\s*=\s*["']?(\w+)""", re.I)
_P_OPEN = re.compile(r"<p[\s>]", re.I)
_P_CLOSE = re.compile(r"</p\s*>", re.I)
_CAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.S | re.I)
_TAGS = re.compile(r"<[^>]*>")
PICTURE_KINDS = {"image", "picture", "photo"}
GALLERY_KINDS = {"gallery", "slideshow"}


@dataclass(frozen=True)
class WirePhoto:
    """One association of the item, stored: its name, every rendition href the item gave it, the photo row."""

    name: str
    hrefs: tuple[str, ...]
    photo: object


def _text(fragment: str) -> str:
    return " ".join(htmllib.unescape(_TAGS.sub(" ", fragment)).split())


def _srcs(fragment: str) -> list[str]:
    found = []
    for tag in _IMG.findall(fragment):
        match = _SRC.search(tag)
        if match:
            found.append(htmllib.unescape(next(group for group in match.groups() if group is not None)).strip())
    return found


def _last(pattern: re.Pattern, text: str) -> int:
    positions = [m.start() for m in pattern.finditer(text)]
    return positions[-1] if positions else -1


def _caption(fragment: str, own: str) -> str:
    match = _CAPTION.search(fragment)
    caption = _text(match.group(1)) if match else ""
    return "" if caption == (own or "").strip() else caption


def _figure(attrs: dict[str, str], caption: str) -> str:
    inner = f"<figcaption>{htmllib.escape(caption, quote=False)}</figcaption>" if caption else ""
    return "<figure" + "".join(f' {k}="{htmllib.escape(v)}"' for k, v in attrs.items()) + f">{inner}</figure>"


def _photo_reference(photo, fragment: str) -> str:
    size = _SIZE.search(fragment)
    size = size.group(1).lower() if size and size.group(1).lower() in SIZES else DEFAULT_SIZE
    return _figure({"data-photo": str(photo.pk), "data-size": size}, _caption(fragment, photo.caption))


def place_pictures(body: str, photos: list[WirePhoto]) -> tuple[str, set[int]]:
    """The wire body with its references to the item's pictures turned into ours, and the ids of the photos placed."""
    by_name = {wire.name.lower(): wire.photo for wire in photos if wire.name}
    by_href = {href: wire.photo for wire in photos for href in wire.hrefs if href}
    placed: set[int] = set()

    def place(photo, fragment):
        placed.add(photo.pk)
        return _photo_reference(photo, fragment)

    def embed(match):
        kind, name, inner = match.group("kind").lower(), match.group("id").lower(), match.group("inner")
        if kind in PICTURE_KINDS and name in by_name:
            return place(by_name[name], inner)
        if kind in GALLERY_KINDS:
            members = list(dict.fromkeys(by_href[src] for src in _srcs(inner) if src in by_href))
            if members:
                placed.update(photo.pk for photo in members)
                title = _caption(re.sub(r"<img\b[^>]*>", "", inner), "")
                return _figure({"data-gallery": ",".join(str(photo.pk) for photo in members)}, title)
        return inner

    def figure(match):
        srcs = [src for src in _srcs(match.group(0)) if src in by_href]
        return place(by_href[srcs[0]], match.group(0)) if len(srcs) == 1 else match.group(0)

    def image(match):
        srcs = [src for src in _srcs(match.group(0)) if src in by_href]
        if not srcs:
            return match.group(0)
        reference = place(by_href[srcs[0]], "")
        # A picture inside a paragraph ends it and the text after it starts another.
        before = match.string[:match.start()]
        opened, closed = _last(_P_OPEN, before), _last(_P_CLOSE, before)
        return f"</p>{reference}<p>" if opened > closed else reference

    body = _EMBED.sub(embed, body or "")
    body = _FIGURE.sub(lambda m: m.group(0) if "data-photo=" in m.group(0) or "data-gallery=" in m.group(0) else figure(m), body)
    # A picture inside a paragraph ends it: the sanitizer's HTML parser closes the <p> before the <figure>.
    body = _IMG.sub(image, body)
    return body, placed


# --- Out -------------------------------------------------------------------------------------------------------


def association_name(index: int) -> str:
    return f"editor_{index}"


def export_body(body: str, photos: dict, picture_src) -> tuple[str, list[tuple[str, object]]]:
    """The body for a ninjs export, and the (association name, photo) pairs it references, in reading order.

    `photos` maps ids to prefetched photos; `picture_src(photo)` is the absolute URL of the rendition the association
    lists first. A reference to a photo that no longer exists is left out.
    """
    _, blocks = prepare(body)
    parts, associations = [], []

    def marker(kind, name, inner):
        return f'<!-- EMBED START {kind} {{id: "{name}"}} -->{inner}<!-- EMBED END {kind} {{id: "{name}"}} -->'

    def img(photo):
        return f'<img src="{htmllib.escape(picture_src(photo))}" alt="{htmllib.escape(photo.alt_text)}">'

    for block in blocks:
        kind = block.get("kind")
        if kind == "photo":
            photo = photos.get(block["photo"])
            if photo is None:
                continue
            name = association_name(len(associations))
            associations.append((name, photo))
            caption = block.get("caption") or photo.caption
            inner = (f'<figure data-size="{block.get("size", DEFAULT_SIZE)}">{img(photo)}'
                     + (f"<figcaption>{htmllib.escape(caption, quote=False)}</figcaption>" if caption else "")
                     + "</figure>")
            parts.append(marker("Image", name, inner))
        elif kind == "gallery":
            members = [photos[pk] for pk in block["photos"] if pk in photos]
            if not members:
                continue
            name = association_name(len(associations))
            for n, photo in enumerate(members):
                associations.append((f"{name}_{n + 1}", photo))
            title = block.get("caption", "")
            inner = ("<figure>" + "".join(img(photo) for photo in members)
                     + (f"<figcaption>{htmllib.escape(title, quote=False)}</figcaption>" if title else "") + "</figure>")
            parts.append(marker("Gallery", name, inner))
        elif kind == "embed":
            from .embeds import resolve

            embed = resolve(block.get("url", ""))
            if embed is None:
                continue
            title = block.get("caption") or f"{'Video' if embed.provider.kind == 'video' else 'Post'} on {embed.provider.label}"
            parts.append(
                f'<figure data-embed="{embed.name}" data-url="{htmllib.escape(embed.url)}">'
                f'<figcaption><a href="{htmllib.escape(embed.url)}">{htmllib.escape(title, quote=False)}</a></figcaption></figure>'
            )
        else:
            parts.append(block["html"])
    return "".join(parts), associations
