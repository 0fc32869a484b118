"""Server-side HTML sanitizing for everything editors and wires supply.

An allowlist (nh3 / ammonia): only the structure a story body needs survives; scripts,
event handlers, styles and unknown schemes are dropped. Used by the article service on
every save, so admin edits and wire ingest share one rule.
"""
import html
import re

import nh3

BODY_TAGS = {
    "p", "h2", "h3", "h4", "a", "ul", "ol", "li", "blockquote", "strong", "em", "b", "i",
    "u", "s", "br", "hr", "sub", "sup", "code", "pre", "figure", "figcaption", "img",
}
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# --- Media placed in the body (articles/body_media.py) -----------------------------------------------
# A photo, a gallery or an embed is a <figure> carrying a reference, never the media itself:
#   <figure data-photo="123" data-size="full"><figcaption>caption for this story</figcaption></figure>
#   <figure data-gallery="12,13,14"><figcaption>gallery title</figcaption></figure>
#   <figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=…"><figcaption>title</figcaption></figure>
# Exactly these attributes survive, and only with values of these shapes; anything else on a figure is dropped.
MEDIA_ATTRIBUTE_VALUES = {
    "data-photo": re.compile(r"[1-9][0-9]{0,17}"),
    "data-size": re.compile(r"full|inline|left|right"),
    "data-gallery": re.compile(r"[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,99}"),
    "data-embed": re.compile(r"[a-z][a-z0-9-]{0,29}"),
    "data-url": re.compile(r"https?://[^\s\"'<>`]{1,2000}", re.IGNORECASE),
}
BODY_ATTRIBUTES["figure"] = set(MEDIA_ATTRIBUTE_VALUES)


def _media_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "figure" and attribute in MEDIA_ATTRIBUTE_VALUES:
        return value if MEDIA_ATTRIBUTE_VALUES[attribute].fullmatch(value) else None
    return value
# --- end of media ---------------------------------------------------------------------------------------

_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_media_attribute,
)

_EMPTY = re.compile(r"^\s*(<p>\s*(<br\s*/?>)?\s*</p>\s*)*$")


def sanitize_body(html: str) -> str:
    cleaned = _cleaner.clean(html or "").strip()
    return "" if _EMPTY.match(cleaned) else cleaned


# Where one block of a body ends and the next begins: removing the tags must not run "last week.</p><p>The" together.
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|blockquote|figure|figcaption|div|ul|ol|pre|tr|td|th|section)>|<br\s*/?>)", re.I)


def plain_text(html_text: str) -> str:
    """Text with every tag removed (for search, excerpts, diffs); blocks are kept apart by a space."""
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(_BLOCK_END.sub(r"\1 ", html_text or ""), tags=set()))).strip()


def plain_paragraphs(html_text: str) -> str:
    """Text with every tag removed, one block a paragraph (blank line between): to read a body as text."""
    marked = _BLOCK_END.sub(r"\1\n\n", html_text or "")
    text = html.unescape(nh3.clean(marked, tags=set()))
    blocks = (re.sub(r"[^\S\n]+", " ", block).strip() for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(block for block in blocks if block)


# --- pictures in a body come from us ---------------------------------------------------------------------------
# A remote <img> is a tracking pixel at best: every reader's visit is reported to another host (only the CSP
# stopped it). Editors get a form error (sanitize_editor_body, the story body field's sanitizer); wire bodies lose
# the picture with a note on the ingest line (articles/ingest.py calls drop_remote_images).
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def is_local_src(src: str) -> bool:
    """A site path ("/media/…", not "//host"), or an address under SITE_URL or an absolute MEDIA_URL."""
    from django.conf import settings

    src = (src or "").strip()
    if src.startswith("/") and not src.startswith("//") and "\\" not in src:
        return True
    bases = [settings.SITE_URL.rstrip("/") + "/"]
    if "://" in settings.MEDIA_URL:
        bases.append(settings.MEDIA_URL)
    return any(src.startswith(base) for base in bases)


def remote_image_sources(html_text: str) -> list[str]:
    """The src of every <img> the sanitizer would keep that points at another host, in document order."""
    found: list[str] = []

    def note(tag, attribute, value):
        if tag == "img" and attribute == "src" and not is_local_src(value):
            found.append(value)
        return value

    nh3.clean(html_text or "", tags=BODY_TAGS, attributes=BODY_ATTRIBUTES, url_schemes=URL_SCHEMES,
              attribute_filter=note)
    return found


def drop_remote_images(html_text: str) -> tuple[str, list[str]]:
    """`html_text` sanitized, without the <img>s pointing at other hosts; and their sources."""
    dropped: list[str] = []

    def keep_local(tag, attribute, value):
        if tag == "img" and attribute == "src" and not is_local_src(value):
            dropped.append(value)
            return None
        return value

    cleaned = nh3.clean(html_text or "", tags=BODY_TAGS, attributes=BODY_ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel="noopener noreferrer", strip_comments=True, attribute_filter=keep_local)
    return _IMG_WITHOUT_SRC.sub("", cleaned), dropped


def refuse_remote_images(html_text: str) -> None:
    """A validator: ValidationError naming the first remote <img>, for every form an editor types a body into."""
    remote = remote_image_sources(html_text)
    if remote:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            "Pictures in a story must come from the photo desk, not another site (%(src)s). Upload the picture "
            "under Photos, then insert it from there.", code="remote_image", params={"src": remote[0][:100]},
        )


def sanitize_editor_body(html_text: str) -> str:
    """The story body field's sanitizer: refuses a body with remote pictures (a form error), else sanitize_body."""
    refuse_remote_images(html_text)
    return sanitize_body(html_text)
