"""What the live desk's text box takes: HTML (the story body's allowlist), or plain text with blank lines.

The desk's editor (the story body's, see live.forms) sends HTML. Plain text is what a reporter types without it
(no JavaScript): blank lines separate paragraphs, a paragraph starting with "## " is a subheading (an h2, as the
editor's own "## " shortcut makes), a paragraph that is only the address of something articles/embeds.py can embed
(a YouTube video, a post) becomes the story body's embed figure, and any other bare https:// address becomes a
link. Anything that already has tags is taken as HTML, story-body media figures included
(`<figure data-photo="12">`). Either way core.sanitize.sanitize_body and articles.body_media.prepare have the
last word (live.services).
"""
import html
import re

from articles import embeds
from core.sanitize import BODY_TAGS

_HAS_TAG = re.compile(r"</?\s*(" + "|".join(sorted(BODY_TAGS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
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
        embed = embeds.resolve(chunk) if chunk and not chunk.startswith("## ") and "\n" not in chunk else None
        if embed is not None:
            blocks.append(f'<figure data-embed="{embed.name}" data-url="{html.escape(embed.url)}"></figure>')
        elif chunk.startswith("## "):
            blocks.append(f"<h2>{_inline(chunk[3:].strip())}</h2>")
        elif chunk:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in chunk.split("\n")) + "</p>")
    return "".join(blocks)
