"""articles/lifecycle.py: every move in the transition table, every refusal, through the services and the admin."""
import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import services
from articles.lifecycle import TRANSITIONS
from articles.models import Article, AuditEntry, Revision
from tests.factories import make_story, publish_story
from tests.functional.test_admin_editing import story_form

S = Article.Status
STORED = [S.DRAFT, S.REVIEW, S.PUBLISHED, S.UNPUBLISHED, S.TRASHED]
TABLE = {(t.source, t.target) for t in TRANSITIONS}


def story_in(status, **kwargs) -> Article:
    """A story whose stored status is `status`, reached through the services."""
    article = make_story(**kwargs)
    if status == S.REVIEW:
        article = services.submit_for_review(article, actor=services.COMMAND)
    elif status in (S.PUBLISHED, S.UNPUBLISHED):
        article = services.publish(article, actor=services.COMMAND, at=timezone.now() - timedelta(hours=1))
        if status == S.UNPUBLISHED:
            article = services.unpublish(article, actor=services.COMMAND)
    elif status == S.TRASHED:
        article = services.trash(article, actor=services.COMMAND)
    assert article.status == status
    return article


def errors(response) -> str:
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def admin_form(article, **overrides):
    data = story_form(
        headline=article.headline, slug=article.slug, section=str(article.section_id),
        standfirst=article.standfirst, body=article.body, tags=list(article.tags.names()),
        byline_reporters=[str(r.pk) for r in article.ordered_reporters()],
        workflow=article.status, edit_version_seen=str(article.edit_version),
    )
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data.update(publish_at_0=local.strftime("%Y-%m-%d"), publish_at_1=local.strftime("%H:%M:%S"))
    data.update(overrides)
    return data


# --- the table, move by move -------------------------------------------------------------------


@pytest.mark.parametrize("source,target", sorted(TABLE - {(S.PUBLISHED, S.PUBLISHED)}))
def test_every_move_in_the_table_is_made_and_recorded(editor, source, target):
    article = story_in(source)
    version, revisions = article.edit_version, article.revisions.count()
    moved = services.transition(article, target, actor=editor)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == target and stored.edit_version == version + 1
    entry = AuditEntry.objects.filter(story_id=article.pk).first()
    assert entry.changes["status"] == [source, target] and entry.actor_name == "editor" and entry.source == "admin"
    move = next(t for t in TRANSITIONS if (t.source, t.target) == (source, target))
    assert stored.revisions.count() == revisions + (1 if move.revision_kind else 0)
    assert moved.status == target


@pytest.mark.parametrize("source", STORED)
@pytest.mark.parametrize("target", STORED)
def test_every_move_not_in_the_table_is_refused_and_writes_nothing(editor, source, target):
    if (source, target) in TABLE or source == target:
        return
    article = story_in(source)
    version, entries = article.edit_version, AuditEntry.objects.count()
    with pytest.raises(services.StoryTransitionError):
        services.check_transition(article, target, editor)
    with pytest.raises(services.StoryTransitionError):
        services.transition(article, target, actor=editor)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.edit_version, AuditEntry.objects.count()) == (source, version, entries)


def test_same_status_is_nothing_to_do(editor):
    article = story_in(S.REVIEW)
    assert services.check_transition(article, S.REVIEW, editor) is None
    assert services.transition(article, S.REVIEW, actor=editor).edit_version == article.edit_version


def test_back_to_draft_from_review_by_its_reporter_and_from_published_by_an_editor(reporter_user, editor):
    mine = story_in(S.REVIEW, reporters=[reporter_user.reporter])
    assert services.return_to_draft(mine, actor=reporter_user).status == S.DRAFT
    live = story_in(S.PUBLISHED)
    with pytest.raises(services.StoryPermissionError):
        services.return_to_draft(live, actor=reporter_user)
    back = services.return_to_draft(live, actor=editor)
    assert back.status == S.DRAFT and not Article.objects.live().filter(pk=live.pk).exists()
    assert back.revisions.first().kind == Revision.Kind.RETURNED


