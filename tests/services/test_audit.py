"""articles/audit.py: every change that is not (only) a revision is in the audit log, shown on the History page."""
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry
from articles.signals import story_changed
from core.timefmt import machine_datetime, reader_datetime
from tests.factories import make_photo, make_reporter, publish_story
from tests.services.test_lifecycle import admin_form, errors


@pytest.fixture
def announced():
    kinds = []

    def receiver(sender, article_id, kind=None, **kwargs):
        kinds.append((article_id, kind))

    story_changed.connect(receiver, dispatch_uid="test-audit")
    yield kinds
    story_changed.disconnect(dispatch_uid="test-audit")


@pytest.mark.parametrize("field,value,expected", [
    ("slug", "a-new-slug", lambda live: [live.slug, "a-new-slug"]),
    ("language", "hi-IN", lambda live: ["en", "hi-IN"]),
])
def test_regression_a_save_changing_only_slug_or_language_is_recorded_and_announced(
    client, editor, announced, django_capture_on_commit_callbacks, field, value, expected
):
    live = publish_story(headline="Rains lash Mumbai")
    revisions = live.revisions.count()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(live, **{field: value}))
    assert response.status_code == 302, errors(response)
    entry = AuditEntry.objects.filter(story_id=live.pk).first()
    assert entry.action == "changed" and entry.changes == {field: expected(live)}
    assert (entry.actor_user, entry.source) == (editor, "admin")
    assert (live.pk, "saved") in announced
    assert Article.objects.get(pk=live.pk).revisions.count() == revisions  # not a content change


def test_regression_expiry_only_save_is_recorded(client, editor, announced, django_capture_on_commit_callbacks):
    live = publish_story()
    expires = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(
            live, expires_at_0=expires.strftime("%Y-%m-%d"), expires_at_1=expires.strftime("%H:%M:%S")))
    assert response.status_code == 302, errors(response)
    entry = AuditEntry.objects.filter(story_id=live.pk).first()
    assert entry.changes == {"expires_at": [None, machine_datetime(expires)]}
    assert (live.pk, "saved") in announced


def test_section_bylines_and_photos_are_recorded_by_name(editor):
    first, second = make_reporter("Ritu Sharma"), make_reporter("Arjun Mehta")
    live = publish_story(reporters=[first])
    live.section_id = 3
    photo = make_photo()
    services.save_story(live, services.Related([second, first], [], [photo]), actor=editor)
    changes = AuditEntry.objects.filter(story_id=live.pk).first().changes
    assert changes["reporters"] == ["Ritu Sharma", "Arjun Mehta, Ritu Sharma"]
    assert changes["photos"] == ["", str(photo.pk)]
    assert changes["section"][0] == "World" and changes["section"][1] != "World"


def test_wire_metadata_from_ingest_is_recorded_with_its_source(db, tmp_path):
    def item(version, headline):
        return {
            "uri": "urn:test:audit:1", "type": "text", "version": version, "headlines": [{"value": headline}],
            "bodies": [{"contentType": "text/html", "value": "<p>Body.</p>"}], "by": "Agency Staff",
            "versioncreated": f"2026-01-0{version}T10:00:00+05:30",
        }

    path = tmp_path / "item.json"
    path.write_text(json.dumps(item("1", "First")))
    call_command("ingest_ninjs", str(path), stdout=StringIO())
    path.write_text(json.dumps(item("2", "Second")))
    call_command("ingest_ninjs", str(path), stdout=StringIO())
    article = Article.objects.get(wire_uri="urn:test:audit:1")
    entry = AuditEntry.objects.filter(story_id=article.pk).first()
    assert entry.source == "ingest" and entry.actor_name == "system (ingest)" and entry.actor_user is None
    assert entry.changes["wire_version"] == ["1", "2"]


def test_history_page_merges_audit_entries_and_revisions_newest_first(client, editor):
    live = publish_story(headline="Story with a history")
    client.force_login(editor)
    client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(live, slug="moved-slug"))
    services.unpublish(live, actor=editor)
    html = client.get(f"/admin/articles/article/{live.pk}/revisions/").content.decode()
    table = html[html.index('<table class="revisions"'):]
    rows = re.findall(r"<tr(?: class=\"audit\")?>(.*?)</tr>", table, re.S)[1:]
    whats = [re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", row)).strip() for row in rows]
    # The unpublish wrote an audit entry and then its revision: both at the top.
    assert any("Unpublish" in w and "status: published → unpublished" in w and "editor (Admin)" in w for w in whats[:2])
    assert any("Unpublished" in w and "(Admin)" not in w for w in whats[:2])
    assert any("slug: story-with-a-history → moved-slug" in w for w in whats)
    entry = AuditEntry.objects.filter(story_id=live.pk).first()
    assert f'<time datetime="{machine_datetime(entry.created_at)}">{reader_datetime(entry.created_at)}</time>' in html
    # newest first across both kinds
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert times == sorted(times, reverse=True)
