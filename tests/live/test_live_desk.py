"""The live desk through the real admin (Django test client): post, schedule, correct, pin, key events, roles."""
import re
from datetime import timedelta

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
