"""articles/actors.py: every service call names its actor, and the rules are the services' (the admin follows them)."""
import pytest
from django.contrib.auth import get_user_model

from articles import actors, services
from articles.models import Article
from tests.factories import make_reporter, make_story, publish_story


def related(article):
    return services.Related(article.ordered_reporters(), [], [])


@pytest.mark.parametrize("call", [
    lambda a: services.save_story(a, related(a), actor=None),
    lambda a: services.publish(a, actor=None),
    lambda a: services.unpublish(a, actor=None),
    lambda a: services.submit_for_review(a, actor=None),
    lambda a: services.return_to_draft(a, actor=None),
    lambda a: services.trash(a, actor=None),
    lambda a: services.restore_revision(a.revisions.first(), actor=None),
    lambda a: services.queue_update(a, {}, go_live_at=a.created_at, actor=None),
])
def test_no_actor_is_refused(db, call):
    article = make_story()
    with pytest.raises(services.MissingActor):
        call(article)
    with pytest.raises(TypeError):  # and the keyword is required
        services.publish(article)


def test_system_actors_are_named_and_unknown_names_refused():
    assert str(services.INGEST) == "system (ingest)" and services.SCHEDULER.name == "scheduler"
    with pytest.raises(ValueError):
        actors.SystemActor("cron")


def test_non_staff_and_inactive_users_are_refused(db):
    users = get_user_model().objects
    outsider = users.create_user("reader", password="pw-for-tests-only")
    gone = users.create_superuser("gone", "g@example.com", "pw-for-tests-only")
    gone.is_active = False
    gone.save()
    for actor in (outsider, gone):
        with pytest.raises(services.StoryPermissionError):
            make_story(user=actor)


def test_reporter_rule_lives_in_the_services(reporter_user, editor):
    mine = make_story(headline="Mine", reporters=[reporter_user.reporter])
    mine.headline = "Mine, edited"
    assert services.save_story(mine, related(mine), actor=reporter_user).headline == "Mine, edited"
    theirs = make_story(headline="Theirs", reporters=[make_reporter("Arjun Mehta")])
    theirs.headline = "Not mine to edit"
    with pytest.raises(services.StoryPermissionError):
        services.save_story(theirs, related(theirs), actor=reporter_user)
    live = publish_story(headline="Mine and live", reporters=[reporter_user.reporter])
    live.headline = "Edited after publication"
    with pytest.raises(services.StoryPermissionError):
        services.save_story(live, related(live), actor=reporter_user)
    assert Article.objects.get(pk=live.pk).headline == "Mine and live"
    live.headline = "An editor may"
    assert services.save_story(live, related(live), actor=editor).headline == "An editor may"


def test_only_editors_queue_and_cancel_updates(reporter_user, editor):
    live = publish_story(reporters=[reporter_user.reporter])
    snap = services.snapshot(live)
    when = live.published_at.replace(year=live.published_at.year + 1)
    with pytest.raises(services.StoryPermissionError):
        services.queue_update(live, snap, go_live_at=when, actor=reporter_user)
    update = services.queue_update(live, snap, go_live_at=when, actor=editor)
    with pytest.raises(services.StoryPermissionError):
        services.cancel_update(update, actor=reporter_user)


def test_admin_offers_exactly_what_the_rules_allow(client, reporter_user, editor):
    mine = make_story(headline="Mine draft", reporters=[reporter_user.reporter])
    live = publish_story(headline="Mine live", reporters=[reporter_user.reporter])
    theirs = make_story(headline="Theirs draft", reporters=[make_reporter("Arjun Mehta")])
    client.force_login(reporter_user)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Mine draft" in listing and "Mine live" in listing and "Theirs draft" not in listing
    for article in (mine, live, theirs):
        assert actors.may_edit(reporter_user, article) == (article == mine)
    editable = actors.editable_stories(reporter_user, Article.objects.all())
    assert list(editable.values_list("pk", flat=True)) == [mine.pk]
    assert client.get(f"/admin/articles/article/{theirs.pk}/change/").status_code == 403  # not theirs: says so
    assert client.get(f"/admin/articles/article/{live.pk}/change/").status_code == 200  # read-only view
    assert set(actors.editable_stories(editor, Article.objects.all())) == {mine, live, theirs}


def test_ingest_and_scheduler_act_as_system_actors(db, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    (tmp_path / "item.json").write_text(json.dumps({
        "uri": "urn:test:actors:1", "type": "text", "version": "1", "headlines": [{"value": "Wire copy"}],
        "bodies": [{"contentType": "text/html", "value": "<p>Body.</p>"}], "by": "Agency Staff",
        "versioncreated": "2026-01-01T10:00:00+05:30",
    }))
    call_command("ingest_ninjs", str(tmp_path), stdout=StringIO())
    article = Article.objects.get(wire_uri="urn:test:actors:1")
    assert article.revisions.get().created_by is None
    from articles.models import AuditEntry

    services.publish(article, actor=services.COMMAND)
    assert AuditEntry.objects.filter(story_id=article.pk).first().actor_name == "system (command)"
