"""The live desk through the real admin (Django test client): post, schedule, correct, pin, key events, roles."""
import base64
import hashlib
import json
import re
from datetime import timedelta
from html import escape, unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from core.timefmt import to_ist
from live.models import LiveBlog, LiveEntry
from tests.factories import make_photo, publish_story
from tests.live.support import live_story, member, post

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def desk_url(blog):
    return reverse("admin:live_desk", args=[blog.pk])


def test_an_editor_opens_a_blog_in_the_admin_and_lands_on_its_desk(client):
    editor = member("Editor", "editor")
    reporter = member("Reporter", "ritu", "Ritu Sharma")
    article = publish_story(headline="Counting day")
    client.force_login(editor)
    start = to_ist(timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("admin:live_liveblog_add"), {
        "article": article.pk, "coverage_start_0": start.strftime("%d/%m/%Y"), "coverage_start_1": start.strftime("%H:%M:%S"),
        "coverage_end_0": "", "coverage_end_1": "", "reporters": [reporter.pk], "poll_seconds": 15,
    })
    blog = LiveBlog.objects.get(article=article)
    assert response.status_code == 302 and response["Location"] == desk_url(blog)
    assert list(blog.reporters.all()) == [reporter] and blog.records.get().action == "opened"
    page = client.get(desk_url(blog)).content.decode()
    assert "Live desk: Counting day" in page and "data-desk-form" in page and 'src="/static/live/desk.js"' in page


def test_a_reporter_posts_with_fetch_and_gets_the_redrawn_stream(client):
    reporter = member("Reporter", "ritu", "Ritu Sharma")
    _, blog, _ = live_story(reporters=[reporter])
    photo = make_photo(credit="PTI", alt="Counting centre")
    client.force_login(reporter)
    response = client.post(desk_url(blog), {"headline": "Trends", "body": "BJP ahead in 5 seats", "photo": photo.pk,
                                            "pinned": "on", "key_event": "on"}, **JSON)
    assert response.status_code == 200
    data = response.json()
    entry = LiveEntry.objects.get()
    assert data["ok"] and data["message"].startswith("Posted at ") and data["message"].endswith("IST.")
    assert f'id="desk-entry-{entry.pk}"' in data["stream"] and "Pinned" in data["stream"] and "Key event" in data["stream"]
    assert (entry.pinned, entry.key_event, entry.photo, entry.headline) == (True, True, photo, "Trends")
    assert [r.name for r in entry.ordered_reporters()] == ["Ritu Sharma"]