def test_reschedule_while_scheduled_but_published_is_set_once(editor):
    now = timezone.now()
    scheduled = services.publish(make_story(), actor=editor, at=now + timedelta(days=1))
    moved = services.publish(scheduled, actor=editor, at=now + timedelta(days=2))
    assert moved.state() == "scheduled" and moved.published_at == now + timedelta(days=2)
    live = publish_story(at=now - timedelta(hours=1))
    with pytest.raises(services.StoryTransitionError, match="set once"):
        services.publish(live, actor=editor, at=now + timedelta(days=1))


def test_publish_now_a_scheduled_story(editor):
    with time_machine.travel(timezone.now(), tick=False):
        scheduled = services.publish(make_story(), actor=editor, at=timezone.now() + timedelta(days=1))
        live = services.transition(scheduled, S.PUBLISHED, actor=editor)
        assert live.state() == "published" and live.published_at == timezone.now()


def test_expired_is_derived_and_moves_like_published(editor):
    live = story_in(S.PUBLISHED)
    from tests.factories import change_story

    expired = change_story(live, expires_at=timezone.now() - timedelta(minutes=1))
    assert expired.state() == "expired" and not Article.objects.live().filter(pk=live.pk).exists()
    assert services.unpublish(expired, actor=editor).status == S.UNPUBLISHED


# --- who may -------------------------------------------------------------------------------------


def test_reporter_moves_only_own_drafts_and_reviews(reporter_user):
    mine = story_in(S.DRAFT, reporters=[reporter_user.reporter])
    assert services.submit_for_review(mine, actor=reporter_user).status == S.REVIEW
    with pytest.raises(services.StoryPermissionError):
        services.publish(mine, actor=reporter_user)
    with pytest.raises(services.StoryPermissionError):
        services.trash(mine, actor=reporter_user)
    theirs = story_in(S.DRAFT)
    with pytest.raises(services.StoryPermissionError):
        services.submit_for_review(theirs, actor=reporter_user)
    assert Article.objects.get(pk=theirs.pk).status == S.DRAFT


def test_restore_from_trash_needs_an_editor(reporter_user, editor):
    trashed = story_in(S.TRASHED, reporters=[reporter_user.reporter])
    with pytest.raises(services.StoryPermissionError):
        services.restore_from_trash(trashed, actor=reporter_user)
    assert services.restore_from_trash(trashed, actor=editor).status == S.DRAFT


def test_a_trashed_story_cannot_be_edited_until_restored(editor):
    trashed = story_in(S.TRASHED)
    trashed.headline = "Changed in the trash"
    with pytest.raises(services.StoryPermissionError, match="trash"):
        services.save_story(trashed, services.Related(trashed.ordered_reporters(), [], []), actor=editor)


# --- through the admin ---------------------------------------------------------------------------


def test_regression_editor_setting_a_published_story_to_in_review_gets_a_form_error(client, editor):
    live = story_in(S.PUBLISHED, headline="Live story")
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(
        live, workflow="review", headline="Typed but not saved"))
    assert response.status_code == 200, response.get("Location")
    assert "cannot be moved to “In review”" in errors(response)
    assert "Typed but not saved" in response.content.decode()  # what was typed is kept
    stored = Article.objects.get(pk=live.pk)
    assert stored.status == S.PUBLISHED and stored.headline == "Live story"


def test_admin_back_to_draft_unpublish_and_publish(client, editor):
    live = story_in(S.PUBLISHED)
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(live, workflow="draft"))
    assert response.status_code == 302, errors(response)
    draft = Article.objects.get(pk=live.pk)
    assert draft.status == S.DRAFT
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(draft, workflow="unpublished"))
    assert response.status_code == 200 and "cannot be moved to “Unpublished”" in errors(response)


def test_admin_schedule_these_changes_queues_on_a_live_story_and_refuses_on_a_draft(client, editor):
    live = story_in(S.PUBLISHED, headline="Live now")
    client.force_login(editor)
    when = timezone.localtime(timezone.now() + timedelta(hours=3))
    schedule = {"schedule_update_at_0": when.strftime("%Y-%m-%d"), "schedule_update_at_1": when.strftime("%H:%M:%S")}
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(
        live, headline="Later headline", **schedule))
    assert response.status_code == 302, errors(response)
    assert Article.objects.get(pk=live.pk).headline == "Live now"
    assert live.scheduled_updates.get().snapshot["headline"] == "Later headline"
    draft = story_in(S.DRAFT)
    response = client.post(f"/admin/articles/article/{draft.pk}/change/", admin_form(draft, **schedule))
    assert response.status_code == 200 and "Only a published story can have scheduled updates" in errors(response)
    assert not draft.scheduled_updates.exists()


