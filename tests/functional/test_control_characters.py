"""Feeds and XML never fail on text (issue 12, point 6): control characters are removed when text is saved (stories
through save_story, everything else by model save), feeds and the news sitemap stay valid XML even for rows written
before that, and channel descriptions are escaped like item descriptions."""
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from articles import services
from articles.models import Article, Section
from photos.models import Credit, Photo
from reporters.models import Reporter
from tests.factories import make_photo, make_reporter, make_story, test_setup_writes

# Control characters, a non-character, and the bidi overrides and isolates (U+202E right-to-left override makes
# "Monsoon" read "noosnoM"; U+2066-U+2069 isolate and reorder a run): none of them reaches a reader.
NASTY = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\ufffe\u202e\u2066\u202a\u2069\u202c"


def xml_pages():
    reporter, tag = Reporter.objects.get().slug, Tag.objects.get().slug
    feeds = ["/feeds/rss/", "/feeds/atom/", "/section/world/rss/", "/section/world/atom/",
             f"/reporter/{reporter}/rss/", f"/reporter/{reporter}/atom/", f"/tag/{tag}/rss/", f"/tag/{tag}/atom/"]
    return [*feeds, "/sitemap.xml", "/sitemap-news.xml", "/sitemap-articles.xml", "/sitemap-tags.xml",
            "/sitemap-reporters.xml", "/sitemap-sections.xml"]


def dirty(text, nul=True):
    """`text` with control characters in it; without NUL where a test helper queries by it (PostgreSQL refuses a
    NUL even as a query parameter; the real lookups, Credit.for_wire_name and get_or_create_by_name, clean first)."""
    nasty = NASTY if nul else NASTY.replace("\x00", "")
    return f"{nasty[:3]}{text[:3]}{nasty[3:6]}{text[3:]}{nasty[6:]}"


def assert_valid_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    etree.fromstring(response.content)  # raises on anything XML 1.0 cannot carry
    return response.content.decode()


@pytest.mark.django_db
def test_control_characters_are_removed_at_save_for_everything_readers_see(client):
    photo = make_photo(credit=dirty("Kerala Photo Desk", nul=False), alt=dirty("Boats on the river"),
                       caption=dirty("Kochi at dawn"))
    reporter = make_reporter(dirty("Ravi Kumar", nul=False), designation=dirty("Correspondent"), bio=dirty("Writes on rain."))
    section = Section.objects.get(slug="world")
    section.name = dirty("World")
    section.save()
    story = make_story(headline=dirty("Monsoon reaches Kerala"), standfirst=dirty("Rain arrives on time."),
                       body=f"<p>{dirty('One paragraph')}</p>", reporters=[reporter], tags=[dirty("Monsoon")],
                       hero=photo)
    services.publish(story, at=timezone.now() - timedelta(hours=1), actor=services.COMMAND)
    story.refresh_from_db()
    photo.refresh_from_db()
    assert (story.headline, story.standfirst) == ("Monsoon reaches Kerala", "Rain arrives on time.")
    assert story.body == "<p>One paragraph</p>"
    assert list(story.tags.names()) == ["Monsoon"]
    assert Reporter.objects.get(pk=reporter.pk).name == "Ravi Kumar"
    assert Reporter.objects.get(pk=reporter.pk).bio == "Writes on rain."
    assert Section.objects.get(pk=section.pk).name == "World"
    assert (photo.alt_text, photo.caption, photo.credit.name) == ("Boats on the river", "Kochi at dawn", "Kerala Photo Desk")
    for url in xml_pages():
        assert_valid_xml(client, url)


@pytest.mark.django_db
def test_reporter_name_typed_in_the_admin_is_cleaned(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-for-tests-only"))
    response = client.post("/admin/reporters/reporter/add/", {
        "name": "Asha\x0b Rao\x1f", "slug": "asha-rao", "designation": "Editor\x1b", "bio": "",
    })
    assert response.status_code == 302
    assert Reporter.objects.values_list("name", "designation").get() == ("Asha Rao", "Editor")


@pytest.mark.django_db
def test_a_name_that_cleans_to_an_existing_one_is_a_form_error_not_a_500(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "pw-for-tests-only"))
    existing = Section.objects.get(slug="world").name
    response = client.post("/admin/articles/section/add/", {
        "name": existing[:2] + "\x01" + existing[2:], "slug": "world-again", "order": 5, "in_navigation": "on",
    })
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Section.objects.filter(name=existing).count() == 1


