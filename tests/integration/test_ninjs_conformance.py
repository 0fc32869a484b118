"""Conformance with the IPTC ninjs suite, through the real ingest, and of our export with the 3.1 schema.

The IPTC files are read in place from ../shared/ninjs (a sibling of the repository) and never
copied here; on a fresh clone without it every test in this module skips, saying why.

* should_pass files and examples: every text story (type text, composite or absent, with a
  headline) is imported; anything else is rejected with a reason, and writes nothing.
* should_fail files (schema-invalid): each gets exactly one output line; an item is either
  rejected with a reason and leaves no row behind, or imported as a usable story.
* Our /story/<slug>.json validates against ninjs-schema_3.1.json (JSON Schema 2020-12). The schema
  references the external GeoJSON schema: a permissive local stand-in is registered instead of
  fetching it (no network), and "date-time"/"uri" formats are checked by small local checkers.

Remote pictures in the suite (http://hosted.ap.org/…) are never fetched: `articles.ingest.fetch`
is replaced by a stub that returns a small generated JPEG per URL, so the picture path runs too.
"""
from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from articles.models import Article, Revision
from articles.ninjs_parse import parse_item
from photos.models import Credit, Photo
from reporters.models import Reporter
from tests.factories import image_bytes, make_photo, make_reporter, publish_story

NINJS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "ninjs"
SCHEMA_PATH = NINJS_DIR / "ninjs-schema_3.1.json"
SKIP_REASON = "../shared/ninjs not present (fresh clone elsewhere): the IPTC ninjs suite is needed for conformance"
VERSIONS = ("1.6", "2.*", "3.*")
ACTIONS = ("created", "updated", "scheduled", "unchanged", "rejected")
GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"


def _files(*patterns: str) -> list[Path]:
    if not NINJS_DIR.is_dir():
        return []
    return sorted({path for pattern in patterns for path in NINJS_DIR.glob(pattern) if path.is_file()})


PASSING = _files(*(f"test_suite/{v}/should_pass/*.json" for v in VERSIONS), "examples/*/*.json")
FAILING = _files(*(f"test_suite/{v}/should_fail/*.json" for v in VERSIONS))


def _params(paths: list[Path]) -> list:
    if not paths:  # one placeholder, so the skip and its reason show in the report
        return [pytest.param(None, id="suite-absent")]
    return [pytest.param(path, id=str(path.relative_to(NINJS_DIR))) for path in paths]


def _require_suite(path: Path | None = None) -> None:
    if path is None or not NINJS_DIR.is_dir():
        pytest.skip(SKIP_REASON)


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_text_story(data: object) -> bool:
    """Independent of the parser: a text item (type text, composite or absent) with a headline."""
    if not isinstance(data, dict):
        return False
    kind = data.get("type")
    if kind is not None and not (isinstance(kind, str) and kind.strip().lower() in ("text", "composite", "")):
        return False
    headlines = data.get("headlines")
    plural = isinstance(headlines, list) and any(isinstance(h, dict) and _has_text(h.get("value")) for h in headlines)
    flat = any((key == "headline" or key.startswith("headline_")) and _has_text(v) for key, v in data.items())
    return plural or flat


@pytest.fixture(autouse=True)
def offline_pictures(monkeypatch):
    """No network: every remote picture is a small JPEG whose colour depends on its URL."""
    fetched: list[str] = []

    def fake_fetch(url: str) -> bytes:
        fetched.append(url)
        seed = zlib.crc32(url.encode())
        return image_bytes(64, 48, colour=(seed & 255, (seed >> 8) & 255, (seed >> 16) & 255))

    monkeypatch.setattr("articles.ingest.fetch", fake_fetch)
    return fetched


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Article, Revision, Reporter, Photo, Credit, Tag)
    }


def _ingest(path: Path):
    from articles.ingest import ingest_file

    return ingest_file(path, publish=True)


