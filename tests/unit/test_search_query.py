"""Reducing whatever a reader types to plain terms, and highlighting safely. No database."""
from hypothesis import given, settings
from hypothesis import strategies as st

from search.query import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    MAX_TERM_CHARS,
    MAX_TERMS,
    display_query,
    fts5_query,
    highlight_html,
    search_terms,
)

S, E = HIGHLIGHT_START, HIGHLIGHT_END


def test_plain_words_become_lower_case_terms_once_each():
    assert search_terms("Monsoon reaches KERALA, monsoon") == ["monsoon", "reaches", "kerala"]


def test_operators_quotes_and_punctuation_are_only_separators():
    assert search_terms('"monsoon" AND (kerala OR NEAR(x y)) NOT rain* ^start col:term -minus +plus') == [
        "monsoon", "and", "kerala", "or", "near", "x", "y", "not", "rain", "start", "col",
    ][:MAX_TERMS]
    assert search_terms("'; DROP TABLE articles_article; --") == ["drop", "table", "articles", "article"]
    assert search_terms('((((') == [] and search_terms('"') == [] and search_terms("*^:-") == []


def test_nothing_useful_gives_no_terms():
    for raw in ("", "   ", "\x00", "🙂🎉", "\ue000\ue001", None, 42, ["list"]):
        assert search_terms(raw) == []


def test_nul_bytes_and_emoji_split_words():
    assert search_terms("rain\x00fall🙂flood") == ["rain", "fall", "flood"]


def test_non_latin_scripts_keep_their_combining_marks():
    assert search_terms("हिन्दी समाचार") == ["हिन्दी", "समाचार"]
    assert search_terms("café naïve") == ["café", "naïve"]


def test_long_input_is_bounded():
    assert len(search_terms("word " * 10_000)) == 1
    terms = search_terms(" ".join(f"w{i}" for i in range(100)))
    assert len(terms) == MAX_TERMS
    assert search_terms("x" * 10_000) == ["x" * MAX_TERM_CHARS]


def test_fts5_query_quotes_every_term():
    assert fts5_query(["monsoon", "and", "near"]) == '"monsoon" "and" "near"'


def test_highlight_escapes_then_marks():
    assert highlight_html(f"{S}Monsoon{E} <script>alert(1)</script> & {S}rain{E}") == (
        "<mark>Monsoon</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>rain</mark>"
    )
    assert highlight_html(None) == ""


def test_unbalanced_markers_never_leave_markup_open():
    assert highlight_html(f"{S}open only") == "open only"
    assert highlight_html(f"close{E} only {S}{S}x{E}") == "close only <mark>x</mark>"


def test_display_query_is_printable_and_bounded():
    assert display_query("  rain\x00\n in   Delhi ") == "rain in Delhi"
    assert len(display_query("x" * 10_000)) <= 500
    assert display_query(None) == ""


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_gives_safe_terms(raw):
    terms = search_terms(raw)
    assert len(terms) <= MAX_TERMS
    for term in terms:
        assert term and len(term) <= MAX_TERM_CHARS
        assert not set(term) & set('"\'()*^:\x00 -+') and S not in term and E not in term
    query = fts5_query(terms)
    assert query.count('"') == 2 * len(terms)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_highlight_never_emits_markup_from_the_text(raw):
    html = str(highlight_html(raw))
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
    assert html.count("<mark>") == html.count("</mark>")