@pytest.mark.django_db
def test_rows_written_before_the_cleaning_still_give_valid_feeds_and_sitemaps(client):
    """Text that bypassed save() (an old row, a bulk update) must not turn every feed into a 500."""
    reporter = make_reporter("Ravi Kumar")
    story = make_story(headline="Monsoon", reporters=[reporter], tags=["Monsoon"],
                       hero=make_photo(credit="AP", caption="Boats"))
    services.publish(story, at=timezone.now() - timedelta(hours=1), actor=services.COMMAND)
    # PostgreSQL cannot store a NUL at all; SQLite can, so there an old row may hold one.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    with test_setup_writes():  # Article and Tag rows are written only by the services: an old row is faked
        Article.objects.filter(pk=story.pk).update(headline="Mon\x0bsoon", standfirst=f"Rain{nul}\x1f today")
        Tag.objects.filter(name="Monsoon").update(name="Monsoon\x0c")
    Reporter.objects.filter(pk=reporter.pk).update(name="Ravi\x0b Kumar")
    Section.objects.filter(slug="world").update(name="World\x1b")
    Photo.objects.update(caption="Boats\x0b")
    Credit.objects.filter(name="AP").update(name="AP\x01")
    for url in xml_pages():
        assert_valid_xml(client, url)
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    assert feed.entries[0].title == "Monsoon" and feed.entries[0].summary == "Rain today"
    assert "<news:title>Monsoon</news:title>" in client.get("/sitemap-news.xml").content.decode()


@pytest.mark.django_db
def test_channel_descriptions_are_escaped_like_item_descriptions(client):
    name = "<b>Salt & Pepper</b>"
    make_story(headline="Spices", standfirst=name, tags=[name], reporters=[make_reporter("Ravi Kumar")])
    story = Article.objects.get()
    services.publish(story, at=timezone.now() - timedelta(hours=1), actor=services.COMMAND)
    slug = Tag.objects.get().slug
    rss = etree.fromstring(client.get(f"/tag/{slug}/rss/").content)
    channel_description = rss.findtext("channel/description")
    item_description = rss.findtext("channel/item/description")
    # Both are HTML (escaped once by us, once more by the XML writer): a reader shows the name literally.
    assert item_description == "&lt;b&gt;Salt &amp; Pepper&lt;/b&gt;"
    assert channel_description == "The latest stories about &lt;b&gt;Salt &amp; Pepper&lt;/b&gt; from Newsroom."
    parsed = feedparser.parse(client.get(f"/tag/{slug}/rss/").content)
    assert parsed.feed.description == "The latest stories about <b>Salt & Pepper</b> from Newsroom".replace(
        "<b>", "&lt;b&gt;").replace("</b>", "&lt;/b&gt;").replace(" & ", " &amp; ") + "."
    assert parsed.entries[0].summary == parsed.feed.description.split("about ")[1].split(" from")[0]
    atom = etree.fromstring(client.get(f"/tag/{slug}/atom/").content)
    subtitle = atom.findtext("{http://www.w3.org/2005/Atom}subtitle")
    assert subtitle == "The latest stories about <b>Salt & Pepper</b> from Newsroom."  # Atom: plain text


@pytest.mark.django_db
def test_live_entries_lose_control_and_bidi_override_characters(client):
    from tests.live.support import live_story, post

    article, blog, editor = live_story(headline="Counting day")
    entry = post(blog, editor, text=f"<p>{dirty('Leads in ward 4', nul=False)}</p>",
                 headline=dirty("Ward 4 result", nul=False))
    entry.refresh_from_db()
    assert (entry.headline, entry.body) == ("Ward 4 result", "<p>Leads in ward 4</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ward 4 result" in page and "\u202e" not in page and "\u2066" not in page
