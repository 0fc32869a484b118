"""core.text.clean_text: what is removed from every text a reader sees, and what is deliberately kept."""
import pytest

from core.text import clean_text, has_unwanted


@pytest.mark.parametrize("char", [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # LRE, RLE, PDF, LRO, RLO
    "\u2066", "\u2067", "\u2068", "\u2069",  # LRI, RLI, FSI, PDI
    "\x00", "\x0b", "\x1b", "\x7f", "\x85", "\ufffe",
])
def test_overrides_isolates_and_controls_are_removed(char):
    assert clean_text(f"Mon{char}soon") == "Monsoon"
    assert has_unwanted(f"x{char}")


def test_a_right_to_left_override_cannot_reverse_a_headline():
    # Shown as "Minister resigns: txet naidni" with the override in place.
    assert clean_text("Minister resigns: \u202eindian text") == "Minister resigns: indian text"


@pytest.mark.parametrize("text", [
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u200fHTML 5\u200f.",  # RLM places the number and stop in Arabic
    "Tel Aviv (\u05ea\u05dc \u05d0\u05d1\u05d9\u05d1\u200e)",  # LRM after a Hebrew name in an English line
    "\u0627\u0631\u062f\u0648\u061c 2024",  # ALM (Arabic letter mark)
    "Tab\tnewline\ncarriage\r return",
])
def test_marks_and_ordinary_whitespace_are_kept(text):
    assert clean_text(text) == text
    assert not has_unwanted(text)
