"""Targeted purges: a change purges exactly the cached pages that show what changed, and no others.

The newsroom: a Business story (reporter Asha, tag "markets", hero photo credited to Reuters) and a Sports story
(reporter Bala, tag "cricket"), then five newer Sports stories by Chitra, so neither story's "Most recent" rail
shows the other. Every page below is cached first; after each change, a page answered from the cache ("hit")
was kept, any other answer means it was purged.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from ads.models import AdSlot, Advertiser, Campaign
from articles import services, tags
from articles.models import Article, Section
from core import pagecache
from photos import services as photo_services
from tests.factories import make_photo, make_reporter, make_story

HTML = {"home", "business", "sports", "biz_story", "sports_story", "reporter_a", "reporter_b", "markets", "cricket"}
NOT_HTML = {"site_rss", "sports_rss", "sitemap", "robots"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def newsroom(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asha, bala, chitra = make_reporter("Asha Rao"), make_reporter("Bala Iyer"), make_reporter("Chitra Sen")
        hero = make_photo(credit="Reuters", name="biz.jpg")
        biz = services.publish(
            make_story("Markets rally", section_slug="business", reporters=[asha], tags=["markets"], hero=hero),
            actor=services.COMMAND,
        )
        sports = services.publish(
            make_story("Cup final tonight", section_slug="sports", reporters=[bala], tags=["cricket"]),
            actor=services.COMMAND,
        )
        for n in range(5):
            services.publish(make_story(f"Sports brief {n}", section_slug="sports", reporters=[chitra]), actor=services.COMMAND)
    pages = {
        "home": "/",
        "business": "/section/business/",
        "sports": "/section/sports/",
        "biz_story": biz.get_absolute_url(),
        "sports_story": sports.get_absolute_url(),
        "reporter_a": asha.get_absolute_url(),
        "reporter_b": bala.get_absolute_url(),
        "markets": "/tag/markets/",
        "cricket": "/tag/cricket/",
        "site_rss": "/feeds/rss/",
        "sports_rss": "/section/sports/rss/",
        "sitemap": "/sitemap-articles.xml",
        "robots": "/robots.txt",
    }
    return {"biz": biz, "sports": sports, "asha": asha, "hero": hero, "pages": pages}


def save(story, **fields):
    for name, value in fields.items():
        setattr(story, name, value)
    related = services.Related(story.ordered_reporters(), list(story.tags.names()), [])
    return services.save_story(story, related, actor=services.COMMAND)


BIZ_STORY_SHOWN_ON = {"home", "business", "biz_story", "reporter_a", "markets", "site_rss", "sitemap"}


def test_editing_a_business_story_leaves_sports_pages_cached(change, newsroom):
    assert change(lambda: save(newsroom["biz"], headline="Markets rally again")) == BIZ_STORY_SHOWN_ON


def test_publishing_purges_its_listings_home_and_every_most_recent_rail(change, newsroom):
    asha = newsroom["asha"]
    new = make_story("Rupee steady", section_slug="business", reporters=[asha], tags=["markets"])
    assert change(lambda: services.publish(new, actor=services.COMMAND)) == (
        BIZ_STORY_SHOWN_ON | {"sports_story"}  # the rail under every story lists the newest
    )


def test_unpublishing_purges_hard_where_it_was_listed(change, newsroom, client):
    biz = newsroom["biz"]
    assert change(lambda: services.unpublish(biz, actor=services.COMMAND)) == BIZ_STORY_SHOWN_ON | {"sports_story"}
    assert client.get(newsroom["pages"]["biz_story"]).status_code == 404
    assert "Markets rally" not in client.get("/").content.decode()


def test_trash_purges_like_unpublish(change, newsroom):
    assert change(lambda: services.trash(newsroom["biz"], actor=services.COMMAND)) == BIZ_STORY_SHOWN_ON | {"sports_story"}


def test_moving_a_story_to_another_section_purges_both_sections(change, newsroom):
    assert change(lambda: save(newsroom["biz"], section=Section.objects.get(slug="sports"))) == (
        # Joins Sports: its page, its feed and its stories' related lists; leaves Business.
        BIZ_STORY_SHOWN_ON | {"sports", "sports_story", "sports_rss"}
    )


def test_renaming_a_section_purges_pages_with_navigation_and_its_cards(change):
    section = Section.objects.get(slug="business")
    section.name = "Money"
    # The navigation bar is on every HTML page; of the rest, only the site feed shows the name.
    assert change(lambda: section.save()) == HTML | {"site_rss", "sitemap"}


def test_editing_a_reporter_purges_bylines_and_their_page(change, newsroom):
    asha = newsroom["asha"]
    asha.designation = "Markets editor"
    assert change(lambda: asha.save()) == {"home", "business", "biz_story", "reporter_a", "markets", "site_rss", "sitemap"}


def test_editing_a_photo_purges_the_pages_showing_it(change, newsroom, admin_user):
    hero = newsroom["hero"]
    hero.caption = "Traders on the floor"
    assert change(lambda: photo_services.save_photo(hero, user=admin_user)) == BIZ_STORY_SHOWN_ON


def test_editing_a_credit_purges_the_pages_showing_its_photos(change, newsroom, admin_user):
    credit = newsroom["hero"].credit
    credit.name = "Reuters Pictures"
    assert change(lambda: photo_services.save_credit(credit, user=admin_user)) == BIZ_STORY_SHOWN_ON


def test_renaming_a_tag_purges_its_page_and_the_stories_showing_it(change):
    markets = Tag.objects.get(slug="markets")
    # Only through the tag services (articles/tags.py): each story carrying it gets a revision and is reindexed.
    rename = lambda: tags.rename_tag(markets, name="Stock markets", actor=services.COMMAND)  # noqa: E731
    assert change(rename) == {"biz_story", "markets", "site_rss", "sitemap"}


def test_an_ad_slot_change_purges_the_html_pages_and_a_campaign_none(change):
    slot = AdSlot.objects.get(key="sidebar")
    slot.name = "Right rail"
    assert change(lambda: slot.save()) == HTML
    advertiser = Advertiser.objects.create(name="Acme")

    def book():
        now = timezone.now()
        campaign = Campaign.objects.create(name="Sale", advertiser=advertiser, starts_at=now, ends_at=now + timedelta(days=1))
        campaign.slots.add(slot)  # chosen per view by /ads/serve/, never part of a cached page

    assert change(book) == set()


def test_users_groups_and_permissions_purge_nothing(change):
    """No cached page shows a user, a group or a permission: adding a user to a group (a many-to-many change of
    django.contrib.auth's) once purged every page on the site."""
    from django.contrib.auth.models import Group, Permission, User

    user = User.objects.create_user("newhire", "newhire@example.com", "pw", is_staff=True)
    group = Group.objects.get(name="Editor")
    assert change(lambda: user.groups.add(group)) == set()
    assert change(lambda: group.user_set.remove(user)) == set()
    assert change(lambda: user.user_permissions.add(Permission.objects.first())) == set()
    assert change(lambda: User.objects.create_user("another", "a@example.com", "pw")) == set()


def test_responses_carry_their_keys_for_a_cdn(client, newsroom):
    biz, hero = newsroom["biz"], newsroom["hero"]
    response = client.get(biz.get_absolute_url())
    keys = response["Surrogate-Key"].split()
    business = Section.objects.get(slug="business").pk
    assert {f"story:{biz.pk}", f"section:{business}", f"reporter:{newsroom['asha'].pk}", f"photo:{hero.pk}",
            f"tag:{Tag.objects.get(slug='markets').pk}", "listing:recent", "nav", "ads", "all"} <= set(keys)
    assert response["Cache-Tag"].split(",") == keys
    assert f"story:{newsroom['sports'].pk}" not in keys
    hit = client.get(biz.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit" and hit["Surrogate-Key"] == response["Surrogate-Key"]


def test_a_hard_purge_serves_no_copy_rendered_before_it(client, newsroom):
    url = newsroom["pages"]["biz_story"]
    client.get(url)
    key = pagecache.page_key(url, [])
    story_key = f"story:{newsroom['biz'].pk}"
    pagecache.purge_keys([story_key])  # soft: the stored copy is "stale", servable while someone re-renders
    assert pagecache._state(key, cache.get(key), None) == "stale"
    pagecache.purge_keys([story_key], hard=True)
    pagecache.purge_keys([story_key])  # a soft purge after a hard one does not make the old copy servable again
    assert pagecache._state(key, cache.get(key), None) == "dead"


def test_an_entry_stored_after_this_process_checked_the_epoch_is_checked_again(client, newsroom):
    """The epoch memo covers the entry it checked, not whatever a slower render stores under the same key later."""
    url = newsroom["pages"]["biz_story"]
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"  # checked at the current epoch and remembered
    key = pagecache.page_key(url, [])
    tokens, valid_until, started, headers, _, body = cache.get(key)[:6]  # then its edge deadline (issue 20)
    story_key = f"story:{newsroom['biz'].pk}"
    # A render that read its tokens before a purge of its story stores them after it (no epoch change seen here).
    stale_tokens = {**tokens, story_key: pagecache.new_token(0)}
    cache.set(key, (stale_tokens, valid_until, started, headers, pagecache.new_token(), body), 300)
    assert client.get(url)["X-Page-Cache"] != "hit"


# --- The "Most recent" rail is not part of the story page's identity (articles.rails) ------------------------------

def stored_keys(url) -> dict:
    return cache.get(pagecache.page_key(url, []))[0]


def test_story_pages_carry_the_rails_keys_softly(client, newsroom):
    url = newsroom["pages"]["biz_story"]  # no related stories: its rails are the five Sports briefs' lines
    client.get(url)
    keys = stored_keys(url)
    briefs = Article.objects.filter(headline__startswith="Sports brief").values_list("pk", flat=True)
    assert "~listing:recent" in keys and "listing:recent" not in keys
    assert {f"~story:{pk}" for pk in briefs} <= set(keys)  # the rail's lines: softly
    assert not {f"story:{pk}" for pk in briefs} & set(keys)
    assert f"story:{newsroom['biz'].pk}" in keys  # the story itself: as before


def test_a_publish_leaves_every_other_story_page_stale_not_dead_and_it_re_renders_from_kept_fragments(
        client, newsroom, django_capture_on_commit_callbacks):
    url = newsroom["pages"]["sports_story"]
    key = pagecache.page_key(url, [])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    new = make_story("Rupee steady", section_slug="business", reporters=[newsroom["asha"]])
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(new, actor=services.COMMAND)
    assert pagecache._state(key, cache.get(key), None) == "stale"  # today's hard wave: "dead" for every story page
    lock = pagecache.LOCK_KEY.format(page=key)
    cache.add(lock, 1, timeout=30)  # someone is re-rendering it: readers get the previous copy, nobody waits
    assert client.get(url)["X-Page-Cache"] == "stale"
    cache.delete(lock)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "Rupee steady" in response.content.decode()
    # The newest ids, the new story's line and the next scheduled instant; the story and its related list are kept.
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]
    # A story taken down is gone from its own page at once (hard), and from the rails one request later.
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(new, actor=services.COMMAND)
    assert pagecache._state(pagecache.page_key(new.get_absolute_url(), []), None, None) == "dead"
    assert pagecache._state(key, cache.get(key), None) == "stale"
    assert "Rupee steady" not in client.get(url).content.decode()


def test_with_esi_the_story_page_includes_the_rail_and_carries_none_of_its_keys(client, newsroom, settings,
                                                                               django_capture_on_commit_callbacks):
    settings.RAIL_ESI = True
    sports = newsroom["sports"]
    url = sports.get_absolute_url()
    page = client.get(url)
    rail_url = f"/rails/most-recent/{sports.pk}/"
    assert f'<esi:include src="{rail_url}"/>' in page.content.decode()
    assert "most-recent__item" not in page.content.decode()
    assert page["Surrogate-Control"] == 'content="ESI/1.0"'
    assert not any(name.endswith("listing:recent") for name in stored_keys(url))
    rail = client.get(rail_url)
    briefs = [f"Sports brief {n}" for n in range(5)]
    assert rail.status_code == 200 and all(b in rail.content.decode() for b in briefs)
    assert "Cup final tonight" not in rail.content.decode()  # the story under which it is included
    assert "listing:recent" in rail["Surrogate-Key"].split()
    assert client.get(rail_url)["X-Page-Cache"] == "hit" and client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(make_story("Rupee steady", section_slug="business"), actor=services.COMMAND)
    assert client.get(url)["X-Page-Cache"] == "hit"  # the story page is not purged by a publish elsewhere
    assert "Rupee steady" in client.get(rail_url).content.decode()
    assert client.get("/rails/most-recent/999999/").status_code == 404  # not a live story: no new cache entry
