"""Bodies load nothing from other hosts (issue 12, point 8): the admin refuses a remote <img> with a form error;
wire bodies lose it with a note on the ingest line. The XSS payload corpus is run through the admin story form."""
import re

import pytest
from lxml import html as lxml_html

from articles.models import Article
from tests.factories import make_reporter
from tests.functional.test_admin_editing import editor_client, story_form  # noqa: F401 (fixture)
from tests.hostile import corpus
from tests.integration.test_ingest_ninjs import run, story_v3, write

FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "form", "meta", "link",
                      "input", "button", "template", "video", "audio", "marquee", "details", "noscript"}
REMOTE = [
    '<p>x</p><img src="https://tracker.example/pixel.gif" alt="">',
    '<p>x<IMG SRC="HTTP://tracker.example/p.gif"></p>',
    '<p><img src="//tracker.example/p.gif"></p>',
    '<p><img src="/\\tracker.example/p.gif"></p>',
    '<p><img alt="a" src=" https://tracker.example/p.gif "></p>',
    '<figure><img src="http://testserver.tracker.example/p.gif"><figcaption>c</figcaption></figure>',
]


def errors(response):
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


@pytest.mark.parametrize("body", REMOTE)
def test_editor_body_with_a_remote_picture_is_refused_with_a_clear_error(editor_client, body):  # noqa: F811
    reporter = make_reporter("Ritu Sharma")
    response = editor_client.post("/admin/articles/article/add/", story_form(body=body, byline_reporters=[str(reporter.pk)]))
    assert response.status_code == 200
    assert "Pictures in a story must come from the photo desk" in errors(response)
    assert Article.objects.count() == 0


def test_editor_body_with_our_own_pictures_saves(editor_client):  # noqa: F811
    reporter = make_reporter("Ritu Sharma")
    body = '<p>x</p><img src="/media/photos/a.jpg" alt="ours"><img src="http://testserver/media/b.jpg" alt="ours too">'
    response = editor_client.post("/admin/articles/article/add/", story_form(body=body, byline_reporters=[str(reporter.pk)]))
    assert response.status_code == 302, errors(response)
    assert Article.objects.get().body.count("<img") == 2


def test_xss_payload_corpus_through_the_admin_story_form(editor_client, client):  # noqa: F811
    reporter = make_reporter("Ritu Sharma")
    payloads = corpus("xss_payloads.txt")
    assert len(payloads) >= 40
    for i, payload in enumerate(payloads):
        editor_client.post("/admin/articles/article/add/", story_form(
            headline=f"Payload {i}", slug=f"payload-{i}", body=f"<p>Before</p>{payload}<p>After</p>",
            standfirst=payload[:600], byline_reporters=[str(reporter.pk)],
        ))
    saved = Article.objects.all()
    assert saved.count() >= len(payloads) - sum("<img" in p.lower() for p in payloads)
    for article in saved:
        page = lxml_html.fromstring(client.get(article.get_absolute_url()).content)
        story = page.xpath("//article")[0]
        for element in story.iter():
            if not isinstance(element.tag, str):
                continue  # comments
            assert element.tag not in FORBIDDEN_ELEMENTS, (article.headline, element.tag)
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (article.headline, name)
                if name in ("href", "src", "action", "formaction", "background", "cite", "srcset"):
                    assert not re.match(r"\s*(javascript|vbscript|data):", value, re.I), (article.headline, value)


@pytest.mark.django_db
def test_wire_body_loses_remote_pictures_with_a_note(tmp_path):
    body = ('<p>One.</p><img src="https://tracker.example/pixel.gif" alt="">'
            '<p>Two.<img src="/media/ok.jpg" alt="local"></p>')
    write(tmp_path, "a.json", story_v3(uri="urn:img:1", associations=[], bodies=[
        {"role": "main", "contentType": "text/html", "value": body}]))
    lines, error = run(tmp_path)
    assert error is None
    assert lines[0].endswith("(body picture https://tracker.example/pixel.gif dropped: not from the photo desk)")
    stored = Article.objects.get().body
    assert "tracker.example" not in stored and '<img src="/media/ok.jpg" alt="local">' in stored


def test_a_queued_update_with_a_remote_picture_is_refused_too(admin_client):
    from datetime import timedelta

    from django.utils import timezone

    from articles import services
    from tests.factories import make_story

    story = services.publish(make_story(headline="Live headline"), actor=services.COMMAND)
    queued = services.queue_update(story, services.snapshot(Article.objects.get(pk=story.pk)),
                                   go_live_at=timezone.now() + timedelta(hours=2), actor=services.COMMAND)
    when = timezone.localtime(queued.go_live_at)
    response = admin_client.post(f"/admin/articles/scheduledupdate/{queued.pk}/change/", {
        "headline": "Edited", "standfirst": "", "body": '<p>x</p><img src="https://tracker.example/p.gif">',
        "byline_reporters": [str(r.pk) for r in story.ordered_reporters()], "section": str(story.section_id),
        "tags": [], "hero_photo": "", "story_photos": [],
        "go_live_at_0": when.strftime("%Y-%m-%d"), "go_live_at_1": when.strftime("%H:%M:%S"), "note": "",
    })
    assert response.status_code == 200
    assert "Pictures in a story must come from the photo desk" in errors(response)
    queued.refresh_from_db()
    assert queued.snapshot["headline"] == "Live headline"
