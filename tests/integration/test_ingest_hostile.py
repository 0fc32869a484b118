"""A wire folder of good items and every kind of bad one, through `ingest_ninjs` (issue 12, point 3 and "done when").

The good ones import; each bad one is one `rejected <uri or file> <reason>` line and changes nothing (not even the
story it would update); the run goes on and exits non-zero. CI runs this on SQLite and on PostgreSQL.
"""
import shutil
import time

import pytest
from django.test import Client
from taggit.models import Tag

from articles.models import Article, Revision
from photos.models import Credit, Photo
from reporters.models import Reporter
from tests.hostile import FIXTURES, copy_wire_corpus, deep_json, long_string_json, oversize_json
from tests.integration.test_ingest_ninjs import run, story_v3, write

MODELS = (Article, Revision, Reporter, Photo, Credit, Tag)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def picture_story(uri, href, headline="A picture story"):
    return story_v3(uri=uri, headline=headline, associations=[
        {"name": "featureimage", "type": "picture", "copyrightHolder": "AP",
         "renditions": [{"name": "original", "href": href, "contentType": "image/jpeg"}]},
    ])


@pytest.fixture
def hostile_folder(tmp_path):
    folder = copy_wire_corpus(tmp_path / "wire")
    (folder / "bad-deep.json").write_text(deep_json(200_000))
    (folder / "bad-oversize.json").write_text(oversize_json(3 * 1024 * 1024))
    (folder / "bad-long-string.json").write_text(long_string_json(600_000))
    images = folder / "images"
    shutil.copytree(FIXTURES / "images", images)
    write(folder, "bad-bomb-header.json", picture_story("urn:hostile:bomb-header", "images/bomb-header.png"))
    write(folder, "bad-bomb.json", picture_story("urn:hostile:bomb", "images/bomb-144mp.png"))
    write(folder, "bad-bomb-gif-frame.json", picture_story("urn:hostile:gif-frame", "images/bomb-gif-frame.gif"))
    write(folder, "bad-bomb-webp.json", picture_story("urn:hostile:webp-canvas", "images/bomb-webp-canvas.webp"))
    write(folder, "bad-bomb-png-text.json", picture_story("urn:hostile:png-text", "images/bomb-png-text.png"))
    write(folder, "bad-svg.json", picture_story("urn:hostile:svg", "images/script.svg.jpg"))
    write(folder, "bad-html-picture.json", picture_story("urn:hostile:html", "images/page.png"))
    write(folder, "bad-truncated.json", picture_story("urn:hostile:truncated", "images/truncated.jpg"))
    write(folder, "good-polyglot.json", picture_story("urn:hostile:polyglot", "images/polyglot.jpg", "Polyglot"))
    write(folder, "good-ssrf.json", picture_story("urn:hostile:ssrf", "http://169.254.169.254/latest/meta-data/",
                                                  "Metadata service"))
    return folder


EXPECTED_REJECTIONS = {
    "urn:hostile:naive": "date without a time zone in embargoedUntil: '2026-12-01T10:00:00'",
    "bad-not-json.json": "not valid JSON: Expecting value: line 1 column 45 (char 44)",
    "bad-latin1.json": "not UTF-8 (byte ",
    "bad-array.json": "not a JSON object",
    "bad-no-uri.json": "no uri",
    "urn:hostile:traversal": "picture ../../../../../../etc/passwd: not inside the item's folder",
    "urn:hostile:file-url": "picture file:///etc/passwd: not inside the item's folder",
    "urn:hostile:" + "u" * 600: "uri longer than 500 characters",
    "bad-deep.json": "JSON nested deeper than 64 levels",
    "bad-oversize.json": "file larger than 2097152 bytes",
    "bad-long-string.json": "a text is longer than 500000 characters",
    # Over Pillow's own guard: still our limit for a PNG, and the size the header claims.
    "urn:hostile:bomb-header": "picture images/bomb-header.png: The picture is too large (200000×200000): at most "
                               "16 megapixels are accepted for a PNG.",
    "urn:hostile:bomb": "picture images/bomb-144mp.png: The picture is too large (12000×12000): at most 16 "
                        "megapixels are accepted for a PNG.",
    "urn:hostile:gif-frame": "picture images/bomb-gif-frame.gif: A frame of this GIF is too large (400 megapixels)",
    "urn:hostile:webp-canvas": "picture images/bomb-webp-canvas.webp: The picture is too large (268 megapixels): at "
                               "most 16 megapixels are accepted for a WEBP.",
    "urn:hostile:png-text": "picture images/bomb-png-text.png: The PNG's text metadata inflates to more than Pillow",
    "urn:hostile:svg": "picture images/script.svg.jpg: SVG and other text files are not accepted",
    "urn:hostile:html": "picture images/page.png: SVG and other text files are not accepted",
    "urn:hostile:truncated": "picture images/truncated.jpg: This is not a JPEG, PNG, WebP or GIF picture",
}
GOOD = ["urn:hostile:good-bom", "urn:hostile:good-control", "urn:hostile:good-plain", "urn:hostile:polyglot",
        "urn:hostile:ssrf"]


