"""A story's identifiers outlive its slug: feed GUIDs (RSS guid, Atom id) and the ninjs `uri` are its key.

Slugs change (an editor fixes a headline), so neither identifier is built from one:
feeds use `urn:newsroom:<SITE_URL host>:article:<id>`, the ninjs export the same URN, or the wire's own uri for
wire copy. A story exported, changed and exported again is still recognised by the ingest that read the first
export: it updates its copy instead of adding a second one.
"""
import json
from io import StringIO

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles import services
from articles.models import Article
from tests.factories import change_story, make_reporter, make_story

BODY = "<p>The council met on Monday.</p><p>It voted to keep the ferry running.</p>"


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("desk", "desk@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def story(db):
    article = make_story(headline="Ferry service to continue", body=BODY, reporters=[make_reporter("Asha Rao")], tags=["Kollam"])
    return services.publish(article, actor=services.COMMAND)


def rename(article: Article, *, slug: str, headline: str | None = None, user=None) -> Article:
    """Change the slug (and optionally the headline) through the story service, as the admin does."""
    article.slug = slug
    if headline:
        article.headline = headline
    related = services.Related(
        reporters=article.ordered_reporters(),
        tags=sorted(article.tags.names()),
        photos=[use.photo for use in article.inline_photos.all()],
    )
    services.save_story(article, related, actor=user or services.COMMAND)
    article.refresh_from_db()
    return article


def identifiers(client, article: Article) -> dict:
    rss = feedparser.parse(client.get("/feeds/rss/").content)
    atom = feedparser.parse(client.get("/feeds/atom/").content)
    export = client.get(f"/story/{article.slug}.json")
    assert export.status_code == 200
    [rss_item] = [e for e in rss.entries if e.title == article.headline]
    [atom_entry] = [e for e in atom.entries if e.title == article.headline]
    return {"rss guid": rss_item.id, "rss link": rss_item.link, "atom id": atom_entry.id, "ninjs uri": export.json()["uri"]}


def test_a_slug_change_keeps_feed_guids_and_the_ninjs_uri(client, editor, story):
    before = identifiers(client, story)
    assert before["rss guid"] == before["atom id"] == before["ninjs uri"] == f"urn:newsroom:testserver:article:{story.pk}"

    story = rename(story, slug="kollam-ferry-service-to-continue", user=editor)
    after = identifiers(client, story)

    assert after["rss link"].endswith("/kollam-ferry-service-to-continue/")  # the link follows the slug...
    assert after["rss link"] != before["rss link"]
    assert {k: v for k, v in after.items() if k != "rss link"} == {k: v for k, v in before.items() if k != "rss link"}


def test_the_rss_guid_is_not_a_permalink(client, story):
    assert b'<guid isPermaLink="false">urn:newsroom:testserver:article:' in client.get("/feeds/rss/").content


def test_wire_copy_keeps_the_wire_uri_in_ninjs_and_this_sites_key_in_feeds(client, editor, story):
    story = change_story(story, wire_uri="urn:agency:2026:ferry-4411")
    story.refresh_from_db()
    before = identifiers(client, story)
    assert before["ninjs uri"] == "urn:agency:2026:ferry-4411"
    assert before["rss guid"] == before["atom id"] == f"urn:newsroom:testserver:article:{story.pk}"

    story = rename(story, slug="ferry-service-continues", user=editor)
    after = identifiers(client, story)
    assert (after["ninjs uri"], after["rss guid"], after["atom id"]) == (
        before["ninjs uri"], before["rss guid"], before["atom id"]
    )


def test_a_renamed_story_exported_again_updates_the_ingested_copy(client, editor, story, tmp_path):
    """The importing side (here: the same database, whose copy carries the export's uri as its wire uri)."""

    def export_and_ingest(article: Article) -> str:
        document = client.get(f"/story/{article.slug}.json").json()
        path = tmp_path / f"{article.slug}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        out = StringIO()
        call_command("ingest_ninjs", "--publish", str(path), stdout=out)
        return out.getvalue().split()[0]

    uri = f"urn:newsroom:testserver:article:{story.pk}"
    assert export_and_ingest(story) == "created"
    copy = Article.objects.get(wire_uri=uri)

    story = rename(story, slug="ferry-to-keep-running", headline="Ferry to keep running", user=editor)
    assert export_and_ingest(story) == "updated"
    assert Article.objects.filter(wire_uri=uri).count() == 1
    copy.refresh_from_db()
    assert copy.headline == "Ferry to keep running"
