"""What the live desk's text box takes: HTML (the story body's allowlist), or plain text with blank lines.

Plain text is what a reporter types in a hurry: blank lines separate paragraphs, a line starting with "## " is
a subheading, and a bare https:// address becomes a link. Anything that already has tags is taken as HTML.
Either way core.sanitize.sanitize_body has the last word (live.services).
"""
import html
import re

from core.sanitize import BODY_TAGS

_HAS_TAG = re.compile(r"</?\s*(" + "|".join(sorted(BODY_TAGS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# A story body's media reference (articles/body_media.py): entries do not render these yet.
_MEDIA_FIGURE = re.compile(r"<figure\b[^>]*\bdata-(?:photo|gallery|embed)=", re.IGNORECASE)
_URL = re.compile(r"(https?://[^\s<]+[^\s<.,;:!?)\]])")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)


def body_html(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or _HAS_TAG.search(text):
        return text
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if chunk.startswith("## "):
            blocks.append(f"<h3>{_inline(chunk[3:].strip())}</h3>")
        elif chunk:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in chunk.split("\n")) + "</p>")
    return "".join(blocks)


def has_media_figure(html_text: str) -> bool:
    return bool(_MEDIA_FIGURE.search(html_text or ""))