def _reject_key(line: str) -> str:
    uri = line.split(" ", 2)[1]
    return uri.rsplit("/", 1)[-1] if uri.endswith(".json") else uri


@pytest.mark.django_db
def test_good_items_import_and_each_bad_one_is_rejected_alone(hostile_folder):
    started = time.monotonic()
    lines, error = run("--publish", hostile_folder)
    elapsed = time.monotonic() - started
    assert error is not None and str(error) == f"{len(EXPECTED_REJECTIONS)} of {len(lines)} items rejected"
    rejected = {_reject_key(line): line for line in lines if line.startswith("rejected ")}
    assert set(rejected) == set(EXPECTED_REJECTIONS), lines
    for key, reason in EXPECTED_REJECTIONS.items():
        assert reason in rejected[key], rejected[key]
        assert "\n" not in rejected[key]
    assert sorted(Article.objects.values_list("wire_uri", flat=True)) == GOOD
    assert elapsed < 30

    story = Article.objects.get(wire_uri="urn:hostile:good-control")
    assert story.headline == "Flood warning for Chennai"
    assert story.standfirst == "Rain and[31m wind"
    assert "\x0b" not in story.body
    assert [r.name for r in story.ordered_reporters()] == ["Ravi Kumar"]
    assert sorted(story.tags.names()) == ["Weather"]
    ssrf = next(line for line in lines if "urn:hostile:ssrf" in line)
    assert ssrf.endswith("(picture http://169.254.169.254/latest/meta-data/ not fetched: address not allowed)")
    polyglot = Article.objects.get(wire_uri="urn:hostile:polyglot").hero_photo
    with polyglot.image.open("rb") as handle:
        assert b"<script" not in handle.read()

    # The whole site still renders what was imported, feeds included.
    client = Client()
    for url in [story.public_url.replace("http://testserver", ""), "/feeds/rss/", "/feeds/atom/", "/sitemap-news.xml"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_bad_newer_version_changes_nothing_in_the_story_it_would_update(tmp_path):
    write(tmp_path, "a.json", story_v3(uri="urn:hostile:keep", version="1", associations=[]))
    assert run("--publish", tmp_path)[1] is None
    before, story = counts(), Article.objects.get(wire_uri="urn:hostile:keep")
    (tmp_path / "a.json").unlink()
    write(tmp_path, "b.json", story_v3(uri="urn:hostile:keep", version="2", headline="Hijacked", associations=[
        {"name": "featureimage", "type": "picture",
         "renditions": [{"name": "o", "href": "../../../etc/passwd"}]}]))
    write(tmp_path, "c.json", story_v3(uri="urn:hostile:keep", version="3", headline="Naive",
                                       embargoedUntil="2030-01-01T10:00:00"))
    lines, error = run("--publish", tmp_path)
    assert [line.split(" ", 2)[0] for line in lines] == ["rejected", "rejected"] and error is not None
    assert counts() == before
    after = Article.objects.get(pk=story.pk)
    assert (after.headline, after.wire_version, after.edit_version) == (story.headline, "1", story.edit_version)


@pytest.mark.django_db
def test_an_unexpected_error_in_one_item_is_a_rejection_and_the_run_goes_on(tmp_path, monkeypatch):
    from articles import ingest

    real = ingest._section_and_tags

    def explode_once(item):
        if item.uri == "urn:boom":
            raise RuntimeError("simulated fault")
        return real(item)

    monkeypatch.setattr(ingest, "_section_and_tags", explode_once)
    write(tmp_path, "1.json", story_v3(uri="urn:boom", associations=[]))
    write(tmp_path, "2.json", story_v3(uri="urn:fine", headline="Fine", associations=[]))
    lines, error = run(tmp_path)
    assert lines[0] == "rejected urn:boom could not be imported (RuntimeError)"
    assert lines[1].startswith("created urn:fine ")
    assert str(error) == "1 of 2 items rejected"
    assert list(Article.objects.values_list("wire_uri", flat=True)) == ["urn:fine"]
