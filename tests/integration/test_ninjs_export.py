"""/story/<slug>.json: every live story as ninjs 3.1, and the round trip through our own ingest.

Round trip, in one test database: story A is exported to a temporary folder (the JSON and the
picture files its rendition hrefs point to), then A and everything only A used (photos, credits,
reporters, tags) is deleted, as if the folder arrived at a second Newsroom. `ingest_ninjs --publish`
reads it back. The rendition hrefs are absolute URLs of this site (http://testserver/media/…):
`articles.ingest.fetch` is replaced by a stub that serves each href from the exported folder, so
no network and no media server are involved, and the bytes really come from the export.
"""
import io
import json
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from taggit.models import Tag

from articles import services
from articles.models import Article
from photos.models import Credit, Photo
from reporters.models import Reporter
from tests.factories import (
    change_story,
    image_bytes,
    make_photo,
    make_reporter,
    make_story,
    publish_story,
    test_setup_writes,
)

PUBLISHED = datetime(2021, 3, 25, 2, 37, 12, tzinfo=dt_timezone.utc)  # 08:07:12 IST
UPDATED = datetime(2021, 3, 25, 6, 5, 41, tzinfo=dt_timezone.utc)  # 11:35:41 IST
BODY = (
    '<p>Opening with a <a href="https://example.com/report">link</a> and <strong>bold</strong> text.</p>'
    "<h2>What happened</h2><ul><li>One</li><li>Two &amp; three</li></ul>"
    "<blockquote><p>A quote.</p></blockquote><p>Closing paragraph.</p>"
)


def picture(name, credit, alt, caption, colour, size=(320, 180)) -> Photo:
    """A photo with pixels of its own (the ingest stores identical bytes once)."""
    return Photo.objects.create(
        image=SimpleUploadedFile(name, image_bytes(*size, colour=colour), content_type="image/jpeg"),
        alt_text=alt, caption=caption,
        credit=Credit.objects.filter(name=credit).first() or Credit.objects.create(name=credit),
    )


def export_url(article) -> str:
    return f"/story/{article.slug}.json"


@pytest.fixture
def story(db):
    hero = picture("hero.jpg", "PTI", "Fans at the gate", "Fans outside Eden Gardens", (200, 30, 30), (800, 600))
    first = picture("referee.jpg", "AP", "The referee", "", (30, 200, 30))
    second = picture("cup.jpg", "Staff/Kolkata", "The trophy", "The cup, up close", (30, 30, 200), (300, 400))
    article = make_story(
        headline="Final goes to extra time in Kolkata",
        standfirst="A late equaliser sent the final into extra time.",
        body=BODY,
        reporters=[make_reporter("Vikram Sethi"), make_reporter("Asha Rao"), make_reporter("Meera Nair")],
        tags=["Football", "Kolkata", "Cup final"],
        hero=hero,
        photos=[first, second],
        section_slug="sports",
    )
    article = services.publish(article, at=PUBLISHED, actor=services.COMMAND)
    with time_machine.travel(UPDATED + timedelta(minutes=5), tick=False):
        article.headline = "Final goes to extra time in Kolkata, crowd stays on"
        related = services.Related(article.ordered_reporters(), list(article.tags.names()), [first, second])
        services.save_story(article, related, updated_at=UPDATED, actor=services.COMMAND)
    return Article.objects.get(pk=article.pk)


# --- the document -----------------------------------------------------------------------------------


def test_live_story_is_ninjs_json(client, story):
    response = client.get(export_url(story))
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/json"
    doc = response.json()
    assert doc["uri"] == f"urn:newsroom:testserver:article:{story.pk}"
    assert doc["type"] == "text"
    assert doc["version"] == str(story.edit_version)
    assert doc["firstCreated"] == "2021-03-25T08:07:12+05:30"
    assert doc["versionCreated"] == "2021-03-25T11:35:41+05:30"
    assert doc["language"] == "en"
    assert doc["headlines"] == [
        {"role": "main", "contentType": "text/plain", "value": "Final goes to extra time in Kolkata, crowd stays on"},
        {"role": "summary", "contentType": "text/plain", "value": "A late equaliser sent the final into extra time."},
    ]
    assert doc["bodies"] == [{"role": "main", "contentType": "text/html", "value": story.body}]
    assert doc["by"] == "Vikram Sethi, Asha Rao and Meera Nair"
    assert doc["subjects"][0] == {"name": "Sports", "uri": "http://testserver/section/sports/"}
    assert {s["name"]: s["uri"] for s in doc["subjects"][1:]} == {
        "Cup final": "http://testserver/tag/cup-final/",
        "Football": "http://testserver/tag/football/",
        "Kolkata": "http://testserver/tag/kolkata/",
    }


