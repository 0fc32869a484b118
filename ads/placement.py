"""Where inline advertisements go in a story body (blocks split at save time)."""


def body_with_inline_ad(blocks: list[dict], after_paragraph: int | None) -> list[dict]:
    """Mark the block after which the inline ad goes: after paragraph N, never as the last block."""
    marked, paragraphs, placed = [], 0, False
    for index, block in enumerate(blocks):
        paragraphs += block["kind"] == "p"
        ad_after = (
            not placed
            and after_paragraph is not None
            and block["kind"] == "p"
            and paragraphs == after_paragraph
            and index < len(blocks) - 1
        )
        placed = placed or ad_after
        marked.append({**block, "ad_after": ad_after})
    return marked
