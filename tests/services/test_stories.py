"""articles/services.py: saving content, queued updates, wire metadata and generated stories, each with its actor."""
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry, Revision
from tests.factories import make_story, publish_story


def related(article):
    return services.Related(article.ordered_reporters(), list(article.tags.names()), [])


def test_save_and_move_checks_the_move_before_writing_anything(editor):
    live = publish_story(headline="Live")
    live.headline = "Not saved"
    with pytest.raises(services.StoryTransitionError):
        services.save_and_move(live, related(live), actor=editor, target=Article.Status.REVIEW)
    stored = Article.objects.get(pk=live.pk)
    assert (stored.headline, stored.status) == ("Live", "published")
    stored.headline = "Saved and unpublished"
    moved = services.save_and_move(stored, related(stored), actor=editor, target=Article.Status.UNPUBLISHED)
    assert (moved.headline, moved.status) == ("Saved and unpublished", "unpublished")


def test_a_new_story_saved_and_published_in_one_call(editor, reporter_user):
    article = Article(headline="New", body="<p>x</p>", section_id=1)
    story = services.save_and_move(
        article, services.Related([reporter_user.reporter], [], []), actor=editor, target=Article.Status.PUBLISHED)
    assert story.state() == "published" and story.created_by == editor
    with pytest.raises(services.StoryPermissionError):
        services.save_and_move(Article(headline="Mine", section_id=1), services.Related([reporter_user.reporter], [], []),
                               actor=reporter_user, target=Article.Status.PUBLISHED)
    assert not Article.objects.filter(headline="Mine").exists()


def test_edit_conflict_is_a_story_error_and_writes_nothing(editor):
    story = make_story()
    seen = story.edit_version
    services.save_story(story, related(story), actor=editor)
    with pytest.raises(services.EditConflict) as raised:
        services.save_story(story, related(story), actor=editor, expected_version=seen)
    assert isinstance(raised.value, services.StoryError)


def test_check_queue_update_refuses_drafts_and_reporters(editor, reporter_user):
    draft = make_story(reporters=[reporter_user.reporter])
    with pytest.raises(services.StoryTransitionError):
        services.check_queue_update(draft, editor)
    live = publish_story(reporters=[reporter_user.reporter])
    with pytest.raises(services.StoryPermissionError):
        services.check_queue_update(live, reporter_user)
    assert services.check_queue_update(live, editor) is None


def test_queued_update_lifecycle_is_audited(editor):
    live = publish_story()
    when = timezone.now() + timedelta(hours=2)
    update = services.queue_update(live, services.snapshot(live), go_live_at=when, actor=editor)
    services.edit_update(update, update.snapshot, go_live_at=when + timedelta(hours=1), actor=editor)
    services.cancel_update(update, actor=editor)
    actions = list(AuditEntry.objects.filter(story_id=live.pk).values_list("action", flat=True)[:3])
    assert actions == ["update cancelled", "update edited", "update queued"]


def test_regression_embargoed_wire_update_records_its_version_through_the_services(db, tmp_path):
    def item(version, headline, embargo=None):
        data = {
            "uri": "urn:test:embargo:1", "type": "text", "version": version, "headlines": [{"value": headline}],
            "bodies": [{"contentType": "text/html", "value": "<p>Body.</p>"}], "by": "Agency Staff",
            "versioncreated": timezone.now().isoformat(),
        }
        if embargo:
            data["embargoed"] = embargo.isoformat()
        return data

    path = tmp_path / "item.json"
    path.write_text(json.dumps(item("1", "First")))
    call_command("ingest_ninjs", "--publish", str(path), stdout=StringIO())
    path.write_text(json.dumps(item("2", "Second", embargo=timezone.now() + timedelta(hours=1))))
    out = StringIO()
    call_command("ingest_ninjs", "--publish", str(path), stdout=out)
    assert out.getvalue().startswith("scheduled")
    article = Article.objects.get(wire_uri="urn:test:embargo:1")
    assert (article.headline, article.wire_version) == ("First", "2")
    entry = AuditEntry.objects.filter(story_id=article.pk, action="changed").get()
    assert entry.changes["wire_version"] == ["1", "2"] and entry.source == "ingest"
    assert AuditEntry.objects.filter(story_id=article.pk, action="update queued", source="ingest").exists()


def test_generate_newsroom_goes_through_the_services(db):
    call_command("generate_newsroom", "--stories", "3", "--reporters", "4", "--tags", "5", stdout=StringIO(),
                 stderr=StringIO())
    assert Article.objects.live().count() == 3
    assert AuditEntry.objects.filter(action="generated", source="command").count() == 3
    assert not Revision.objects.exists()
