#!/usr/bin/env python3
"""Validate the demo ninjs items.

Usage (from the repository root):

    .venv/bin/python demo/validate.py ../shared/ninjs/ninjs-schema_3.1.json [DIR]

DIR defaults to demo/ninjs next to this script.  Every DIR/*.json is checked
against the given JSON Schema (draft 2020-12, as used by ninjs 3.x), and every
rendition href in the item and its associations must be a relative path to a
file that exists (resolved against the JSON file's folder, staying inside DIR).
A few demo conventions are checked as well: UTC "Z" timestamps with
versionCreated >= firstCreated, no embargo, a section subject, and a
"featureimage" picture association.

Prints one line per file and exits non-zero if anything fails.  Needs the
``jsonschema`` package; no network access is made.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

try:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012 as _SPEC
except ImportError:  # pragma: no cover - friendly message for a missing dependency
    sys.exit("demo/validate.py needs jsonschema: .venv/bin/pip install jsonschema")

SECTIONS = {"India", "World", "Business", "Sports"}
# ninjs 3.x references the external GeoJSON schema for places[].geoJSON.  The
# demo never uses it, so it is stubbed with an accept-anything schema instead of
# being fetched over the network.
OFFLINE_STUBS = {"https://geojson.org/schema/GeoJSON.json": {}}


def _retrieve(uri: str) -> Resource:
    if uri.rstrip("#") in OFFLINE_STUBS:
        return Resource.from_contents(OFFLINE_STUBS[uri.rstrip("#")], default_specification=_SPEC)
    raise NoSuchResource(ref=uri)


def _parse_utc(value: str) -> datetime:
    if not value.endswith("Z"):
        raise ValueError(f"{value!r} is not a UTC 'Z' timestamp")
    return datetime.fromisoformat(value[:-1] + "+00:00")


def _renditions(item: dict):
    for rendition in item.get("renditions", []):
        yield item.get("name", "item"), rendition
    for assoc in item.get("associations", []):
        yield from _renditions(assoc)


def check_file(path: Path, root: Path, validator: Draft202012Validator) -> tuple[list[str], str]:
    problems: list[str] = []
    try:
        item = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"unreadable JSON: {exc}"], ""

    for error in sorted(validator.iter_errors(item), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problems.append(f"schema: {where}: {error.message[:200]}")

    # rendition files
    pictures = 0
    for owner, rendition in _renditions(item):
        href = rendition.get("href")
        if not href:
            problems.append(f"{owner}: rendition {rendition.get('name')!r} has no href")
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("/"):
            problems.append(f"{owner}: href {href!r} must be a relative path")
            continue
        target = (path.parent / href).resolve()
        if not target.is_relative_to(root.resolve()):
            problems.append(f"{owner}: href {href!r} points outside {root}")
        elif not target.is_file():
            problems.append(f"{owner}: missing file {href!r}")
        else:
            pictures += 1

    # demo conventions
    try:
        first = _parse_utc(item["firstCreated"])
        updated = _parse_utc(item["versionCreated"])
        if updated < first:
            problems.append("versionCreated is earlier than firstCreated")
    except KeyError as exc:
        problems.append(f"missing {exc.args[0]}")
    except (TypeError, ValueError) as exc:
        problems.append(f"bad timestamp: {exc}")
    if "embargoedUntil" in item:
        problems.append("embargoedUntil is set; demo items must all be live")
    sections = [s.get("name") for s in item.get("subjects", []) if s.get("name") in SECTIONS]
    if len(sections) != 1:
        problems.append(f"expected exactly one section subject out of {sorted(SECTIONS)}, found {sections}")
    if not any(a.get("name") == "featureimage" for a in item.get("associations", [])):
        problems.append("no 'featureimage' association")

    summary = f"{sections[0] if len(sections) == 1 else '?'}, {pictures} picture(s)"
    return problems, summary


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    schema_path = Path(argv[1])
    root = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent / "ninjs"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    registry = Registry(retrieve=_retrieve)
    validator = Draft202012Validator(schema, registry=registry)

    files = sorted(root.glob("*.json"))
    if not files:
        print(f"FAIL no *.json files in {root}")
        return 1
    failed = 0
    for path in files:
        problems, summary = check_file(path, root, validator)
        if problems:
            failed += 1
            print(f"FAIL {path.name}: " + "; ".join(problems))
        else:
            print(f"ok   {path.name} ({summary})")
    print(f"{len(files) - failed}/{len(files)} valid against {schema_path.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
