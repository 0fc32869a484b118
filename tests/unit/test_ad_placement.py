"""Inline ad placement in story bodies: after paragraph N, then every K, none below M paragraphs, never after a
subheading, never at the end, never two ads without text between them."""
import pytest

from ads.placement import InlineRules, body_with_inline_ad, inline_positions, is_empty

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # hypothesis is a dev nicety, not in requirements.txt
    given = None

HEADINGS = {"h2", "h3", "h4"}


def body(spec: str) -> list[dict]:
    """'p p h2 p e ul' → blocks; 'e' is an empty paragraph as the editor leaves them."""
    blocks = []
    for n, kind in enumerate(spec.split(), start=1):
        if kind == "e":
            blocks.append({"kind": "p", "html": "<p>&nbsp;</p>"})
        elif kind == "ul":
            blocks.append({"kind": "ul", "html": f"<ul><li>Item {n}</li></ul>"})
        else:
            blocks.append({"kind": kind, "html": f"<{kind}>Block {n}</{kind}>"})
    return blocks


def ads_after(spec: str, rules) -> list[str]:
    """The body as a string with 'AD' where the inline ad goes."""
    out = []
    for block in body_with_inline_ad(body(spec), rules):
        out.append(block["kind"] if block["html"] != "<p>&nbsp;</p>" else "e")
        if block["ad_after"]:
            out.append("AD")
    return " ".join(out)


STANDARD = InlineRules(after=2, every=4, min_paragraphs=4)


def test_short_story_carries_no_inline_ad():
    assert ads_after("p p p", STANDARD) == "p p p"
    assert ads_after("p h2 p e e p", STANDARD) == "p h2 p e e p"  # empty paragraphs do not make it longer


def test_story_of_exactly_m_paragraphs_gets_one_after_paragraph_n():
    assert ads_after("p p p p", STANDARD) == "p p AD p p"


def test_long_story_repeats_every_k_paragraphs_and_never_ends_with_an_ad():
    assert ads_after(" ".join(["p"] * 12), STANDARD) == "p p AD p p p p AD p p p p AD p p"
    # Paragraph 10 is the last block: no ad there (the end-of-article slot follows the body).
    assert ads_after(" ".join(["p"] * 10), STANDARD) == "p p AD p p p p AD p p p p"


def test_an_ad_never_sits_between_a_subheading_and_its_paragraph():
    # The seed story: the ad follows paragraph two, before the subheading, not after it.
    assert ads_after("p p h2 p p", STANDARD) == "p p AD h2 p p"
    # Headings are not paragraphs: counting skips them, the ad still follows text.
    assert ads_after("p h2 p h3 p p p h2 p p", STANDARD) == "p h2 p AD h3 p p p h2 p AD p"
    marked = body_with_inline_ad(body("h2 p h2 p h2 p h2 p h2 p h2 p"), InlineRules(after=1, every=2, min_paragraphs=1))
    for index, block in enumerate(marked):
        if block["ad_after"]:
            assert block["kind"] == "p" and marked[index + 1]["kind"] == "h2"


def test_two_ads_never_adjacent_and_repeat_is_at_least_two_paragraphs():
    assert ads_after("p p p p p p", InlineRules(after=1, every=1)) == "p AD p p AD p p AD p"
    # An empty paragraph is not separation: the ad goes after the next real paragraph, and never just before
    # trailing empty paragraphs at the end of the body.
    assert ads_after("p e e p p e", InlineRules(after=1, every=2)) == "p AD e e p p e"
    assert ads_after("p p e e", InlineRules(after=2)) == "p p e e"


def test_lists_and_pictures_are_not_paragraphs_but_are_content():
    assert ads_after("p ul p ul p p", InlineRules(after=2, every=2, min_paragraphs=2)) == "p ul p AD ul p p"
    assert not is_empty({"kind": "p", "html": '<p><img src="/media/x.jpg" alt=""></p>'})
    assert is_empty({"kind": "p", "html": "<p><br></p>"})


def test_a_bare_number_still_means_after_paragraph_n_once():
    assert ads_after("p p p p p p p p", 2) == "p p AD p p p p p p"
    assert ads_after("p p", 2) == "p p"
    assert ads_after("p p p", None) == "p p p"


if given is not None:
    KINDS = st.sampled_from(["p", "p", "p", "p", "e", "h2", "h3", "ul"])

    @settings(max_examples=300, deadline=None)
    @given(
        spec=st.lists(KINDS, max_size=40).map(" ".join),
        after=st.integers(1, 6),
        every=st.one_of(st.none(), st.integers(1, 6)),
        minimum=st.integers(0, 8),
    )
    def test_rules_hold_for_any_body(spec, after, every, minimum):
        blocks = body(spec)
        rules = InlineRules(after=after, every=every, min_paragraphs=minimum)
        positions = inline_positions(blocks, rules)
        texts = [not is_empty(b) for b in blocks]
        paragraphs = [i for i, b in enumerate(blocks) if b["kind"] == "p" and texts[i]]
        if len(paragraphs) < minimum:
            assert positions == []
        for position in positions:
            assert blocks[position]["kind"] == "p" and texts[position]  # never after a heading or an empty block
            assert any(texts[position + 1:])  # real content follows: never at the end
        for earlier, later in zip(positions, positions[1:]):
            between = [i for i in paragraphs if earlier < i <= later]
            assert len(between) >= 2 and len(between) == max(every or 0, 2)  # every K (at least 2) paragraphs
        if positions:
            assert paragraphs.index(positions[0]) + 1 == after  # the first follows paragraph N
        elif len(paragraphs) >= max(minimum, 1) and after <= len(paragraphs):
            # Nothing placed although paragraph N exists: only because nothing but empty blocks followed it.
            assert not any(texts[paragraphs[after - 1] + 1:])
else:  # pragma: no cover
    @pytest.mark.skip(reason="hypothesis not installed")
    def test_rules_hold_for_any_body():
        pass


def test_a_story_carries_at_most_max_inline_ads_however_long():
    from ads.placement import MAX_INLINE_ADS

    rules = InlineRules(after=2, every=4, min_paragraphs=4)
    huge = body(" ".join(["p"] * 10_000))  # a hostile wire item: 2,500 slots without the cap
    positions = inline_positions(huge, rules)
    assert len(positions) == MAX_INLINE_ADS == 10
    assert positions == [1 + 4 * n for n in range(10)]  # the first ten places, the rules unchanged
    assert sum(block["ad_after"] for block in body_with_inline_ad(huge, rules)) == MAX_INLINE_ADS
    # A long read an editor writes (40 paragraphs) keeps every ad the rules give it.
    assert len(inline_positions(body(" ".join(["p"] * 40)), rules)) == 10
    assert len(inline_positions(body(" ".join(["p"] * 40)), InlineRules(after=1, every=2))) == MAX_INLINE_ADS
