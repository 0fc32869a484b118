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

_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

_EMPTY = re.compile(r"^\s*(<p>\s*(<br\s*/?>)?\s*</p>\s*)*$")


def sanitize_body(html: str) -> str:
    cleaned = _cleaner.clean(html or "").strip()
    return "" if _EMPTY.match(cleaned) else cleaned


def plain_text(html_text: str) -> str:
    """Text with every tag removed (for search, excerpts, diffs)."""
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(html_text or "", tags=set()))).strip()
