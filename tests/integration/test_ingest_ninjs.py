"""`ingest_ninjs`: good, bad and repeated documents, through the real command."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from photos.models import Photo
from reporters.models import Reporter


def story_v3(uri="urn:test:1", version="1", headline="Monsoon reaches Kerala", **extra):
    item = {
        "uri": uri,
        "type": "text",
        "version": version,
        "firstCreated": "2021-03-25T02:37:00Z",
        "versionCreated": "2021-03-25T02:37:00Z",
        "language": "en",
        "headlines": [{"role": "main", "value": headline}, {"role": "summary", "value": "Rain arrives on time."}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": "<p>First.</p><script>alert(1)</script><h2>Sub</h2><p onclick='x()'>Second.</p>"}],
        "by": "Paulo Santalucia and Frances d'Emilio",
        "subjects": [{"name": "India"}, {"name": "Monsoon"}],
        "associations": [
            {"name": "featureimage", "type": "picture", "copyrightHolder": "self",
             "headlines": [{"role": "main", "value": "Clouds over Kochi"}],
             "renditions": [{"name": "original", "href": "images/hero.jpg", "contentType": "image/jpeg",
                             "width": 320, "height": 180}]},
            {"name": "photo2", "type": "picture", "copyrightHolder": "AP",
             "renditions": [{"name": "original", "href": "images/second.jpg", "contentType": "image/jpeg"}]},
        ],
    }
    item.update(extra)
    return item


def write(folder, name, data):
    path = folder / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def run(*args):
    out = StringIO()
    try:
        call_command("ingest_ninjs", *[str(a) for a in args], stdout=out)
        error = None
    except CommandError as exc:
        error = exc
    return out.getvalue().splitlines(), error


@pytest.mark.django_db
def test_publish_v3_story_with_bylines_credits_and_ist_times(wire, client):
    write(wire, "a.json", story_v3())
    lines, error = run("--publish", wire)
    assert error is None
    assert lines == ["created urn:test:1 http://testserver/story/monsoon-reaches-kerala/"]
    article = Article.objects.get(wire_uri="urn:test:1")
    assert [r.name for r in article.ordered_reporters()] == ["Paulo Santalucia", "Frances d'Emilio"]
    assert article.section.slug == "india"
    assert list(article.tags.names()) == ["Monsoon"]
    assert "<script>" not in article.body and "onclick" not in article.body
    html = client.get("/story/monsoon-reaches-kerala/").content.decode()
    assert "Reported by:" in html and "Paulo Santalucia</a> and <a" in html
    assert "Image: self" in html
    assert "(Image Credits: AP)" in html
    assert '<time datetime="2021-03-25T08:07:00+05:30">Published March 25th, 2021 at 08:07 IST</time>' in html


@pytest.mark.django_db
def test_same_version_is_unchanged_and_newer_version_updates(wire):
    write(wire, "a.json", story_v3())
    run("--publish", wire)
    lines, _ = run("--publish", wire)
    assert lines[0].startswith("unchanged urn:test:1 ")
    write(wire, "a.json", story_v3(version="2", headline="Monsoon covers Kerala", versionCreated="2021-03-25T06:00:00Z"))
    lines, _ = run("--publish", wire)
    assert lines[0].startswith("updated urn:test:1 ")
    article = Article.objects.get(wire_uri="urn:test:1")
    assert article.headline == "Monsoon covers Kerala"
    assert article.updated_at.isoformat() == "2021-03-25T06:00:00+00:00"
    assert article.published_at.isoformat() == "2021-03-25T02:37:00+00:00"
    assert Article.objects.count() == 1
    assert Photo.objects.count() == 2  # same bytes are the same photos
    # A lower version changes nothing.
    write(wire, "a.json", story_v3(version="1", headline="Old headline"))
    lines, _ = run("--publish", wire)
    assert lines[0].startswith("unchanged")
    assert Article.objects.get().headline == "Monsoon covers Kerala"


@pytest.mark.django_db
def test_without_publish_stories_are_drafts(wire, client):
    write(wire, "a.json", story_v3())
    run(wire)
    article = Article.objects.get()
    assert article.status == "draft"
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_bad_items_are_rejected_atomically_and_others_import(wire):
    write(wire, "01-good.json", story_v3(uri="urn:good"))
    write(wire, "02-not-object.json", "[1, 2]")
    write(wire, "03-no-uri.json", {k: v for k, v in story_v3().items() if k != "uri"})
    write(wire, "04-no-headline.json", story_v3(uri="urn:nohead", headlines=[]))
    write(wire, "05-bad-date.json", story_v3(uri="urn:baddate", versionCreated="yesterday-ish"))
    write(wire, "06-missing-picture.json", story_v3(uri="urn:nopic", associations=[
        {"name": "featureimage", "type": "picture", "copyrightHolder": "PTI",
         "renditions": [{"name": "o", "href": "images/missing.jpg"}]}]))
    write(wire, "07-broken.json", "{not json")
    reporters_before = set(Reporter.objects.values_list("name", flat=True))
    lines, error = run("--publish", wire)
    assert error is not None and "6 of 7 items rejected" in str(error)
    assert lines[0].startswith("created urn:good ")
    assert [line.split(" ")[0] for line in lines[1:]] == ["rejected"] * 6
    assert "not a JSON object" in lines[1]
    assert "no uri" in lines[2]
    assert "no headline" in lines[3]
    assert "date" in lines[4]
    assert "picture file missing" in lines[5]
    assert list(Article.objects.values_list("wire_uri", flat=True)) == ["urn:good"]
    # The rejected picture item created no reporter, credit or photo rows.
    assert set(Reporter.objects.values_list("name", flat=True)) - reporters_before == {"Paulo Santalucia", "Frances d'Emilio"}


@pytest.mark.django_db
def test_plain_text_body_v2_and_v1_items(wire):
    v1 = {
        "uri": "urn:v1", "type": "text", "version": "3", "versioncreated": "2021-03-25T02:37:00Z",
        "headline": "Old style", "body_text": "Only paragraph.", "byline": "Wire Desk",
    }
    write(wire, "v1.json", v1)
    item2 = {
        "uri": "urn:v2b", "type": "text", "versionCreated": "2021-03-25T02:37:00Z",
        "headlines": [{"role": "main", "value": "Two point x"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Para one\nstill one.\n\nPara <two>."}],
        "by": "A & B",
    }
    write(wire, "v2.json", item2)
    lines, error = run("--publish", wire / "v1.json", wire / "v2.json")
    assert error is None, lines
    assert Article.objects.get(wire_uri="urn:v1").headline == "Old style"
    article = Article.objects.get(wire_uri="urn:v2b")
    assert [b["html"] for b in article.body_blocks] == ["<p>Para one still one.</p>", "<p>Para &lt;two&gt;.</p>"]
    assert article.byline_text == "A and B"
    assert article.section.slug == "news"  # default section


@pytest.mark.django_db
def test_unreachable_remote_picture_imports_story_without_it(wire, settings):
    settings.INGEST_FETCH_TIMEOUT = 1
    write(wire, "remote.json", story_v3(uri="urn:remote", associations=[
        {"name": "featureimage", "type": "picture", "copyrightHolder": "Reuters",
         "renditions": [{"name": "o", "href": "http://127.0.0.1:9/nothing.jpg"}]}]))
    lines, error = run("--publish", wire / "remote.json")
    assert error is None
    assert lines[0].startswith("created urn:remote ")
    assert "not fetched" in lines[0]
    assert Article.objects.get().hero_photo is None


@pytest.mark.django_db
def test_embargoed_item_is_scheduled_for_the_embargo_instant(wire, client):
    from datetime import datetime
    from datetime import timezone as tz

    import time_machine

    with time_machine.travel(datetime(2021, 3, 25, 1, 0, tzinfo=tz.utc), tick=False):
        write(wire, "a.json", story_v3(embargoedUntil="2021-03-25T02:37:00Z"))
        lines, error = run("--publish", wire)
        assert error is None
        assert lines == ["scheduled urn:test:1 http://testserver/story/monsoon-reaches-kerala/"]
        article = Article.objects.get()
        assert article.state() == "scheduled"
        assert article.published_at.isoformat() == "2021-03-25T02:37:00+00:00"
        assert client.get("/story/monsoon-reaches-kerala/").status_code == 404
    with time_machine.travel(datetime(2021, 3, 25, 2, 37, tzinfo=tz.utc), tick=False):
        assert client.get("/story/monsoon-reaches-kerala/").status_code == 200


@pytest.mark.django_db
def test_newer_embargoed_version_of_a_live_story_becomes_a_scheduled_update(wire, client):
    from datetime import datetime
    from datetime import timezone as tz

    import time_machine

    from articles.models import ScheduledUpdate
    from articles.scheduler import apply_due_updates

    with time_machine.travel(datetime(2021, 3, 25, 3, 0, tzinfo=tz.utc), tick=False):
        write(wire, "a.json", story_v3())
        run("--publish", wire)
        write(wire, "a.json", story_v3(version="2", headline="Monsoon covers all of Kerala",
                                       versionCreated="2021-03-25T02:50:00Z", embargoedUntil="2021-03-25T04:30:00Z"))
        lines, error = run("--publish", wire)
        assert error is None
        assert lines == ["scheduled urn:test:1 http://testserver/story/monsoon-reaches-kerala/"]
        assert Article.objects.get().headline == "Monsoon reaches Kerala"  # readers keep the live version
        assert ScheduledUpdate.objects.pending().count() == 1
        lines, _ = run("--publish", wire)
        assert lines[0].startswith("unchanged")  # the same version is not queued twice
    with time_machine.travel(datetime(2021, 3, 25, 4, 30, tzinfo=tz.utc), tick=False):
        assert apply_due_updates() == 1
        html = client.get("/story/monsoon-reaches-kerala/").content.decode()
        assert "Monsoon covers all of Kerala" in html
        assert '<time datetime="2021-03-25T10:00:00+05:30">Updated March 25th, 2021 at 10:00 IST</time>' in html
