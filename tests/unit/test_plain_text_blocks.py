"""Removing a body's tags keeps its blocks apart (revision diffs, search snippets, the compare page's full text)."""
from core.sanitize import plain_paragraphs, plain_text

BODY = "<p>It rained last week.</p><p>The harbour <b>closed</b>.</p><h2>Next</h2><ul><li>One</li><li>Two</li></ul>"


def test_plain_text_puts_a_space_between_blocks():
    assert plain_text(BODY) == "It rained last week. The harbour closed. Next One Two"
    assert plain_text("Line one<br>line two") == "Line one line two"


def test_plain_paragraphs_keeps_one_block_a_paragraph():
    assert plain_paragraphs(BODY) == "It rained last week.\n\nThe harbour closed.\n\nNext\n\nOne\n\nTwo"
    assert plain_paragraphs("") == ""
