"""Run the parser over the IPTC ninjs examples and test suite, read in place from ../shared/ninjs.

The IPTC files are never copied into this repository: on a fresh clone (no sibling
shared/ directory) every test here skips.

* should_pass files and examples: a text story (type "text" or absent) with a headline
  must parse; everything else must parse or raise WireItemRejected.
* should_fail files (schema-invalid) must never raise anything but WireItemRejected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articles.ninjs_parse import WireItem, WireItemRejected, parse_item

NINJS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "ninjs"
SKIP_REASON = "../shared/ninjs not present (fresh clone): conformance needs the IPTC suite"


def _files(*patterns: str) -> list[Path]:
    if not NINJS_DIR.is_dir():
        return []
    return sorted(path for pattern in patterns for path in NINJS_DIR.glob(pattern) if path.is_file())


PASSING = _files("test_suite/*/should_pass/*.json", "examples/*/*.json")
FAILING = _files("test_suite/*/should_fail/*.json")


def _params(paths: list[Path]) -> list[object]:
    # One placeholder when the suite is absent, so the skip (and its reason) shows in the report.
    if not paths:
        return [pytest.param(None, id="suite-absent")]
    return [pytest.param(path, id=str(path.relative_to(NINJS_DIR))) for path in paths]


def _load(path: Path | None) -> object:
    if path is None:
        pytest.skip(SKIP_REASON)
    return json.loads(path.read_text(encoding="utf-8"))


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_text_story_with_headline(data: object) -> bool:
    """Independent of the parser: what the suite tells us must become a story."""
    if not isinstance(data, dict) or data.get("type", "text") != "text":
        return False
    headlines = data.get("headlines")
    plural = isinstance(headlines, list) and any(isinstance(h, dict) and _has_text(h.get("value")) for h in headlines)
    flat = any(  # 1.x: "headline" or "headline_<role>"
        (key == "headline" or key.startswith("headline_")) and _has_text(value) for key, value in data.items()
    )
    return plural or flat


@pytest.mark.parametrize("path", _params(PASSING))
def test_should_pass_and_examples(path: Path | None) -> None:
    data = _load(path)
    try:
        item = parse_item(data)
    except WireItemRejected as exc:
        assert not _is_text_story_with_headline(data), f"text story rejected: {exc.reason}"
        return
    assert isinstance(item, WireItem)
    assert item.uri and item.headline and item.item_type in ("text", "composite")


@pytest.mark.parametrize("path", _params(FAILING))
def test_should_fail_only_ever_rejects(path: Path | None) -> None:
    data = _load(path)
    try:
        parse_item(data)
    except WireItemRejected as exc:
        assert exc.reason


def test_suite_contains_text_stories_of_every_generation() -> None:
    """Guards the checks above against vacuously passing (e.g. a moved suite)."""
    if not NINJS_DIR.is_dir():
        pytest.skip(SKIP_REASON)
    parsed = {path.relative_to(NINJS_DIR).parts[1] for path in PASSING if _parses(path)}
    assert {"1.6", "2.2", "3.1"} <= parsed, parsed


def _parses(path: Path) -> bool:
    try:
        parse_item(json.loads(path.read_text(encoding="utf-8")))
    except WireItemRejected:
        return False
    return True