def test_posting_without_javascript_comes_back_to_the_desk(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    response = client.post(desk_url(blog), {"body": "Plain post"}, follow=True)
    assert response.redirect_chain[-1][0] == desk_url(blog)
    assert "Plain post" in response.content.decode() and "Posted at" in response.content.decode()


def test_scheduling_from_the_desk_takes_an_ist_instant(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    at = to_ist(timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    data = client.post(desk_url(blog), {"body": "At the top of the hour", "post_time": at.strftime("%Y-%m-%dT%H:%M")},
                       **JSON).json()
    assert data["ok"] and data["message"].startswith("Scheduled for ")
    assert LiveEntry.objects.get().posted_at == at
    assert "Scheduled" in data["stream"]


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    response = client.post(desk_url(blog), {"body": "  ", "post_time": "not a time"}, **JSON)
    assert response.status_code == 400 and not response.json()["ok"]
    assert "post_time" in response.json()["errors"]
    response = client.post(desk_url(blog), {"body": ""}, **JSON)
    assert response.status_code == 400 and "text or a photo" in response.json()["message"]
    assert not LiveEntry.objects.exists()


def test_corrections_pins_and_key_events_from_the_desk_and_a_stale_correction_is_refused(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    first = post(blog, editor, "Wrong figure")
    second = post(blog, editor, "Second")
    client.force_login(editor)
    data = client.post(desk_url(blog), {"entry": first.pk, "version": 1, "body": "Right figure",
                                        "reporters": [r.pk for r in first.reporters.all()]}, **JSON).json()
    assert data["ok"] and data["message"].startswith("Correction saved")
    first.refresh_from_db()
    assert first.body == "<p>Right figure</p>" and first.corrected_at
    stale = client.post(desk_url(blog), {"entry": first.pk, "version": 1, "body": "Someone else's text"}, **JSON)
    assert stale.status_code == 409 and "after you opened it" in stale.json()["message"]
    assert LiveEntry.objects.get(pk=first.pk).body == "<p>Right figure</p>"

    action = lambda entry, name: reverse("admin:live_desk_action", args=[blog.pk, entry.pk, name])  # noqa: E731
    assert client.post(action(first, "pin"), **JSON).json()["ok"]
    assert client.post(action(second, "pin"), **JSON).json()["ok"]
    assert list(LiveEntry.objects.filter(pinned=True)) == [second]
    assert client.post(action(first, "key"), **JSON).json()["ok"]
    assert LiveEntry.objects.get(pk=first.pk).key_event
    assert client.post(action(first, "remove"), **JSON).json()["ok"]
    assert LiveEntry.objects.get(pk=first.pk).removed_at
    assert client.get(action(first, "pin")).status_code == 404


def test_reporters_see_only_blogs_opened_to_them(client):
    opened = member("Reporter", "ritu", "Ritu Sharma")
    other = member("Reporter", "sam", "Sam Menon")
    _, blog, _ = live_story(reporters=[opened])
    entry = post(blog, opened, "Mine")
    client.force_login(other)
    assert client.get(desk_url(blog)).status_code == 403
    assert client.post(desk_url(blog), {"body": "Sneaky"}, **JSON).status_code == 403
    assert "Counting day live" not in client.get(reverse("admin:live_liveblog_changelist")).content.decode()
    client.force_login(opened)
    changelist = client.get(reverse("admin:live_liveblog_changelist")).content.decode()
    assert "Counting day live" in changelist and "Open the live desk" in changelist
    assert client.post(reverse("admin:live_desk_action", args=[blog.pk, entry.pk, "remove"]), **JSON).status_code == 403
    assert client.get(reverse("admin:live_liveblog_add")).status_code == 403
    assert LiveEntry.objects.count() == 1 and not LiveEntry.objects.get().removed_at


def test_the_desk_history_lists_every_change_with_who_made_it(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    entry = post(blog, editor, "Leads in 40 seats")
    from live import services

    services.edit_entry(entry, actor=editor, expected_version=1, body="Leads in 42 seats", reporters=list(entry.reporters.all()))
    services.set_pinned(entry, True, actor=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:live_desk_history", args=[blog.pk])).content.decode()
    rows = html.split("<tbody>")[1]
    assert [a for a in ("Pinned", "Edited", "Posted", "Opened") if a in rows] == ["Pinned", "Edited", "Posted", "Opened"]
    assert rows.index("Pinned") < rows.index("Edited") < rows.index("Posted") < rows.index("Opened")
    assert "Leads in 42 seats" in rows and "Leads in 40 seats" in rows and "editor" in rows
    assert re.search(r"<time datetime=\"[^\"]+\+05:30\">", rows)


def test_the_blog_form_refuses_an_end_before_the_start_and_a_second_blog_for_a_story(client):
    editor = member("Editor", "editor")
    article, blog, _ = live_story(editor=editor)
    other = publish_story(headline="Another story")
    client.force_login(editor)
    start = to_ist(timezone.now())
    fields = {"coverage_start_0": start.strftime("%d/%m/%Y"), "coverage_start_1": start.strftime("%H:%M:%S"),
              "reporters": [], "poll_seconds": 15}
    end = start - timedelta(hours=1)
    response = client.post(reverse("admin:live_liveblog_add"), {
        **fields, "article": other.pk, "coverage_end_0": end.strftime("%d/%m/%Y"), "coverage_end_1": end.strftime("%H:%M:%S")})
    assert response.status_code == 200 and "Coverage ends after it starts." in response.content.decode()
    response = client.post(reverse("admin:live_liveblog_add"), {**fields, "article": article.pk, "coverage_end_0": "",
                                                                 "coverage_end_1": ""})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert LiveBlog.objects.count() == 1


def test_without_javascript_edit_opens_the_form_on_the_entry(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    entry = post(blog, editor, "Typo in hre", headline="Early trends", key_event=True)
    client.force_login(editor)
    stream = client.get(desk_url(blog)).content.decode()
    assert f'href="?edit={entry.pk}"' in stream
    html = client.get(desk_url(blog), {"edit": entry.pk}).content.decode()
    assert "Correct entry" in html and "Save correction" in html
    assert f'name="entry" value="{entry.pk}"' in html and 'name="version" value="1"' in html
    assert 'value="Early trends"' in html and "Typo in hre" in html
    response = client.post(desk_url(blog), {"entry": entry.pk, "version": 1, "body": "Typo in here", "key_event": "on",
                                            "headline": "Early trends"}, follow=True)
    assert "Correction saved" in response.content.decode()
    assert LiveEntry.objects.get(pk=entry.pk).body == "<p>Typo in here</p>"


def test_the_desk_pages_older_entries(client):
    from live.admin import DESK_ENTRIES

    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    entries = [post(blog, editor, f"Entry {n}") for n in range(DESK_ENTRIES + 2)]
    client.force_login(editor)
    first = client.get(desk_url(blog)).content.decode()
    assert first.count('id="desk-entry-') == DESK_ENTRIES and "Older entries →" in first
    older = client.get(desk_url(blog), {"page": 2}).content.decode()
    assert [int(n) for n in re.findall(r'id="desk-entry-(\d+)"', older)] == [entries[1].pk, entries[0].pk]


# The entry's text is written in the story body's editor ----------------------------------------------------------

def editor_config(html: str) -> dict:
    """The prose editor's configuration on the body textarea of a rendered form."""
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>', html).group(0)
    return json.loads(unescape(re.search(r'data-django-prose-editor-configurable="([^"]*)"', textarea).group(1)))


def test_the_desk_writes_entries_in_the_story_body_editor_with_its_photo_chooser(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    response = client.get(desk_url(blog))
    page = response.content.decode()
    story_form = client.get(reverse("admin:articles_article_add")).content.decode()
    config = editor_config(page)
    assert config == editor_config(story_form)  # the same extensions, options and modules as the story body
    assert config["extensions"]["BodyPhoto"] == {"chooserUrl": reverse("admin:photos_photo_chooser"),
                                                 "uploadUrl": reverse("admin:photos_photo_chooser_upload")}
    assert "/static/articles/editor-media.js" in config["js_modules"]
    assert {"Heading", "Link", "BodyGallery", "BodyEmbed"} <= set(config["extensions"])
    # The editor's modules load through the import map, which the CSP allows by its hash (core.middleware).
    importmap = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response["Content-Security-Policy"]
    assert 'src="/static/django_prose_editor/configurable.js"' in page
    # Without JavaScript the same field is a plain textarea, with the plain-text rules next to it.
    assert 'id="body-plain-help"' in page and "“## ” starts a subheading" in page


def test_what_the_editor_writes_is_stored_and_readers_get_the_subheading_link_and_credited_photo(client):
    reporter = member("Reporter", "ritu", "Ritu Sharma")
    article, blog, _ = live_story(reporters=[reporter])
    photo = make_photo(credit="PTI", alt="Party workers outside the office", caption="Celebrations in Delhi")
    client.force_login(reporter)
    # What the desk's editor submits for a subheading, a paragraph with a link and a photo from the chooser.
    written = (f'<h2>Celebrations begin</h2><p>Party workers gather as <a href="https://results.eci.gov.in/" title="">'
               f'leads widen</a>.</p><figure data-photo="{photo.pk}" data-size="full"></figure>')
    data = client.post(desk_url(blog), {"body": written}, **JSON).json()
    assert data["ok"], data
    entry = LiveEntry.objects.get()
    assert entry.body.startswith("<h2>Celebrations begin</h2><p>Party workers gather as <a href=\"https://results.eci.gov.in/\"")
    assert f'<figure data-photo="{photo.pk}" data-size="full"></figure>' in entry.body
    assert [b["kind"] for b in entry.body_blocks] == ["h2", "p", "photo"]
    assert list(entry.body_photo_links.values_list("photo_id", flat=True)) == [photo.pk]
    credit = photo.credit.picture_label

    def shows_it(html):
        assert "<h4>Celebrations begin</h4>" in html  # under the blog's h2 and the entry's h3
        assert 'href="https://results.eci.gov.in/"' in html and ">leads widen</a>" in html
        assert 'class="body-photo body-photo--full"' in html and "Celebrations in Delhi" in html
        assert f'<span class="credit">{escape(credit)}</span>' in html

    page = client.get(article.get_absolute_url()).content.decode()
    shows_it(page[page.index(f'id="entry-{entry.pk}"'):])
    shows_it(json.loads(client.get(f"{article.get_absolute_url()}live/", {"after": "0"}).content)["entries"][0]["html"])
    for feed in ("live:rss", "live:atom"):
        shows_it(unescape(client.get(reverse(feed, args=[article.slug])).content.decode()))
    # Edit gives the editor the stored body back (the desk's stream carries it for the Edit button).
    stream = client.get(desk_url(blog)).content.decode()
    loaded = json.loads(re.search(rf'<script type="application/json" id="entry-data-{entry.pk}">(.*?)</script>',
                                  stream, re.S).group(1))
    assert loaded["body"] == entry.body


def test_an_empty_editor_and_a_remote_picture_are_refused_like_in_a_story(client):
    editor = member("Editor", "editor", "Asha Rao")
    _, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    response = client.post(desk_url(blog), {"body": "<p></p>"}, **JSON)
    assert response.status_code == 400 and "text or a photo" in response.json()["message"]
    response = client.post(desk_url(blog), {"body": '<p>Look</p><img src="https://elsewhere.example/p.jpg">'}, **JSON)
    assert response.status_code == 400
    assert "must come from the photo desk" in response.json()["errors"]["body"][0]["message"]
    assert not LiveEntry.objects.exists()


def test_without_javascript_plain_text_gets_the_editors_subheading_and_links(client):
    editor = member("Editor", "editor", "Asha Rao")
    article, blog, _ = live_story(editor=editor)
    client.force_login(editor)
    response = client.post(desk_url(blog), {"body": "## Turnout\n\nFigures at https://results.eci.gov.in/ now"},
                           follow=True)
    assert "Posted at" in response.content.decode()
    entry = LiveEntry.objects.get()
    assert entry.body == ('<h2>Turnout</h2><p>Figures at <a href="https://results.eci.gov.in/" rel="noopener noreferrer">'
                          'https://results.eci.gov.in/</a> now</p>')
    assert "<h4>Turnout</h4>" in client.get(article.get_absolute_url()).content.decode()
