"""Unit tests for articles.ninjs_parse: self-contained fixtures, no database."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from articles.ninjs_parse import (
    WireItem,
    WireItemRejected,
    WirePicture,
    WireSubject,
    is_newer,
    parse_item,
    split_bylines,
    uri_forms,
)

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # hypothesis is a dev nicety, not in requirements.txt
    given = None


# --- fixtures: small hand-written items, one per ninjs generation ---------------------

NINJS3_STORY = {
    "uri": "urn:newsml:agency.example:20240301:story-1",
    "type": "text",
    "version": "3",
    "versionCreated": "2024-03-01T10:15:00+01:00",
    "firstCreated": "2024-03-01T00:00:00Z",
    "embargoedUntil": "2024-03-02T06:00:00Z",
    "language": "en",
    "by": "Paulo Santalucia and Frances d'Emilio",
    "headlines": [
        {"role": "sub", "value": "Court postpones hearing over lawyers' strike"},
        {"role": "main", "value": "Captain of wrecked ship goes on trial"},
    ],
    "descriptions": [{"role": "summary", "value": "A short summary."}],
    "bodies": [
        {"role": "main", "contentType": "text/plain", "value": "Plain version.\n\nSecond para."},
        {"role": "main", "contentType": "text/html", "value": "<p>Rich <b>version</b>.</p>"},
    ],
    "subjects": [
        {"name": "Justice", "uri": "http://cv.iptc.org/newscodes/mediatopic/02000000"},
        {"literal": "maritime"},
        {"rel": "about"},  # nothing usable: dropped
    ],
    "associations": [
        {
            "name": "featureimage",
            "uri": "urn:pic:1",
            "type": "picture",
            "copyrightHolder": "The Agency",
            "by": "Jane Photographer",
            "headlines": [{"value": "The wreck at dawn"}],
            "descriptions": [
                {"role": "alt", "value": "A cruise ship lying on its side"},
                {"role": "caption", "value": "The Costa Concordia off Giglio."},
            ],
            "renditions": [
                {"name": "thumbnail", "href": "https://img.example/t.jpg", "contentType": "image/jpeg",
                 "width": 200, "height": 133},
                {"name": "highres", "href": "https://img.example/h.jpg", "contentType": "image/jpeg",
                 "width": 1600, "height": 1066},
                {"name": "caption_nitf", "href": "https://img.example/c.xml", "contentType": "text/xml",
                 "width": 9999},
            ],
        },
        {"name": "clip", "uri": "urn:vid:1", "type": "video",
         "renditions": [{"name": "poster", "href": "https://img.example/p.jpg", "contentType": "image/jpeg"}]},
        {
            "name": "gallery1",
            "uri": "urn:pic:2",  # no type: recognised by its image rendition
            "by": "John Snapper",
            "headlines": [{"value": "Survivors gather"}],
            "renditions": [{"name": "web", "href": "https://img.example/g.png", "contentType": "image/png",
                            "width": "800"}],
        },
    ],
    "unknownField": {"ignored": True},
}

NINJS2_STORY = {
    "uri": "http://agency.example/2.x/story-2",
    "type": "text",
    "version": 7,  # wrong type on purpose: still read as a version
    "versioncreated": "2023-11-05T08:00:00Z",
    "firstcreated": "2023-11-05T07:30:00-05:00",
    "embargoed": "2023-11-06T00:00:00+00:00",
    "language": "it",
    "by": ["Ann Writer", "Bob Reporter"],  # wrong type on purpose: joined
    "headlines": [{"value": "Floods hit the north"}],
    "bodies": [{"role": "richtext", "value": "<p>Rivers rose overnight.</p>"}],
    "subjects": [{"name": "Weather", "uri": "http://cv.iptc.org/newscodes/mediatopic/17000000"}],
    "associations": [
        {
            "name": "photo",
            "uri": "urn:pic:3",
            "type": "picture",
            "copyrightholder": "Photo Agency",
            "descriptions": [{"role": "text", "contenttype": "text/plain", "value": "A flooded street."}],
            "renditions": [{"name": "main", "href": "https://img.example/flood.jpg",
                            "contenttype": "image/jpeg", "width": 1024, "height": 768}],
        }
    ],
}

NINJS1_STORY = {
    "uri": "http://agency.example/1.x/story-3",
    "type": "text",
    "versioncreated": "2013-07-09T10:37:00Z",
    "embargoed": "2013-07-10T00:00:00Z",
    "byline": "By Maria Rossi & Luca Bianchi",
    "headline": "Old-style story",
    "description_text": "An old-style summary.",
    "body_text": "Tom & Jerry <3 cheese.\n\nSecond\nparagraph here.",
    "subject": [{"name": "Italy", "scheme": "http://cvx.iptc.org/iso3166-1a2/", "code": "it"}],
    "associations": {
        "featureimage": {
            "uri": "urn:pic:4",
            "type": "picture",
            "byline": "Carlo Lens",
            "headline": "Old picture",
            "description_caption": "An old caption.",
            "renditions": {
                "small": {"href": "https://img.example/s.jpg", "mimetype": "image/jpeg", "width": 179, "height": 117},
                "main": {"href": "https://img.example/m.jpg", "mimetype": "image/jpeg", "width": 429, "height": 281},
            },
        }
    },
}


def story(base: dict, **changes: object) -> dict:
    """A deep copy of `base` with keys replaced (value None removes the key)."""
    item = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


def minimal(**changes: object) -> dict:
    return story({"uri": "urn:x", "headlines": [{"value": "Headline"}]}, **changes)


# --- the three generations -------------------------------------------------------------

def test_ninjs3_story() -> None:
    item = parse_item(NINJS3_STORY)
    assert isinstance(item, WireItem)
    assert item.uri == "urn:newsml:agency.example:20240301:story-1"
    assert item.item_type == "text"
    assert item.version == "3"
    assert item.version_created == datetime(2024, 3, 1, 9, 15, tzinfo=UTC)
    assert item.first_created == datetime(2024, 3, 1, tzinfo=UTC)
    assert item.embargoed_until == datetime(2024, 3, 2, 6, 0, tzinfo=UTC)
    assert item.headline == "Captain of wrecked ship goes on trial"  # role main, not the first
    assert item.standfirst == "Court postpones hearing over lawyers' strike"  # sub headline
    assert item.body_html == "<p>Rich <b>version</b>.</p>"
    assert item.bylines == ("Paulo Santalucia", "Frances d'Emilio")
    assert item.language == "en"
    assert item.subjects == (
        WireSubject("Justice", "http://cv.iptc.org/newscodes/mediatopic/02000000"),
        WireSubject("", "maritime"),
    )


def test_ninjs3_pictures() -> None:
    feature, gallery = parse_item(NINJS3_STORY).pictures  # the video is not a picture
    assert feature == WirePicture(
        name="featureimage",
        href="https://img.example/h.jpg",  # widest image rendition; the text/xml one is ignored
        alt_text="A cruise ship lying on its side",
        caption="The Costa Concordia off Giglio.",
        credit="The Agency",  # copyrightHolder beats by
        width=1600,
        height=1066,
        is_feature=True,
    )
    assert gallery.name == "gallery1"
    assert gallery.href == "https://img.example/g.png"
    assert gallery.width == 800 and gallery.height is None
    assert gallery.credit == "John Snapper"  # no copyrightHolder: by
    assert gallery.alt_text == gallery.caption == "Survivors gather"  # headline fallback
    assert gallery.is_feature is False


def test_ninjs2_story_lowercase_keys() -> None:
    item = parse_item(NINJS2_STORY)
    assert item.version == "7"
    assert item.version_created == datetime(2023, 11, 5, 8, 0, tzinfo=UTC)
    assert item.first_created == datetime(2023, 11, 5, 12, 30, tzinfo=UTC)
    assert item.embargoed_until == datetime(2023, 11, 6, tzinfo=UTC)
    assert item.headline == "Floods hit the north"
    assert item.standfirst == ""
    assert item.body_html == "<p>Rivers rose overnight.</p>"  # role richtext without contenttype
    assert item.bylines == ("Ann Writer", "Bob Reporter")
    assert item.language == "it"
    assert item.subjects == (WireSubject("Weather", "http://cv.iptc.org/newscodes/mediatopic/17000000"),)
    (photo,) = item.pictures
    assert (photo.name, photo.href, photo.width, photo.height) == ("photo", "https://img.example/flood.jpg", 1024, 768)
    assert (photo.caption, photo.alt_text, photo.credit) == ("A flooded street.", "", "Photo Agency")
    assert photo.is_feature is False


def test_ninjs1_story() -> None:
    item = parse_item(NINJS1_STORY)
    assert item.item_type == "text"
    assert item.version is None
    assert item.version_created == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    assert item.embargoed_until == datetime(2013, 7, 10, tzinfo=UTC)
    assert item.headline == "Old-style story"
    assert item.standfirst == "An old-style summary."
    assert item.body_html == "<p>Tom &amp; Jerry &lt;3 cheese.</p>\n<p>Second paragraph here.</p>"
    assert item.bylines == ("Maria Rossi", "Luca Bianchi")
    assert item.subjects == (WireSubject("Italy", "it"),)
    (picture,) = item.pictures
    assert picture == WirePicture(
        name="featureimage", href="https://img.example/m.jpg", alt_text="Old picture", caption="An old caption.",
        credit="Carlo Lens", width=429, height=281, is_feature=True,
    )


def test_ninjs1_html_body_and_headline_main() -> None:
    item = parse_item({"uri": "u", "headline_main": "Main one", "body_text": "plain", "body_html": "<p>html</p>"})
    assert item.headline == "Main one"
    assert item.body_html == "<p>html</p>"


def test_associations_keyed_by_name_in_2x_shape() -> None:
    # Some 2.x feeds still send associations as an object keyed by name.
    item = parse_item(minimal(associations={
        "featureimage": {"type": "image", "renditions": [{"name": "a", "href": "https://i/a.jpg"}]},
        "sidebar": {"type": "text", "headlines": [{"value": "Other story"}]},
    }))
    (picture,) = item.pictures
    assert picture.name == "featureimage" and picture.is_feature and picture.href == "https://i/a.jpg"


def test_picture_without_renditions_uses_own_href() -> None:
    item = parse_item(minimal(associations=[{"name": "p", "type": "picture", "href": "https://i/own.jpg"}]))
    assert item.pictures[0].href == "https://i/own.jpg"
    assert item.pictures[0].width is None


def test_picture_credit_falls_back_to_creditline_then_empty() -> None:
    pictures = parse_item(minimal(associations=[
        {"name": "a", "type": "picture", "descriptions": [{"role": "creditline", "value": "ASSOCIATED PRESS"}]},
        {"name": "b", "type": "picture"},
    ])).pictures
    assert [p.credit for p in pictures] == ["ASSOCIATED PRESS", ""]
    assert [p.caption for p in pictures] == ["", ""]  # a credit line is not a caption


def test_pictures_keep_document_order() -> None:
    associations = [{"name": name, "type": "picture"} for name in ("z", "featureimage", "a")]
    assert [p.name for p in parse_item(minimal(associations=associations)).pictures] == ["z", "featureimage", "a"]


# --- bylines ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("Paulo Santalucia and Frances d'Emilio", ["Paulo Santalucia", "Frances d'Emilio"]),
        ("A, B and C", ["A", "B", "C"]),
        ("A & B", ["A", "B"]),
        ("By Jane Doe", ["Jane Doe"]),
        ("BY Jane Doe AND John Roe", ["Jane Doe", "John Roe"]),
        ("Alexander Andersen", ["Alexander Andersen"]),  # "and" inside a name is not a separator
        ("  , ,& ", []),
        ("", []),
    ],
)
def test_split_bylines(by: str, expected: list[str]) -> None:
    assert split_bylines(by) == expected


def test_missing_by_gives_no_bylines() -> None:
    assert parse_item(minimal()).bylines == ()
    assert parse_item(minimal(by=42)).bylines == ()


# --- bodies -----------------------------------------------------------------------------

def test_richtext_preferred_even_when_listed_second() -> None:
    item = parse_item(minimal(bodies=[
        {"contentType": "text/plain", "value": "plain"},
        {"contentType": "application/xhtml+xml", "value": "<p>xhtml</p>"},
    ]))
    assert item.body_html == "<p>xhtml</p>"


def test_html_body_is_returned_unsanitized() -> None:
    body = '<p onclick="x()">hi</p><script>alert(1)</script>'
    assert parse_item(minimal(bodies=[{"contentType": "text/html", "value": body}])).body_html == body


def test_plain_text_split_on_blank_lines_and_escaped() -> None:
    text = "First <para>\nstill first & more.\r\n\r\n  \n\nSecond \"quoted\" para."
    item = parse_item(minimal(bodies=[{"contentType": "text/plain", "value": text}]))
    assert item.body_html == '<p>First &lt;para&gt; still first &amp; more.</p>\n<p>Second "quoted" para.</p>'


def test_plain_text_without_blank_lines_splits_on_newlines() -> None:
    item = parse_item(minimal(bodies=[{"contentType": "text/plain", "value": "One.\nTwo.\n\tThree."}]))
    assert item.body_html == "<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>"


def test_untyped_body_that_looks_like_markup_is_html() -> None:
    assert parse_item(minimal(bodies=[{"value": "<p>Hi</p>"}])).body_html == "<p>Hi</p>"
    assert parse_item(minimal(bodies=[{"value": "5 < 6"}])).body_html == "<p>5 &lt; 6</p>"


def test_no_body_is_empty_string() -> None:
    assert parse_item(minimal()).body_html == ""
    assert parse_item(minimal(bodies="not a list")).body_html == ""


# --- standfirst and headline details ----------------------------------------------------

def test_standfirst_from_summary_description_as_plain_text() -> None:
    item = parse_item(minimal(descriptions=[
        {"role": "summary", "contentType": "text/html", "value": "<p>Rich &amp; short</p>"},
    ]))
    assert item.standfirst == "Rich & short"


def test_headline_prefers_plain_over_markup_and_collapses_whitespace() -> None:
    item = parse_item(minimal(headlines=[
        {"role": "main", "contentType": "text/html", "value": "<h1>Big</h1>"},
        {"role": "main", "value": "  Big\n news  "},
    ]))
    assert item.headline == "Big news"


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01T12:00:00.250Z", datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)),
    ],
)
def test_dates_are_aware_utc(raw: str, expected: datetime) -> None:
    item = parse_item(minimal(versionCreated=raw, firstCreated=raw))
    assert item.version_created == item.first_created == expected
    assert item.version_created.utcoffset() == timedelta(0)


def test_empty_or_null_dates_mean_absent() -> None:
    item = parse_item({**minimal(), "versionCreated": "", "firstCreated": None})
    assert item.version_created is None and item.first_created is None and item.embargoed_until is None


# Embargoes may lie up to a year ahead of now (EMBARGO_HORIZON): these 2030 dates are read as of mid-2029.
BEFORE_2030 = datetime(2029, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("embargoedUntil", "3.x"), ("embargoed", "2.x/1.x"), ("embargoeduntil", "lowercased 3.x")],
)
def test_embargo_keys(key: str, expected: str) -> None:
    item = parse_item(minimal(**{key: "2030-01-01T09:00:00+01:00"}), now=BEFORE_2030)
    assert item.embargoed_until == datetime(2030, 1, 1, 8, tzinfo=UTC), expected


def test_embargoed_until_wins_over_embargoed() -> None:
    item = parse_item(minimal(embargoedUntil="2030-01-02T00:00:00Z", embargoed="2030-01-01T00:00:00Z"), now=BEFORE_2030)
    assert item.embargoed_until == datetime(2030, 1, 2, tzinfo=UTC)


# --- rejections -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "not a JSON object"),
        ("a string", "not a JSON object"),
        (None, "not a JSON object"),
        (42, "not a JSON object"),
        ({"headlines": [{"value": "H"}]}, "no uri"),
        (minimal(uri=""), "no uri"),
        (minimal(uri="   "), "no uri"),
        (minimal(uri=123), "no uri"),
        (minimal(type="picture"), "type picture is not a text story"),
        (minimal(type="event"), "type event is not a text story"),
        (minimal(type="planning"), "type planning is not a text story"),
        (minimal(type="video"), "type video is not a text story"),
        (minimal(type=5), "type 5 is not a text story"),
        (minimal(headlines=None), "no headline"),
        (minimal(headlines={"value": "not a list"}), "no headline"),
        (minimal(headlines=[{"value": "   "}, {"value": 3}, "x"]), "no headline"),
        (minimal(versionCreated="yesterday"), "unparseable date in versionCreated: 'yesterday'"),
        # No zone: never guessed (a "10:00" embargo read as UTC would go live at 15:30 IST).
        (minimal(embargoedUntil="2024-05-01T10:00:00"), "date without a time zone in embargoedUntil: '2024-05-01T10:00:00'"),
        (minimal(versionCreated="2024-05-01"), "date without a time zone in versionCreated: '2024-05-01'"),
        (minimal(firstCreated="2024"), "unparseable date in firstCreated: '2024'"),
        (minimal(embargoedUntil="2024-13-01T00:00:00Z"), "unparseable date in embargoedUntil: '2024-13-01T00:00:00Z'"),
        (minimal(embargoed="soon"), "unparseable date in embargoed: 'soon'"),
        (minimal(versioncreated=20240101), "unparseable date in versionCreated: 20240101"),
    ],
)
def test_rejections(data: object, reason: str) -> None:
    with pytest.raises(WireItemRejected) as excinfo:
        parse_item(data)
    assert excinfo.value.reason == reason
    assert str(excinfo.value) == reason


def test_rejection_reasons_stay_short() -> None:
    with pytest.raises(WireItemRejected) as excinfo:
        parse_item(minimal(versionCreated="x" * 500))
    assert len(excinfo.value.reason) < 80
    with pytest.raises(WireItemRejected) as excinfo:
        parse_item(minimal(type=10**5000))  # repr() of such an int raises ValueError
    assert excinfo.value.reason == "type <huge int> is not a text story"
    assert parse_item(minimal(version=10**5000)).version is None


def test_type_is_case_insensitive_and_defaults_to_text() -> None:
    assert parse_item(minimal(type="Text")).item_type == "text"
    assert parse_item(minimal()).item_type == "text"
    # Agencies deliver a story with its pictures as a composite: still a story.
    assert parse_item(minimal(type="composite")).item_type == "composite"


# --- tolerance of wrong types -----------------------------------------------------------

def test_wrong_types_are_tolerated() -> None:
    item = parse_item(minimal(
        language=["en"], subjects={"name": "x"}, associations="nope", descriptions=7, version=1.5,
    ))
    assert (item.language, item.subjects, item.pictures, item.standfirst, item.version) == ("", (), (), "", None)


WEIRD_VALUES = [None, 0, -1, 1.5, True, "", "x", [], [None], [1, "a"], {}, {"a": 1},
                [{"value": 3, "role": [], "name": {}, "href": 5, "width": "wide"}], {"k": [{}]}]
KNOWN_KEYS = ["uri", "type", "version", "versionCreated", "versioncreated", "firstCreated", "embargoedUntil",
              "embargoed", "headlines", "headline", "headline_main", "descriptions", "description_text", "bodies",
              "body_html", "body_text", "by", "byline", "language", "subjects", "subject", "associations",
              "pubStatus", "pubstatus"]


@pytest.mark.parametrize("key", KNOWN_KEYS)
def test_weird_values_never_raise_anything_but_rejection(key: str) -> None:
    for value in WEIRD_VALUES:
        for base in (NINJS3_STORY, NINJS2_STORY, NINJS1_STORY):
            try:
                parse_item({**base, key: value})
            except WireItemRejected:
                pass


@pytest.mark.parametrize("value", WEIRD_VALUES)
def test_weird_association_and_rendition_values(value: object) -> None:
    associations = [value, {"name": "p", "type": "picture", "renditions": value, "width": value},
                    {"name": "q", "renditions": [value, {"href": "h", "width": value, "height": value}]}]
    parse_item(minimal(associations=associations))
    parse_item(minimal(associations={"p": value, "q": {"renditions": {"r": value}}}))


def test_items_are_immutable() -> None:
    item = parse_item(NINJS3_STORY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.headline = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.pictures[0].href = "x"  # type: ignore[misc]
    assert isinstance(item.bylines, tuple) and isinstance(item.subjects, tuple)


# --- version comparison -----------------------------------------------------------------

def _item(version: object = None, version_created: str | None = None) -> WireItem:
    return parse_item(minimal(version=version, versionCreated=version_created))


T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("new_version", "old_version", "expected"),
    [("3", "2", True), ("2", "2", False), ("1", "2", False), ("10", "9", True), (11, "10", True)],
)
def test_is_newer_integer_versions(new_version: object, old_version: str, expected: bool) -> None:
    assert is_newer(_item(new_version), old_version, None) is expected


def test_integer_versions_beat_version_created() -> None:
    older_timestamp = "2020-01-01T00:00:00Z"
    assert is_newer(_item("3", older_timestamp), "2", T0) is True
    assert is_newer(_item("2", "2025-01-01T00:00:00Z"), "2", T0) is False  # equal version: not newer


def test_is_newer_falls_back_to_version_created() -> None:
    assert is_newer(_item("v2", "2024-01-01T12:00:01Z"), "v1", T0) is True
    assert is_newer(_item(None, "2024-01-01T12:00:00Z"), "7", T0) is False  # equal
    assert is_newer(_item(None, "2024-01-01T11:00:00Z"), None, T0) is False  # older
    assert is_newer(_item(None, "2024-01-01T13:00:00+02:00"), None, T0) is False  # 11:00 UTC
    naive_old = datetime(2024, 1, 1, 12)  # noqa: DTZ001 - a naive stored value is the case under test
    assert is_newer(_item(None, "2024-01-01T12:30:00Z"), None, naive_old) is True


def test_is_newer_when_nothing_comparable() -> None:
    assert is_newer(_item(), "2", T0) is False
    assert is_newer(_item("abc"), "2", None) is False
    assert is_newer(_item(), None, None) is True  # stored copy has no version info at all
    assert is_newer(_item("1"), "", None) is True
    assert is_newer(_item("1", "2024-01-01T00:00:00Z"), None, datetime(2024, 1, 1, tzinfo=timezone.utc)) is False


# --- fuzzing (small): any JSON value parses or is rejected, nothing else ----------------

if given is not None:
    _json = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=20,
    )
    _item_like = st.fixed_dictionaries(
        {"uri": st.text(max_size=5) | _json},
        optional={key: _json | st.sampled_from(["", "text", "2024-01-01", "<p>x</p>"]) for key in KNOWN_KEYS[1:]},
    )

    @settings(max_examples=150, deadline=None)
    @given(_json | _item_like)
    def test_fuzz_only_wire_item_rejected(data: object) -> None:
        try:
            item = parse_item(data)
        except WireItemRejected as exc:
            assert exc.reason
        else:
            assert item.uri and item.headline and item.item_type == "text"
else:  # pragma: no cover
    @pytest.mark.skip(reason="hypothesis not installed")
    def test_fuzz_only_wire_item_rejected() -> None:
        pass


# --- hostile wire values (issue 20 item 7) ------------------------------------------------

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        # "Updated 1 Jan 2099" on every page, and every later real version refused as older.
        ({"versionCreated": "2099-01-01T00:00:00Z"}, "date more than a day ahead in versionCreated: '2099-01-01T00:00:00Z'"),
        ({"firstCreated": "2026-12-09T01:00:01Z"}, "date more than a day ahead in firstCreated: '2026-12-09T01:00:01Z'"),
        ({"versionCreated": "0001-01-01T00:00:00Z"}, "date before 1990 in versionCreated: '0001-01-01T00:00:00Z'"),
        ({"firstCreated": "1989-12-31T23:59:59Z"}, "date before 1990 in firstCreated: '1989-12-31T23:59:59Z'"),
        ({"embargoedUntil": "2028-01-01T00:00:00Z"}, "date more than a year ahead in embargoedUntil: '2028-01-01T00:00:00Z'"),
        ({"embargoed": "1970-01-01T00:00:00Z"}, "date before 1990 in embargoed: '1970-01-01T00:00:00Z'"),
        # int() reads these as 11, 1000, 5 and -1; str.isdigit() says yes to the first.
        ({"version": "\u0661\u0661"}, "version '١١' is not written in ASCII digits 0-9"),
        ({"version": "1_000"}, "version '1_000' is not written in ASCII digits 0-9"),
        ({"version": "+5"}, "version '+5' is not written in ASCII digits 0-9"),
        ({"version": -1}, "version '-1' is not written in ASCII digits 0-9"),
        ({"version": "\uff11\uff12"}, "version '１２' is not written in ASCII digits 0-9"),  # fullwidth digits
        ({"pubStatus": "deleted"}, "pubStatus 'deleted' is not usable, withheld or canceled"),
    ],
)
def test_hostile_dates_versions_and_statuses_are_rejected_naming_the_field(changes, reason) -> None:
    with pytest.raises(WireItemRejected) as excinfo:
        parse_item(minimal(**changes), now=NOW)
    assert excinfo.value.reason == reason


def test_the_date_window_edges_are_accepted() -> None:
    item = parse_item(minimal(versionCreated="1990-01-01T00:00:00Z", firstCreated="2026-12-09T01:00:00Z",
                              embargoedUntil="2027-12-09T01:00:00Z"), now=NOW)
    assert item.version_created == datetime(1990, 1, 1, tzinfo=UTC)
    assert item.first_created == NOW + timedelta(days=1)
    assert item.embargoed_until == NOW + timedelta(days=366)
    assert parse_item(minimal(versionCreated=NOW.isoformat())).version_created == NOW  # default: the real clock


def test_plain_digit_versions_and_named_versions_still_parse() -> None:
    assert parse_item(minimal(version="0012")).version == "0012"
    assert parse_item(minimal(version=7)).version == "7"
    assert parse_item(minimal(version="v2")).version == "v2"  # not a number at all: compared by versionCreated
    # A stored version from before this rule compares as text, never as the number int() would read.
    assert is_newer(_item("12"), "\u0661\u0661", None) is False
    assert is_newer(_item("2"), "1_000", None) is False


def test_nfc_and_nfd_forms_of_a_uri_are_one_identity() -> None:
    nfc, nfd = "urn:agency:caf\u00e9-2026", "urn:agency:cafe\u0301-2026"
    assert nfc != nfd
    assert parse_item(minimal(uri=nfd)).uri == parse_item(minimal(uri=nfc)).uri == nfc
    assert set(uri_forms(nfc)) == set(uri_forms(nfd)) == {nfc, nfd}
    assert uri_forms("urn:ascii") == ("urn:ascii",)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"pubStatus": "canceled"}, "canceled"),  # 3.x
        ({"pubstatus": "withheld"}, "withheld"),  # 1.x and 2.x
        ({"pubStatus": "stat:canceled"}, "canceled"),  # NewsML-G2's qcode
        ({"pubStatus": "Usable"}, "usable"),
        ({}, "usable"),  # the default in every version
    ],
)
def test_pub_status_in_every_version(data, status) -> None:
    item = parse_item(minimal(**data))
    assert item.pub_status == status
    assert item.is_kill is (status != "usable")


def test_a_kill_needs_no_headline_but_a_usable_item_does() -> None:
    kill = parse_item({"uri": "urn:x", "version": "4", "pubStatus": "canceled"})
    assert kill.is_kill and kill.headline == ""
    with pytest.raises(WireItemRejected, match="no headline"):
        parse_item({"uri": "urn:x", "version": "4", "pubStatus": "usable"})