def test_regression_reporter_opening_own_published_story_gets_it_read_only(client, reporter_user):
    live = story_in(S.PUBLISHED, headline="Mine and live", reporters=[reporter_user.reporter])
    client.force_login(reporter_user)
    response = client.get(f"/admin/articles/article/{live.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine and live" in html and 'name="headline"' not in html and 'name="_save"' not in html
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(live, headline="Hijacked"))
    assert response.status_code == 403
    assert Article.objects.get(pk=live.pk).headline == "Mine and live"


def test_admin_delete_moves_to_the_trash_and_an_editor_restores(client, editor):
    live = story_in(S.PUBLISHED, headline="Going to the trash")
    revisions = live.revisions.count()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{live.pk}/delete/")
    assert page.status_code == 200 and "Move “Going to the trash” to the trash?" in page.content.decode()
    response = client.post(f"/admin/articles/article/{live.pk}/delete/", {"post": "yes"}, follow=True)
    assert "is in the trash" in response.content.decode()
    trashed = Article.objects.get(pk=live.pk)  # not deleted
    assert trashed.status == S.TRASHED and trashed.revisions.count() == revisions
    assert client.get(live.get_absolute_url()).status_code == 404
    assert not Article.objects.live().filter(pk=live.pk).exists()
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Going to the trash" not in listing
    assert "Going to the trash" in client.get("/admin/articles/article/?status=trashed").content.decode()
    response = client.post("/admin/articles/article/?status=trashed", {
        "action": "restore_selected", "_selected_action": [str(live.pk)]}, follow=True)
    assert "restored from the trash" in response.content.decode()
    assert Article.objects.get(pk=live.pk).status == S.DRAFT
    actions = list(AuditEntry.objects.filter(story_id=live.pk).values_list("action", flat=True))
    assert actions[:2] == ["restore from the trash", "move to the trash"]


def test_admin_trash_selected_moves_each(client, editor):
    stories = [story_in(S.DRAFT, headline=f"Bulk {i}") for i in range(3)]
    client.force_login(editor)
    actions = client.get("/admin/articles/article/").content.decode()
    assert 'value="delete_selected"' not in actions and 'value="trash_selected"' in actions
    client.post("/admin/articles/article/", {"action": "trash_selected", "_selected_action": [str(s.pk) for s in stories]})
    assert set(Article.objects.values_list("status", flat=True)) == {S.TRASHED}


def test_reporter_is_not_offered_delete(client, reporter_user):
    mine = story_in(S.DRAFT, reporters=[reporter_user.reporter])
    client.force_login(reporter_user)
    assert client.get(f"/admin/articles/article/{mine.pk}/delete/").status_code == 403
    assert Article.objects.get(pk=mine.pk).status == S.DRAFT


# --- purging ------------------------------------------------------------------------------------


def test_purge_trash_command_deletes_with_history_and_its_audit_entry_survives(editor):
    trashed = story_in(S.TRASHED, headline="Old mistake")
    kept = story_in(S.DRAFT, headline="Kept")
    with pytest.raises(CommandError):
        call_command("purge_trash", stdout=StringIO())  # nothing without --id or --all
    with pytest.raises(CommandError, match="Not in the trash"):
        call_command("purge_trash", "--id", str(kept.pk), stdout=StringIO())
    out = StringIO()
    call_command("purge_trash", "--all", stdout=out)
    assert f"purged {trashed.pk} Old mistake" in out.getvalue()
    assert not Article.objects.filter(pk=trashed.pk).exists() and Article.objects.filter(pk=kept.pk).exists()
    assert not Revision.objects.filter(article_id=trashed.pk).exists()
    entry = AuditEntry.objects.get(story_id=trashed.pk, action="purged")
    assert entry.story_headline == "Old mistake" and entry.article is None and entry.source == "command"
    assert AuditEntry.objects.filter(story_id=trashed.pk, action="move to the trash").exists()


