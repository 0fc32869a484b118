"""articles/related.py: related stories computed when stories change through the services, kept, and read by the
story page filtered by what readers may see."""
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import related, scheduler, services
from articles.models import Article, RelatedList, RelatedStory, Section
from core import pagecache
from tests.factories import change_story, make_story, publish_story, settled

NOW = datetime(2026, 6, 1, 6, 30, tzinfo=dt_timezone.utc)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


@pytest.fixture(autouse=True)
def at_now(db):
    with time_machine.travel(NOW, tick=False):
        yield


def kept(story) -> list[str]:
    """The story's kept related list, as headlines in rank order."""
    rows = RelatedStory.objects.filter(story=story).order_by("position").select_related("related")
    return [row.related.headline for row in rows]


def save(story, *, tags=None, section=None, headline=None) -> Article:
    story = Article.objects.get(pk=story.pk)
    if section:
        story.section = Section.objects.get(slug=section)
    if headline:
        story.headline = headline
    names = list(story.tags.names()) if tags is None else tags
    return settled(services.save_story(story, services.Related(story.ordered_reporters(), names, []), actor=services.COMMAND))


def test_saving_a_story_ranks_and_keeps_its_related_stories():
    publish_story(headline="Two shared", tags=["rain", "delhi"], section_slug="world", at=ago(5))
    publish_story(headline="One shared, newer", tags=["rain"], section_slug="world", at=ago(1))
    publish_story(headline="Same section", section_slug="india", at=ago(2))
    publish_story(headline="Unrelated", tags=["cricket"], section_slug="sports", at=ago(0.5))
    make_story(headline="A draft", tags=["rain", "delhi"], section_slug="india")
    story = make_story(headline="Story", tags=["rain", "delhi"], section_slug="india")  # a draft has a list too
    assert kept(story) == ["Two shared", "One shared, newer", "Same section"]
    assert RelatedList.objects.get(story=story).inputs == related.inputs_of([story.pk])[story.pk].text()


def test_publishing_puts_a_story_into_the_lists_of_its_neighbours():
    older = publish_story(headline="Older", tags=["rain"], section_slug="world", at=ago(10))
    other = publish_story(headline="Other section", tags=["cricket"], section_slug="sports", at=ago(9))
    assert kept(older) == []
    new = make_story(headline="New", tags=["rain"], section_slug="india")
    assert kept(older) == []  # a draft is nobody's related story
    settled(services.publish(new, actor=services.COMMAND))
    assert kept(older) == ["New"] and kept(new) == ["Older"]
    assert kept(other) == []


def test_unpublishing_or_trashing_takes_a_story_out_of_the_lists_holding_it():
    holder = publish_story(headline="Holder", tags=["rain"], at=ago(10))
    first = publish_story(headline="First", tags=["rain"], at=ago(2))
    second = publish_story(headline="Second", tags=["rain"], at=ago(1))
    assert kept(holder) == ["Second", "First"]
    settled(services.unpublish(second, actor=services.COMMAND))
    assert kept(holder) == ["First"]
    settled(services.trash(first, actor=services.COMMAND))
    assert kept(holder) == []
    settled(services.publish(Article.objects.get(pk=second.pk), actor=services.COMMAND))  # published again
    assert kept(holder) == ["Second"]


def test_a_tag_or_section_change_moves_a_story_between_lists():
    rain = publish_story(headline="Rain story", tags=["rain"], section_slug="world", at=ago(10))
    cricket = publish_story(headline="Cricket story", tags=["cricket"], section_slug="sports", at=ago(9))
    mover = publish_story(headline="Mover", tags=["rain"], section_slug="world", at=ago(1))
    assert (kept(rain), kept(cricket)) == (["Mover"], [])
    save(mover, tags=["cricket"])
    assert (kept(rain), kept(cricket)) == (["Mover"], ["Mover"])  # still the same section as the rain story
    save(mover, section="sports")
    assert (kept(rain), kept(cricket), kept(mover)) == ([], ["Mover"], ["Cricket story"])