def test_pictures_are_associations_with_credits_captions_alt_and_absolute_renditions(client, story):
    doc = client.get(export_url(story)).json()
    associations = doc["associations"]
    assert [a["name"] for a in associations] == ["featureimage", "picture1", "picture2"]
    assert [a["copyrightHolder"] for a in associations] == ["PTI", "AP", "Staff/Kolkata"]
    assert all(a["type"] == "picture" and a["uri"].startswith("urn:newsroom:testserver:photo:") for a in associations)
    hero = associations[0]
    assert {"role": "caption", "contentType": "text/plain", "value": "Fans outside Eden Gardens"} in hero["descriptions"]
    assert {"role": "alt", "contentType": "text/plain", "value": "Fans at the gate"} in hero["descriptions"]
    assert [d["role"] for d in associations[1]["descriptions"]] == ["alt"]  # no caption, no empty description
    for association in associations:
        assert association["renditions"][0]["name"] == "original"
        for rendition in association["renditions"]:
            assert rendition["href"].startswith("http://testserver/media/")
            assert rendition["contentType"].startswith("image/")
            # The declared size is the size of the file behind the href.
            path = urlsplit(rendition["href"]).path.removeprefix(settings.MEDIA_URL)
            with default_storage.open(path) as handle, Image.open(io.BytesIO(handle.read())) as image:
                assert image.size == (rendition["width"], rendition["height"])


def test_wire_stories_keep_the_wire_uri(client, story):
    change_story(story, wire_uri="urn:agency:2021:abc")
    assert client.get(export_url(story)).json()["uri"] == "urn:agency:2021:abc"


@pytest.mark.django_db
def test_only_live_stories_are_exported(client):
    now = datetime.now(dt_timezone.utc)
    draft = make_story(headline="Draft")
    scheduled = publish_story(headline="Scheduled", at=now + timedelta(hours=2))
    unpublished = services.unpublish(publish_story(headline="Pulled"), actor=services.COMMAND)
    expired = publish_story(headline="Expired")
    change_story(expired, expires_at=now - timedelta(minutes=1))
    for article in (draft, scheduled, unpublished, expired):
        assert client.get(export_url(article)).status_code == 404, article.headline
    assert client.get("/story/no-such-story.json").status_code == 404
    with time_machine.travel(now + timedelta(hours=2, seconds=1)):
        assert client.get(export_url(scheduled)).status_code == 200  # at its instant, with no worker


@pytest.mark.django_db
def test_query_count_does_not_grow_with_photos_tags_or_bylines(client):
    placed = make_photo(name="body.jpg")
    small = publish_story(
        headline="Small", hero=make_photo(name="s.jpg"), photos=[make_photo(name="t.jpg", credit="AP")], tags=["One"],
        body=f'<p>One.</p><figure data-photo="{placed.pk}"></figure>',
    )
    in_body = [make_photo(name=f"body{i}.jpg", credit=f"Body agency {i}") for i in range(4)]
    big = publish_story(
        headline="Big", hero=make_photo(name="b.jpg", credit="PTI"),
        photos=[make_photo(name=f"p{i}.jpg", credit=f"Agency {i}") for i in range(4)],
        tags=[f"Tag {i}" for i in range(6)],
        reporters=[make_reporter(f"Reporter {i}") for i in range(4)],
        body="<p>One.</p>" + "".join(f'<figure data-photo="{p.pk}"></figure>' for p in in_body[:2])
        + f'<figure data-gallery="{",".join(str(p.pk) for p in in_body)}"></figure>',
    )
    client.get(export_url(small))  # warm the shared caches (the live-blog index costs one query a minute, not per story)
    counts = []
    for article in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(article)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8  # 6, plus the photos placed in the body (with credits) and their renditions