def test_purge_refuses_a_story_not_in_the_trash_and_non_administrators(editor, admin_user):
    draft = story_in(S.DRAFT)
    with pytest.raises(services.StoryTransitionError):
        services.purge(draft, actor=services.COMMAND)
    trashed = services.trash(draft, actor=editor)
    with pytest.raises(services.StoryPermissionError):
        services.purge(trashed, actor=editor)
    services.purge(trashed, actor=admin_user)
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_older_than_keeps_recent_trash(editor):
    trashed = story_in(S.TRASHED)
    out = StringIO()
    call_command("purge_trash", "--all", "--older-than", "30", stdout=out)
    assert Article.objects.filter(pk=trashed.pk).exists() and "purged 0" in out.getvalue()


def test_trashing_cancels_queued_updates_so_the_scheduler_never_applies_them(editor):
    live = story_in(S.PUBLISHED, headline="Live")
    snap = dict(services.snapshot(live), headline="Queued")
    with time_machine.travel(timezone.now(), tick=False):
        update = services.queue_update(live, snap, go_live_at=timezone.now() + timedelta(minutes=5), actor=editor)
        services.trash(live, actor=editor)
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        call_command("publish_scheduled", stdout=out)
    assert "applied 0" in out.getvalue()
    update.refresh_from_db()
    assert update.state == "cancelled" and Article.objects.get(pk=live.pk).headline == "Live"
    entry = AuditEntry.objects.filter(story_id=live.pk, action="move to the trash").get()
    assert entry.changes["queued updates"] == ["1", "0"]  # cancelled


def test_the_audit_log_of_a_purged_story_stays_readable_in_the_admin(client, admin_user):
    trashed = story_in(S.TRASHED, headline="Purged long ago")
    services.purge(trashed, actor=admin_user)
    client.force_login(admin_user)
    html = client.get("/admin/articles/auditentry/?q=Purged+long+ago").content.decode()
    assert "Purged long ago" in html and "purged" in html and "root" in html
    entry = AuditEntry.objects.get(action="purged")
    assert client.get(f"/admin/articles/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/articles/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_service_decides_on_the_locked_row_not_the_callers_copy(editor):
    live = story_in(S.PUBLISHED)
    stale = Article.objects.get(pk=live.pk)
    services.return_to_draft(live, actor=editor)  # someone else moved it meanwhile
    assert stale.status == S.PUBLISHED
    with pytest.raises(services.StoryTransitionError):
        services.unpublish(stale, actor=editor)  # draft → unpublished is not in the table
    assert Article.objects.get(pk=live.pk).status == S.DRAFT


def test_reporter_cannot_schedule_changes_the_field_is_disabled_and_ignored(client, reporter_user):
    mine = story_in(S.DRAFT, headline="Mine", reporters=[reporter_user.reporter])
    client.force_login(reporter_user)
    page = client.get(f"/admin/articles/article/{mine.pk}/change/").content.decode()
    assert 'name="schedule_update_at_0"' in page and "Editors set this." in page
    when = timezone.localtime(timezone.now() + timedelta(hours=3))
    response = client.post(f"/admin/articles/article/{mine.pk}/change/", admin_form(
        mine, headline="Mine, edited", schedule_update_at_0=when.strftime("%Y-%m-%d"),
        schedule_update_at_1=when.strftime("%H:%M:%S")))
    assert response.status_code == 302, errors(response)
    assert Article.objects.get(pk=mine.pk).headline == "Mine, edited" and not mine.scheduled_updates.exists()


def test_a_move_refused_only_under_the_lock_is_a_message_not_a_500(client, editor, monkeypatch):
    from articles.forms import ArticleAdminForm

    live = story_in(S.PUBLISHED, headline="Live")
    # As if the form had been validated just before another editor's change: the form check passes, the service
    # refuses on the locked row.
    monkeypatch.setattr(ArticleAdminForm, "_check_with_services", lambda self, cleaned: None)
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(
        live, workflow="review", headline="Not saved"), follow=True)
    assert response.status_code == 200 and "Nothing was saved: A story that is published cannot be moved" in (
        response.content.decode())
    stored = Article.objects.get(pk=live.pk)
    assert (stored.headline, stored.status) == ("Live", S.PUBLISHED)