def test_a_change_that_moves_none_of_its_inputs_computes_nothing():
    story = publish_story(headline="Story", tags=["rain"], at=ago(2))
    publish_story(headline="Neighbour", tags=["rain"], at=ago(1))
    before = RelatedList.objects.get(story=story).computed_at
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False), CaptureQueriesContext(connection) as queries:
        save(story, headline="Story, corrected")
    assert RelatedList.objects.get(story=story).computed_at == before
    writes = [q["sql"] for q in queries.captured_queries if "related" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []


def test_the_work_per_change_is_bounded_by_the_candidate_window(monkeypatch):
    monkeypatch.setattr(related, "CANDIDATES", 3)
    old = [publish_story(headline=f"India {i}", section_slug="india", at=ago(20 - i)) for i in range(6)]
    stamps = {story.pk: RelatedList.objects.get(story=story).computed_at for story in old}
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        new = publish_story(headline="Newest", section_slug="india", at=NOW + timedelta(minutes=5))
    refreshed = {story.headline for story in old if RelatedList.objects.get(story=story).computed_at != stamps[story.pk]}
    assert refreshed == {"India 5", "India 4", "India 3"}  # its window (the 3 newest), and nobody held it before
    assert kept(new) == ["India 5", "India 4", "India 3"]


def test_a_changed_list_purges_its_related_key_after_commit(django_capture_on_commit_callbacks):
    holder = publish_story(headline="Holder", tags=["rain"], at=ago(10))
    bystander = publish_story(headline="Bystander", tags=["cricket"], section_slug="sports", at=ago(9))
    keys = [f"related:{holder.pk}", f"related:{bystander.pk}"]
    before = pagecache.current_tokens(keys)
    with django_capture_on_commit_callbacks(execute=True):
        publish_story(headline="New", tags=["rain"], at=ago(1))
    after = pagecache.current_tokens(keys)
    assert after[keys[0]] != before[keys[0]] and after[keys[1]] == before[keys[1]]


def related_on_page(client, story) -> list[str]:
    html = client.get(story.get_absolute_url()).content.decode()
    if 'id="related-heading"' not in html:
        return []
    rail = html.split('id="related-heading"')[1].split('id="most-recent-heading"')[0]
    return re.findall(r'card__headline"?>\s*<a href="[^"]+">([^<]+)</a>', rail)


def test_the_page_shows_the_kept_stories_that_readers_may_see_and_never_another(client):
    story = publish_story(headline="Story", tags=["rain"], at=ago(10))
    publish_story(headline="Going live soon", tags=["rain"], at=NOW + timedelta(hours=1))
    expiring = publish_story(headline="Expiring", tags=["rain"], at=ago(3))
    change_story(expiring, expires_at=NOW + timedelta(minutes=30))
    for i in range(4):
        publish_story(headline=f"Rain {i}", tags=["rain"], at=ago(4 + i))
    publish_story(headline="Not in the list", section_slug="sports", at=ago(0.1))
    assert kept(story) == ["Going live soon", "Expiring", "Rain 0", "Rain 1", "Rain 2", "Rain 3"]
    assert related_on_page(client, story) == ["Expiring", "Rain 0", "Rain 1", "Rain 2"]
    with time_machine.travel(NOW + timedelta(minutes=40), tick=False):  # expired; no scheduler pass yet
        assert related_on_page(client, story) == ["Rain 0", "Rain 1", "Rain 2", "Rain 3"]
        scheduler.apply_due_updates()  # the pass hook drops it from the kept list
        assert "Expiring" not in kept(story)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):  # live at its instant, with no worker
        assert related_on_page(client, story) == ["Going live soon", "Rain 0", "Rain 1", "Rain 2"]


def test_fill_related_computes_lists_for_stories_made_without_the_services():
    publish_story(headline="Made by the services", tags=["rain"], at=ago(5))
    out = StringIO()
    call_command("generate_newsroom", stories=20, reporters=3, tags=4, stdout=out, stderr=StringIO())
    assert "computed the related stories of 20 stories" in out.getvalue()
    generated = Article.objects.filter(slug__startswith="bench-story-")
    assert not generated.filter(related_list__isnull=True).exists()
    story = generated.order_by("-published_at").last()
    expected = related.rank(related.candidates(story.pk, related.inputs_of([story.pk])[story.pk], NOW))
    assert list(RelatedStory.objects.filter(story=story).values_list("related_id", flat=True)) == expected
    out = StringIO()
    call_command("fill_related", stdout=out, stderr=StringIO())
    assert "of 0 stories" in out.getvalue()  # only those never computed, unless --all


def test_the_candidate_query_is_the_orm_query_it_replaces():
    """related.candidates() is SQL for speed; the same question asked through the ORM gives the same rows."""
    from django.db.models import Count, Exists, OuterRef, Q

    from articles.models import TaggedArticle

    tags = ["rain", "delhi", "traffic", "cricket"]
    for i in range(12):
        story = publish_story(headline=f"S{i}", tags=tags[i % 4: i % 4 + (i % 3)], section_slug=["india", "world"][i % 2],
                              at=ago(i) if i % 5 else NOW + timedelta(hours=i))
        if i % 4 == 3:
            change_story(story, expires_at=ago(0.5))
    story = make_story(headline="Asking", tags=["rain", "delhi"], section_slug="india")
    inputs = related.inputs_of([story.pk])[story.pk]
    tagged = TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=inputs.tag_ids)
    expected = list(
        Article.objects.filter(status="published").filter(Q(expires_at__isnull=True) | Q(expires_at__gt=NOW))
        .exclude(pk=story.pk).filter(Q(section_id=inputs.section_id) | Exists(tagged))
        .annotate(shared=Count("tagged_items", filter=Q(tagged_items__tag_id__in=inputs.tag_ids)))
        .order_by("-published_at", "-id").values_list("pk", "shared")
    )
    assert related.candidates(story.pk, inputs, NOW) == expected
    assert any(shared == 2 for _, shared in expected) and any(shared == 0 for _, shared in expected)
    untagged = make_story(headline="No tags", section_slug="world")
    plain = related.candidates(untagged.pk, related.inputs_of([untagged.pk])[untagged.pk], NOW)
    world = Article.objects.filter(status="published", section__slug="world").filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=NOW)).order_by("-published_at", "-id")
    assert plain == [(pk, 0) for pk in world.values_list("pk", flat=True)] and plain


def test_a_scheduled_update_that_changes_tags_moves_the_story_between_lists_when_it_is_applied():
    rain = publish_story(headline="Rain story", tags=["rain"], section_slug="world", at=ago(10))
    cricket = publish_story(headline="Cricket story", tags=["cricket"], section_slug="sports", at=ago(9))
    story = publish_story(headline="Updated later", tags=["rain"], section_slug="india", at=ago(1))
    snap = dict(services.snapshot(Article.objects.get(pk=story.pk)), tags=["cricket"])
    services.queue_update(story, snap, go_live_at=NOW + timedelta(hours=1), actor=services.COMMAND)
    assert (kept(rain), kept(cricket)) == (["Updated later"], [])  # queued, not yet applied
    with time_machine.travel(NOW + timedelta(hours=1, minutes=1), tick=False):
        assert settled(scheduler.apply_due_updates()) == 1
    assert (kept(rain), kept(cricket)) == ([], ["Updated later"])
