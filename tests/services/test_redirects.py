"""Old URLs keep answering: a published story's old slugs (services.save_story), and old section, reporter and tag
slugs (articles.signals), each 301 to where the page is now."""
import pytest
from taggit.models import Tag

from articles import services, tags
from articles.models import Article, ArticleSlug, Section
from tests.factories import change_story, make_reporter, make_story, publish_story
from tests.services.test_lifecycle import admin_form, errors


def test_regression_renaming_a_live_storys_slug_keeps_every_old_url(client, editor):
    live = publish_story(headline="Rains lash Mumbai")
    first_url = live.get_absolute_url()
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{live.pk}/change/", admin_form(live, slug="mumbai-rains"))
    assert response.status_code == 302, errors(response)
    live = change_story(live, slug="mumbai-rains-day-two")
    client.logout()
    for old in (first_url, "/story/mumbai-rains/"):
        response = client.get(old + "?utm=x")
        assert response.status_code == 301 and response["Location"] == "/story/mumbai-rains-day-two/?utm=x"
    assert client.get("/story/mumbai-rains-day-two/").status_code == 200


def test_an_old_slug_taken_back_is_current_again(db):
    live = publish_story(headline="Budget")
    change_story(live, slug="budget-2026")
    change_story(live, slug="budget")
    assert list(ArticleSlug.objects.values_list("slug", flat=True)) == ["budget-2026"]


def test_a_draft_renamed_keeps_no_old_url_and_a_hidden_story_does_not_redirect(client, db):
    draft = make_story(headline="Draft")
    change_story(draft, slug="draft-renamed")
    assert not ArticleSlug.objects.exists()
    live = publish_story(headline="Pulled")
    change_story(live, slug="pulled-renamed")
    from articles import services

    services.unpublish(live, actor=services.COMMAND)
    assert client.get("/story/pulled/").status_code == 404


@pytest.mark.parametrize("kind", ["section", "reporter", "tag"])
def test_renamed_listing_slugs_answer_301(client, db, kind):
    reporter = make_reporter("Ritu Sharma")
    publish_story(reporters=[reporter], tags=["Monsoon"])
    obj = {"section": Section.objects.get(slug="world"), "reporter": reporter, "tag": Tag.objects.get(name="Monsoon")}[kind]
    old = obj.slug
    obj.slug = f"{old}-new"
    if kind == "tag":  # a tag's rename changes its stories: only through the tag services (articles/tags.py)
        tags.rename_tag(obj, name=obj.name, slug=obj.slug, actor=services.COMMAND)
    else:
        obj.save()
    response = client.get(f"/{kind}/{old}/?page=2")
    assert response.status_code == 301 and response["Location"] == f"/{kind}/{old}-new/?page=2"
    for feed in ("rss", "atom"):
        response = client.get(f"/{kind}/{old}/{feed}/")
        assert response.status_code == 301 and response["Location"] == f"/{kind}/{old}-new/{feed}/"
        assert client.get(response["Location"]).status_code == 200
    assert client.get(f"/{kind}/{old}-new/").status_code == 200
    assert client.get(f"/{kind}/never-existed/").status_code == 404
    assert client.get(f"/{kind}/never-existed/rss/").status_code == 404


def test_section_renamed_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    section = Section.objects.get(slug="world")
    response = client.post(f"/admin/articles/section/{section.pk}/change/", {
        "name": section.name, "slug": "international", "order": section.order, "in_navigation": "on"})
    assert response.status_code == 302
    client.logout()
    assert client.get("/section/world/")["Location"] == "/section/international/"
    assert Article.objects.count() == 0


def test_the_ninjs_export_follows_old_story_slugs_too(client, db):
    live = publish_story(headline="Ferry runs")
    change_story(live, slug="ferry-keeps-running")
    response = client.get("/story/ferry-runs.json")
    assert response.status_code == 301 and response["Location"] == "/story/ferry-keeps-running.json"
    assert client.get("/story/never-was.json").status_code == 404


def test_a_new_section_taking_an_old_slug_drops_the_redirect(client, db):
    world = Section.objects.get(slug="world")
    world.slug = "international"
    world.save()
    Section.objects.create(name="World (new)", slug="world")
    assert client.get("/section/world/").status_code == 200
    from articles.models import ListingSlug

    assert not ListingSlug.objects.filter(slug="world").exists()