def test_the_story_page_links_its_ninjs(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="alternate" type="application/json" href="http://testserver/story/{story.slug}.json"' in html


# --- round trip -------------------------------------------------------------------------------------


def export_to_folder(client, article, folder: Path) -> tuple[Path, dict[str, Path]]:
    """Write the story's JSON and every picture its renditions point to; return the JSON path and href → file."""
    document = client.get(export_url(article)).json()
    pictures = folder / "pictures"
    pictures.mkdir()
    files: dict[str, Path] = {}
    for association in document.get("associations", []):
        for rendition in association["renditions"]:
            path = urlsplit(rendition["href"]).path.removeprefix(settings.MEDIA_URL)
            target = pictures / path.replace("/", "_")
            with default_storage.open(path) as handle:
                target.write_bytes(handle.read())
            files[rendition["href"]] = target
    json_path = folder / f"{article.slug}.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return json_path, files


def forget_everything_about(article) -> None:
    """Remove A and all it alone used, so the ingest has to recreate every row (a second instance)."""
    photos = [article.hero_photo, *(use.photo for use in article.inline_photos.all())]
    reporters = article.ordered_reporters()
    services.trash(article, actor=services.COMMAND)
    services.purge(article, actor=services.COMMAND)
    for photo in photos:
        credit = photo.credit
        photo.delete()
        if not credit.photos.exists():
            credit.delete()
    for reporter in reporters:
        reporter.delete()
    with test_setup_writes():  # no story carries them any more: a second site, which never had them
        Tag.objects.all().delete()
    assert not Article.objects.exists() and not Photo.objects.exists()


def reader_view(article) -> dict:
    """Everything the round trip must reproduce."""
    def picture(photo):
        return {"caption": photo.caption, "alt": photo.alt_text, "credit": photo.credit.name,
                "size": (photo.width, photo.height)}

    return {
        "headline": article.headline,
        "standfirst": article.standfirst,
        "body": article.body,
        "bylines": [reporter.name for reporter in article.ordered_reporters()],
        "section": article.section.slug,
        "tags": sorted(article.tags.names()),
        "published_at": article.published_at.replace(microsecond=0),
        "updated_at": article.updated_at.replace(microsecond=0),
        "hero": picture(article.hero_photo),
        "photos": [picture(use.photo) for use in article.inline_photos.all()],
        "state": article.state(),
    }


def test_round_trip_through_our_own_ingest(client, story, tmp_path, monkeypatch):
    before = reader_view(story)
    document = client.get(export_url(story)).json()
    json_path, files = export_to_folder(client, story, tmp_path)
    forget_everything_about(story)

    fetched = []

    def fetch_from_export(url: str) -> bytes:
        fetched.append(url)
        return files[url].read_bytes()

    monkeypatch.setattr("articles.ingest.fetch", fetch_from_export)
    out = StringIO()
    call_command("ingest_ninjs", "--publish", str(json_path), stdout=out)
    again = Article.objects.get(wire_uri=document["uri"])
    assert out.getvalue().strip() == f"created {document['uri']} {again.public_url}"
    assert len(fetched) == 3  # one (the widest) rendition per picture

    assert reader_view(again) == before
    assert set(Credit.objects.values_list("name", flat=True)) >= {"PTI", "AP", "Staff/Kolkata"}
    assert Reporter.objects.count() == 3

    # Exported again, the copy says the same things (its own photo keys and version apart).
    copy = client.get(export_url(again)).json()
    for key in ("uri", "type", "language", "headlines", "bodies", "by", "subjects", "firstCreated", "versionCreated"):
        assert copy[key] == document[key], key
    assert [(a["name"], a["copyrightHolder"], a.get("descriptions")) for a in copy["associations"]] == [
        (a["name"], a["copyrightHolder"], a.get("descriptions")) for a in document["associations"]
    ]

    # Ingesting the same export again changes nothing.
    out = StringIO()
    call_command("ingest_ninjs", "--publish", str(json_path), stdout=out)
    assert out.getvalue().startswith("unchanged ")


@pytest.mark.django_db
def test_ingest_takes_the_section_from_a_newsroom_section_uri(tmp_path):
    """Another Newsroom's export names its section by URI; the name may differ here, the slug decides."""
    item = {
        "uri": "urn:newsroom:elsewhere.example:article:7", "type": "text", "version": "3",
        "firstCreated": "2021-03-25T08:07:00+05:30", "versionCreated": "2021-03-25T09:00:00+05:30",
        "headlines": [{"role": "main", "value": "Rupee steadies"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Text.</p>"}],
        "by": "Desk",
        "subjects": [
            {"name": "India", "uri": "https://elsewhere.example/tag/india/"},  # a tag that is also a section name
            {"name": "Commerce", "uri": "https://elsewhere.example/section/business/"},
            {"name": "Markets", "uri": "https://elsewhere.example/tag/markets/"},
        ],
    }
    (tmp_path / "item.json").write_text(json.dumps(item))
    call_command("ingest_ninjs", "--publish", str(tmp_path / "item.json"), stdout=StringIO())
    article = Article.objects.get(wire_uri=item["uri"])
    assert article.section.slug == "business"
    assert sorted(article.tags.names()) == ["India", "Markets"]
    assert article.published_at.isoformat() == "2021-03-25T02:37:00+00:00"
