"""Which creative a slot shows, per view: dates to the second (IST), priority, weight, section targeting, house
fallback; counting per IST day; and the cost of all this to the article page (none)."""
import random
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from itertools import cycle

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from ads import counting, delivery
from ads.models import AdSlot, Advertiser, Campaign, Creative, DailyStat
from articles import services
from core.timefmt import IST
from tests.factories import image_bytes, make_story

START = datetime(2026, 3, 10, 10, 0, 0, tzinfo=IST)
END = datetime(2026, 3, 12, 18, 0, 0, tzinfo=IST)


def make_campaign(name="Monsoon sale", slots=("sidebar",), sections=(), starts=START, ends=END, weight=1,
                  priority=1, active=True, creatives=1, advertiser="Acme Umbrellas", click_url="https://acme.example/sale"):
    campaign = Campaign.objects.create(
        advertiser=Advertiser.objects.get_or_create(name=advertiser)[0], name=name, starts_at=starts, ends_at=ends,
        weight=weight, priority=priority, active=active, sections=list(sections),
    )
    campaign.slots.set(AdSlot.objects.filter(key__in=slots))
    for n in range(creatives):
        Creative.objects.create(
            campaign=campaign, name=f"{name} {n + 1}", kind=Creative.Kind.IMAGE, alt_text=f"{name} banner",
            image=SimpleUploadedFile(f"banner-{n}.png", image_bytes(fmt="PNG"), content_type="image/png"),
            click_url=click_url,
        )
    return campaign


