"""Where inline advertisements go in a story body (blocks split at save time).

The rules, per inline slot (AdSlot.after_paragraph / repeat_every / min_paragraphs):

- the first ad follows paragraph N, then one follows every K paragraphs after that;
- a story with fewer than M paragraphs carries none;
- an ad only ever follows a paragraph, so it never sits between a subheading and the text it introduces;
- an ad never follows the last block (the end-of-article slot is there), and two ads always have real
  text between them: empty paragraphs (``<p></p>``, ``<p>&nbsp;</p>``, ``<p><br></p>``) count neither as
  paragraphs nor as separation;
- a story carries at most MAX_INLINE_ADS inline ads, whatever its length and K.

Pure functions of the blocks: a reader's request does not parse HTML beyond a cheap emptiness check.
"""
import re
from dataclasses import dataclass

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(r"<[^>]*>")
# The most inline ads one story carries. A long read (3,000 words, about 40 paragraphs) with the standard slot
# (after 2, every 4) gets 10, so no story an editor writes is cut short; a 10,000-paragraph wire item would get
# 2,500 otherwise: 2,500 ad requests and impression beacons from one page view, and a page no reader scrolls.
MAX_INLINE_ADS = 10
_BLANK = re.compile(r"(&nbsp;|&#160;|&#xa0;|\s|\u00a0)+", re.IGNORECASE)


@dataclass(frozen=True)
class InlineRules:
    after: int  # N: the first ad follows this paragraph
    every: int | None = None  # K: then every K paragraphs; None: once
    min_paragraphs: int = 0  # M: no ad in stories with fewer paragraphs

    @classmethod
    def coerce(cls, rules: "InlineRules | int | None") -> "InlineRules | None":
        if rules is None or isinstance(rules, InlineRules):
            return rules
        return cls(after=int(rules))  # the original call: after paragraph N, once


def is_empty(block: dict) -> bool:
    """A block with no visible text or media (an empty paragraph left by the editor)."""
    html = block.get("html", "")
    if "<img" in html or "<hr" in html:
        return False
    return not _BLANK.sub("", _TAG.sub("", html))


def inline_positions(blocks: list[dict], rules: "InlineRules | int | None") -> list[int]:
    """Indexes of the blocks an inline ad follows."""
    rules = InlineRules.coerce(rules)
    if rules is None or rules.after < 1:
        return []
    text = [not is_empty(block) for block in blocks]
    paragraphs = [i for i, block in enumerate(blocks) if block["kind"] == "p" and text[i]]
    if len(paragraphs) < max(rules.min_paragraphs, 1):
        return []
    last_content = max((i for i, has_text in enumerate(text) if has_text), default=-1)
    every = max(rules.every, 2) if rules.every else None

    positions: list[int] = []
    target = rules.after
    for count, index in enumerate(paragraphs, start=1):
        if count < target:
            continue
        if index >= last_content:
            break  # nothing (but empty paragraphs) would follow: never the last block
        # The paragraph at `index` has text and follows the previous ad, so two ads are never adjacent.
        positions.append(index)
        if every is None or len(positions) >= MAX_INLINE_ADS:
            break
        target = count + every
    return positions


def body_with_inline_ad(blocks: list[dict], rules: "InlineRules | int | None") -> list[dict]:
    """The blocks, each marked ``ad_after`` when the inline ad follows it.

    ``rules`` is the inline slot's InlineRules (``ads.services.inline_rules()``); a bare number N still means
    "after paragraph N, once".
    """
    positions = set(inline_positions(blocks, rules))
    return [{**block, "ad_after": index in positions} for index, block in enumerate(blocks)]
