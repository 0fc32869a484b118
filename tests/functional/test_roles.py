"""Each role sees and does only what it may; the server enforces it, not just the forms."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from articles import services
from articles.models import Article
from tests.factories import make_reporter, make_story
from tests.functional.test_admin_editing import story_form


def member(role, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reporter_user(db):
    user = member("Reporter", "ritu")
    make_reporter("Ritu Sharma", user=user)
    return user


def login(client, user):
    client.force_login(user)
    return client


def test_groups_exist_with_their_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor", "Ad operations"}
    assert member("Editor", "ed").has_perm("articles.publish_article")
    assert not member("Reporter", "rep").has_perm("articles.publish_article")
    ads = member("Ad operations", "adops")
    assert ads.has_perm("ads.change_adslot") and not ads.has_perm("articles.view_article")


def test_reporter_writes_a_draft_and_submits_it_but_cannot_publish(client, reporter_user):
    login(client, reporter_user)
    me = reporter_user.reporter
    form = client.get("/admin/articles/article/add/").content.decode()
    assert 'value="published"' not in form  # the status choice is not offered
    response = client.post("/admin/articles/article/add/", story_form(byline_reporters=[str(me.pk)], workflow="review"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == "review" and article.created_by == reporter_user
    # Forcing the choice is refused by the form; the service refuses it too.
    response = client.post(f"/admin/articles/article/{article.pk}/change/", story_form(
        byline_reporters=[str(me.pk)], workflow="published", edit_version_seen=str(article.edit_version)))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.publish(article, actor=reporter_user)
    assert Article.objects.get().status == "review"


def test_reporter_sees_only_own_stories_and_cannot_edit_published_ones(client, reporter_user):
    mine = make_story(headline="Mine by byline", reporters=[reporter_user.reporter])
    theirs = make_story(headline="Someone else's", reporters=[make_reporter("Arjun Mehta")])
    published_mine = services.publish(make_story(headline="Mine and live", reporters=[reporter_user.reporter]), actor=services.COMMAND)
    login(client, reporter_user)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Mine by byline" in listing and "Mine and live" in listing
    assert "Someone else" not in listing
    refused = client.get(f"/admin/articles/article/{theirs.pk}/change/")  # exists, not theirs: says so
    assert refused.status_code == 403 and "Ask an editor to add your byline" in refused.content.decode()
    assert client.get(f"/admin/articles/article/{mine.pk}/change/").status_code == 200
    # A published story opens read-only and a POST is refused.
    response = client.post(f"/admin/articles/article/{published_mine.pk}/change/", story_form(
        byline_reporters=[str(reporter_user.reporter.pk)], headline="Sneaky edit"))
    assert response.status_code == 403
    assert Article.objects.get(pk=published_mine.pk).headline == "Mine and live"
    assert client.get(f"/preview/{theirs.pk}/").status_code == 403


def test_editor_publishes_and_unpublishes(client, db):
    editor = member("Editor", "neha")
    story = make_story(headline="Ready to go")
    login(client, editor)
    form = story_form(headline="Ready to go", slug=story.slug, byline_reporters=[str(story.ordered_reporters()[0].pk)],
                      edit_version_seen=str(story.edit_version))
    assert client.post(f"/admin/articles/article/{story.pk}/change/", form).status_code == 302
    story.refresh_from_db()
    assert story.state() == "published"
    form.update(workflow="unpublished", edit_version_seen=str(story.edit_version))
    assert client.post(f"/admin/articles/article/{story.pk}/change/", form).status_code == 302
    assert Article.objects.get(pk=story.pk).status == "unpublished"


def test_ad_operations_sees_ads_only(client, db):
    login(client, member("Ad operations", "adops"))
    assert client.get("/admin/ads/adslot/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 403
    assert client.get("/admin/articles/article/schedule/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Ad slots" in index and "Articles" not in index