def serve(client, slot="sidebar", section=None):
    url = f"/ads/serve/{slot}/" + (f"?section={section}" if section else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def served_campaign(client, **kwargs) -> str | None:
    data = serve(client, **kwargs)
    if data["kind"] == "house":
        return None
    return Creative.objects.get(pk=delivery.Ticket.read(data["beacon"].split("/")[-2], delivery.IMPRESSION_SALT).creative).campaign.name


class FixedRandom:
    """A random source that returns the given values in turn."""

    def __init__(self, *values):
        self.values = cycle(values)

    def random(self):
        return next(self.values)


# --- dates -------------------------------------------------------------------------------------------------


def test_campaign_runs_from_its_first_second_to_its_last(client, db):
    make_campaign()
    with time_machine.travel(START - timedelta(days=1), tick=False):
        assert served_campaign(client) is None  # the table is cached now, with the campaign still ahead
    for instant, expected in [
        (START - timedelta(seconds=1), None),
        (START, "Monsoon sale"),
        (END - timedelta(seconds=1), "Monsoon sale"),
        (END, None),
    ]:
        with time_machine.travel(instant, tick=False):
            assert served_campaign(client) == expected, instant


def test_paused_campaign_and_other_slots_get_the_house_creative(client, db):
    make_campaign(name="Paused", active=False)
    make_campaign(name="Header only", slots=("header",))
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert serve(client) == {"kind": "house"}
        assert served_campaign(client, slot="header") == "Header only"
        assert client.get("/ads/serve/no-such-slot/").status_code == 404


def test_house_fallback_when_nothing_runs(client, db):
    with time_machine.travel(START, tick=False):
        assert serve(client, slot="inline") == {"kind": "house"}


def test_a_change_in_the_admin_takes_effect_on_the_next_view(client, db):
    campaign = make_campaign()
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert served_campaign(client) == "Monsoon sale"
        campaign.ends_at = START + timedelta(minutes=30)
        campaign.save()
        assert served_campaign(client) is None


def test_serve_is_never_cached_and_costs_no_query_once_warm(client, db):
    make_campaign()
    with time_machine.travel(START, tick=False):
        response = client.get("/ads/serve/sidebar/")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"] == "application/json"
        with CaptureQueriesContext(connection) as queries:
            client.get("/ads/serve/sidebar/?section=india")
        assert len(queries) == 0


# --- priority, weight, targeting -----------------------------------------------------------------------------


def test_highest_priority_with_something_live_wins(client, db):
    make_campaign(name="Standard", weight=100, priority=1)
    make_campaign(name="Sponsorship", priority=5, starts=START + timedelta(hours=1))
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert {served_campaign(client) for _ in range(20)} == {"Standard"}  # the sponsorship is not live yet
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        assert {served_campaign(client) for _ in range(20)} == {"Sponsorship"}


def test_weights_share_views_in_proportion():
    table = [
        {"id": 1, "start": 0, "end": 10, "priority": 1, "weight": 1, "slots": {"s"}, "sections": set(),
         "creatives": [{"id": 11}]},
        {"id": 2, "start": 0, "end": 10, "priority": 1, "weight": 3, "slots": {"s"}, "sections": set(),
         "creatives": [{"id": 21}, {"id": 22}]},
    ]
    # Deterministic: the random point falls in [0, 1) for campaign 1, [1, 4) for campaign 2.
    assert delivery.pick(table, "s", "", 5, FixedRandom(0.2, 0.0))[0]["id"] == 1
    assert delivery.pick(table, "s", "", 5, FixedRandom(0.3, 0.0))[1]["id"] == 21
    assert delivery.pick(table, "s", "", 5, FixedRandom(0.99, 0.99))[1]["id"] == 22
    # Statistically, with a seeded source: 1 : 3, creatives of a campaign evenly.
    rng = random.Random(20260310)
    picks = Counter(delivery.pick(table, "s", "", 5, rng)[1]["id"] for _ in range(20000))
    share = (picks[21] + picks[22]) / 20000
    assert 0.735 < share < 0.765, picks
    assert abs(picks[21] - picks[22]) < 0.05 * (picks[21] + picks[22]), picks
    assert delivery.pick(table, "s", "", 10, rng) is None  # the end instant is not live


def test_section_targeting(client, db):
    make_campaign(name="India only", sections=["india"], priority=2)
    make_campaign(name="Everywhere", priority=1)
    with time_machine.travel(START, tick=False):
        assert served_campaign(client, section="india") == "India only"
        assert served_campaign(client, section="world") == "Everywhere"
        assert served_campaign(client) == "Everywhere"  # home, tags: no section
        assert served_campaign(client, section="<script>") == "Everywhere"  # not a slug: no section


def test_weighted_rotation_through_the_endpoint(client, db, monkeypatch):
    make_campaign(name="Light", weight=1)
    make_campaign(name="Heavy", weight=4)
    monkeypatch.setattr("ads.views._rng", random.Random(7))
    with time_machine.travel(START, tick=False):
        seen = Counter(served_campaign(client) for _ in range(500))
    assert 0.72 < seen["Heavy"] / 500 < 0.88, seen


# --- counting ---------------------------------------------------------------------------------------------------


def test_impressions_count_per_ist_day_once_per_view(client, db):
    campaign = make_campaign(starts=datetime(2026, 3, 9, tzinfo=IST))
    late_evening = datetime(2026, 3, 10, 23, 59, 30, tzinfo=IST)  # 18:29:30 UTC, still the 10th in IST
    for instant, views in [(late_evening, 3), (late_evening + timedelta(minutes=1), 2)]:
        with time_machine.travel(instant, tick=False):
            for _ in range(views):
                beacon = serve(client)["beacon"]
                assert client.post(beacon).status_code == 204
                assert client.post(beacon).status_code == 204  # a replayed beacon is not counted again
    days = dict(DailyStat.objects.filter(campaign=campaign).values_list("day", "impressions"))
    assert days == {date(2026, 3, 10): 3, date(2026, 3, 11): 2}
    assert client.get(beacon).status_code == 405  # POST only (sendBeacon)
    assert client.post("/ads/impression/forged:token/").status_code == 400


def test_a_beacon_long_after_its_view_is_not_counted(client, db):
    make_campaign()
    with time_machine.travel(START, tick=False):
        beacon = serve(client)["beacon"]
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        assert client.post(beacon).status_code == 204
    assert not DailyStat.objects.exists()


def test_counting_sends_no_save_signal(db):
    """Cached pages are purged on every ads model's post_save; counting an impression must not do that."""
    campaign = make_campaign()
    creative = campaign.creatives.get()
    saved = []

    def receiver(sender, **kwargs):
        saved.append(sender)

    post_save.connect(receiver, sender=DailyStat, weak=False)
    try:
        counting.record(campaign.id, creative.id, impressions=1)
        counting.record(campaign.id, creative.id, clicks=1)
    finally:
        post_save.disconnect(receiver, sender=DailyStat)
    row = DailyStat.objects.get()
    assert (row.impressions, row.clicks) == (1, 1) and saved == []
    assert counting.record(campaign.id, 999999, impressions=1) is False  # a deleted creative counts nothing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_counts_are_never_lost():
    """Eight threads count 25 impressions each into the same new day: one row, 200 impressions."""
    campaign = make_campaign()
    creative = campaign.creatives.get()
    barrier = threading.Barrier(8)
    errors = []

    def worker():
        try:
            barrier.wait()
            for _ in range(25):
                counting.record(campaign.id, creative.id, impressions=1)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(DailyStat.objects.values_list("impressions", flat=True)) == [200]


# --- the article page pays nothing for ads ----------------------------------------------------------------------


def article_page_queries(client, url) -> int:
    cache.clear()  # cold: the slot map is built on this request, whatever it holds
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_page_query_count_does_not_grow_with_slots_or_campaigns(client, db):
    story = services.publish(make_story(headline="Long read", body="".join(f"<p>Paragraph {n}.</p>" for n in range(1, 21))), actor=services.COMMAND)
    url = story.get_absolute_url()
    AdSlot.objects.filter(key="inline").update(repeat_every=None)
    one_inline = article_page_queries(client, url)
    assert client.get(url).content.decode().count('data-slot="inline"') == 1

    AdSlot.objects.filter(key="inline").update(repeat_every=2)
    for n in range(8):
        AdSlot.objects.create(key=f"extra-{n}", name=f"Extra {n}", placement="sidebar", width=300, height=250)
    for n in range(25):
        make_campaign(name=f"Campaign {n}", slots=("inline", "sidebar", "header", "after-byline"),
                      sections=["world"] if n % 2 else [], creatives=2)
    many = article_page_queries(client, url)
    html = client.get(url).content.decode()
    assert html.count('data-slot="inline"') == 9
    assert many == one_inline
    assert "Campaign 1" not in html  # the page carries slots, never the per-view choice