def _assert_usable(article: Article, client) -> None:
    assert article.headline.strip()
    assert article.bylines.count() >= 1
    assert article.section_id
    assert "<script" not in article.body.lower()
    assert article.revisions.exists()
    if article.state() == "published":
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert client.get(f"/story/{article.slug}.json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", _params(PASSING))
def test_should_pass_and_examples_import_every_text_story(path, client):
    _require_suite(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    before = _row_counts()
    result = _ingest(path)
    assert "\n" not in result.line and result.line.split(" ", 1)[0] in ACTIONS
    if not is_text_story(data):
        assert result.action == "rejected", result.line
        assert result.detail  # the reason
        assert _row_counts() == before, "a rejected item left rows behind"
        return
    assert result.action in ("created", "scheduled"), result.line
    article = Article.objects.get(wire_uri=data["uri"])
    assert article.headline == parse_item(data).headline[:250]
    _assert_usable(article, client)


@pytest.mark.django_db
@pytest.mark.parametrize("path", _params(FAILING))
def test_should_fail_items_are_rejected_cleanly_or_imported_usable(path, client):
    _require_suite(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    before = _row_counts()
    result = _ingest(path)
    action = result.line.split(" ", 1)[0]
    assert "\n" not in result.line and action in ACTIONS
    if action == "rejected":
        assert result.detail.strip(), "a rejection must say why"
        assert _row_counts() == before, "a rejected item left rows behind (half-imported)"
    else:
        _assert_usable(Article.objects.get(wire_uri=data["uri"]), client)


@pytest.mark.django_db
def test_the_command_prints_one_line_per_should_fail_file():
    if not FAILING:
        pytest.skip(SKIP_REASON)
    out = StringIO()
    try:
        call_command("ingest_ninjs", "--publish", *map(str, FAILING), stdout=out)
    except CommandError as exc:
        assert "rejected" in str(exc)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(FAILING)
    assert all(line.split(" ", 1)[0] in ACTIONS for line in lines)


ODD_ITEMS = {
    "overlong uri": ({"uri": "urn:x:" + "a" * 600, "headlines": [{"value": "Hi"}]}, "rejected"),
    "overlong headline and version": (
        {"uri": "urn:odd:long", "version": "9" * 80, "headlines": [{"role": "main", "value": "word " * 200}]}, "created"),
    "by is a number": ({"uri": "urn:odd:by", "by": 42, "headlines": [{"value": "Numbers"}]}, "created"),
    "subjects not a list": ({"uri": "urn:odd:subj", "subjects": "India", "headlines": [{"value": "Odd"}]}, "created"),
    "blank headline": ({"uri": "urn:odd:blank", "headlines": [{"value": "   "}]}, "rejected"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ODD_ITEMS)
def test_hand_made_invalid_items_never_crash_or_half_import(name, tmp_path, client):
    """Invalid in ways the suite does not cover (PostgreSQL enforces column lengths that SQLite does not)."""
    data, expected = ODD_ITEMS[name]
    path = tmp_path / "item.json"
    path.write_text(json.dumps(data))
    before = _row_counts()
    result = _ingest(path)
    assert result.action == expected, result.line
    if expected == "rejected":
        assert _row_counts() == before
    else:
        _assert_usable(Article.objects.get(wire_uri=data["uri"]), client)


def test_the_suite_has_text_stories_of_every_generation():
    """Guards the tests above against passing vacuously (a moved or emptied suite)."""
    if not NINJS_DIR.is_dir():
        pytest.skip(SKIP_REASON)
    stories = {path.relative_to(NINJS_DIR).parts[1] for path in PASSING if is_text_story(_load(path))}
    assert {"1.6", "2.2", "3.1"} <= stories, stories
    assert FAILING


def _load(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


# --- the export against the official 3.1 schema ---------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")


def ninjs_31_validator(*, formats: bool = True):
    """A Draft 2020-12 validator for the 3.1 schema, offline.

    With `formats`, "date-time" and "uri" are enforced too (stricter than the schema's default,
    where formats only annotate: IPTC's own examples use uris such as "renditions-example").
    """
    if not SCHEMA_PATH.is_file():
        pytest.skip(SKIP_REASON)
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    geojson_stand_in = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": GEOJSON_ID, "type": "object"}
    registry = Registry().with_resource(GEOJSON_ID, DRAFT202012.create_resource(geojson_stand_in))
    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        return True

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(_SCHEME.match(parts.scheme)) and not re.search(r"\s", value)

    cls = validator_for(schema)
    cls.check_schema(schema)
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    return cls(schema, registry=registry, format_checker=checker if formats else None)


def _errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]


def test_the_validator_is_not_vacuous():
    """The same validator accepts the suite's 3.1 should_pass files and rejects its 3.x should_fail ones."""
    validator = ninjs_31_validator(formats=False)
    for path in _files("test_suite/3.1/should_pass/*.json", "examples/3.1/*.json"):
        assert not _errors(validator, _load(path)), path.name
    failing = _files("test_suite/3.1/should_fail/*.json", "test_suite/3.0/should_fail/*_bad_toplevel.json")
    assert failing
    for path in failing:
        assert _errors(validator, _load(path)), f"{path.name} should not validate"
    strict = ninjs_31_validator()
    assert not _errors(strict, {"uri": "urn:x", "firstCreated": "2021-03-25T08:07:00+05:30"})
    assert _errors(strict, {"uri": "urn:x", "firstCreated": "yesterday"})  # formats are checked
    assert _errors(strict, {"uri": "no scheme"})


@pytest.mark.django_db
def test_export_validates_against_the_official_31_schema(client):
    validator = ninjs_31_validator()
    hero = make_photo(credit="PTI", alt="Crowd at the gate", caption="Fans outside the stadium", name="hero.jpg")
    inline = [make_photo(credit="AP", alt="A referee", caption="", name="ref.jpg"),
              make_photo(credit="self", alt="The trophy", caption="The cup, up close", name="cup.jpg")]
    story = publish_story(
        headline="Final goes to extra time", standfirst="A late equaliser in Kolkata.",
        body='<p>First <a href="https://example.com/">link</a>.</p><h2>Later</h2><p>Second.</p>',
        reporters=[make_reporter("Asha Rao"), make_reporter("Vikram Sethi"), make_reporter("Meera Nair")],
        tags=["Football", "Kolkata"], hero=hero, photos=inline, section_slug="sports",
    )
    plain = publish_story(headline="No pictures, no tags, no standfirst", reporters=[make_reporter("Desk")])
    for article in (story, plain):
        response = client.get(f"/story/{article.slug}.json")
        assert response.status_code == 200
        document = response.json()
        assert not _errors(validator, document), json.dumps(document, indent=1)
