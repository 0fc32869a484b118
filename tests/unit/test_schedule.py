"""What the Schedule page collects, and where the timeline puts it (all in IST)."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ScheduledUpdate
from articles.schedule import LANES, OVERDUE, ScheduleItem, schedule_items, timeline_svg_data
from core.timefmt import IST
from tests.factories import make_story, test_setup_writes

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=IST)  # a Monday, 10:00 IST
pytestmark = pytest.mark.urls("tests.functional.schedule_test_urls")


def item(kind, when, title="Story", overdue=False, who="desk"):
    return ScheduleItem(kind, when, title, who, f"/edit/{title}/", f"/cancel/{title}/", overdue)


def marks(data, kind):
    return next(lane for lane in data["lanes"] if lane["kind"] == kind)["marks"]


# --- timeline_svg_data: pure arithmetic, no database -----------------------------------------


def test_axis_starts_at_ist_midnight_with_a_labelled_tick_per_day():
    data = timeline_svg_data([], NOW)
    labels = [day["label"] for day in data["days"] if day["label"]]
    # Today plus the days up to now + 7 days, which falls on the eighth IST day.
    assert labels == ["Mon 30 Nov", "Tue 1 Dec", "Wed 2 Dec", "Thu 3 Dec", "Fri 4 Dec", "Sat 5 Dec", "Sun 6 Dec", "Mon 7 Dec"]
    assert data["days"][0]["x"] == data["left"] and data["days"][-1]["x"] == data["right"]
    assert len(data["quarters"]) == 8 * 3  # 06:00, 12:00 and 18:00 of each day
    # 10:00 is 10/24 of the first of eight days.
    expected_now = data["left"] + (data["right"] - data["left"]) * (10 / 24) / 8
    assert data["now_x"] == pytest.approx(expected_now, abs=0.1)


def test_at_midnight_the_axis_is_exactly_seven_days():
    midnight = datetime(2026, 11, 30, 0, 0, tzinfo=IST)
    data = timeline_svg_data([], midnight)
    assert len([d for d in data["days"] if d["label"]]) == 7
    assert data["now_x"] == data["left"]


def test_axis_follows_ist_not_utc():
    # 20:00 UTC on the 29th is already 01:30 on Monday the 30th in IST.
    data = timeline_svg_data([], datetime(2026, 11, 29, 20, 0, tzinfo=dt_timezone.utc))
    assert data["days"][0]["label"] == "Mon 30 Nov"


def test_marks_go_in_their_lane_left_to_right_in_time_order():
    items = [
        item("publish", NOW + timedelta(hours=3), "P"),
        item("update", NOW + timedelta(days=2), "U"),
        item("expiry", NOW + timedelta(days=5), "E"),
        item("publish", NOW + timedelta(days=6), "P2"),
    ]
    data = timeline_svg_data(items, NOW)
    assert [lane["kind"] for lane in data["lanes"]] == [kind for kind, _, _ in LANES]
    assert [m["shape"] for m in marks(data, "publish")] == ["circle", "circle"]
    assert [m["shape"] for m in marks(data, "update")] == ["diamond"]
    assert [m["shape"] for m in marks(data, "expiry")] == ["square"]
    xs = [m["x"] for m in sorted((m for lane in data["lanes"] for m in lane["marks"]), key=lambda m: m["when"])]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert all(data["now_x"] < x <= data["right"] for x in xs)
    ys = [lane["y"] for lane in data["lanes"]]
    assert ys == sorted(ys) and len(set(ys)) == 3


def test_overdue_update_is_red_at_its_past_instant_or_clamped_to_the_left_edge():
    items = [
        item("update", NOW - timedelta(hours=2), "Late today", overdue=True),
        item("update", NOW - timedelta(days=3), "Late days ago", overdue=True),
        item("update", NOW + timedelta(hours=2), "On time"),
    ]
    late_today, long_late, on_time = marks(timeline_svg_data(items, NOW), "update")
    assert late_today["overdue"] and late_today["colour"] == OVERDUE
    assert long_late["overdue"] and long_late["colour"] == OVERDUE
    assert not on_time["overdue"] and on_time["colour"] != OVERDUE
    data = timeline_svg_data(items, NOW)
    assert data["left"] < late_today["x"] < data["now_x"] < on_time["x"]
    assert long_late["x"] == data["left"]


def test_tooltip_says_when_what_and_who():
    (mark,) = marks(timeline_svg_data([item("publish", NOW + timedelta(hours=4, minutes=30), "Budget day", who="ritu")], NOW), "publish")
    assert mark["tooltip"] == "14:30 IST · Budget day · set by ritu"
    assert mark["href"] == "/edit/Budget day/"


# --- schedule_items: what is collected --------------------------------------------------------


@pytest.fixture
def people(db):
    users = get_user_model().objects
    writer = users.create_user("writer", password="pw-for-tests-only", is_staff=True)
    writer.groups.add(Group.objects.get(name="Editor"))  # sets expiries of live stories
    return {
        "writer": writer,
        "editor": users.create_superuser("editor", "editor@example.com", "pw-for-tests-only"),
    }


def live_story(headline, published, user=None, expires=None):
    article = services.publish(make_story(headline=headline), at=published, actor=services.COMMAND)
    if expires:
        # As the admin form does: expires_at rides on a save, and whoever saved it set it.
        article.expires_at = expires
        related = services.Related(reporters=article.ordered_reporters(), tags=[], photos=[])
        article = services.save_story(article, related, actor=user or services.COMMAND)
    return article


def queue(article, headline, go_live_at, user=None):
    article.headline = headline
    snap = services.snapshot_of(article, services.Related(reporters=article.ordered_reporters(), tags=[], photos=[]))
    return services.queue_update(article, snap, go_live_at=go_live_at, actor=user or services.COMMAND)


@time_machine.travel(NOW, tick=False)
def test_collects_publishes_updates_and_expiries_in_the_window(people, django_assert_max_num_queries):
    editor, writer = people["editor"], people["writer"]
    scheduled = make_story(headline="Scheduled by the editor", user=writer)
    services.publish(scheduled, actor=editor, at=NOW + timedelta(days=1))
    services.publish(make_story(headline="Too far out"), at=NOW + timedelta(days=8), actor=services.COMMAND)
    live = live_story("Live story", NOW - timedelta(days=1))
    pending = queue(live, "Pending headline", NOW + timedelta(days=2), user=editor)
    late = queue(live, "Late headline", NOW - timedelta(hours=1), user=editor)
    applied = queue(live, "Applied headline", NOW + timedelta(days=3))
    with test_setup_writes():
        ScheduledUpdate.objects.filter(pk=applied.pk).update(applied_at=NOW)
    services.cancel_update(queue(live, "Cancelled headline", NOW + timedelta(days=3)), actor=services.COMMAND)
    live_story("Expiring story", NOW - timedelta(days=1), user=writer, expires=NOW + timedelta(days=4))
    live_story("Expired already", NOW - timedelta(days=2), expires=NOW - timedelta(hours=1))
    live_story("Expires later", NOW - timedelta(days=2), expires=NOW + timedelta(days=9))

    with django_assert_max_num_queries(4):
        items = schedule_items(timezone.now())

    assert [(i.kind, i.title, i.who, i.overdue) for i in items] == [
        ("update", "Late headline", "editor", True),
        ("publish", "Scheduled by the editor", "editor", False),  # who published, not who wrote it
        ("update", "Pending headline", "editor", False),
        ("expiry", "Expiring story", "writer", False),
    ]
    assert [i.when for i in items] == sorted(i.when for i in items)
    assert items[1].edit_url == items[1].cancel_url == reverse("admin:articles_article_change", args=[scheduled.pk])
    assert items[2].edit_url == reverse("admin:articles_scheduledupdate_change", args=[pending.pk])
    assert items[0].cancel_url == reverse("admin:articles_scheduledupdate_cancel", args=[late.pk])


@time_machine.travel(NOW, tick=False)
def test_publish_without_a_publisher_falls_back_to_who_last_saved(people):
    story = make_story(headline="Wire copy", user=people["writer"])
    services.publish(story, at=NOW + timedelta(hours=5), actor=services.COMMAND)  # e.g. the ingest command: no user
    (only,) = schedule_items(NOW)
    assert only.who == "writer"


def test_overdue_labels_do_not_overlap():
    items = [
        item("update", NOW - timedelta(days=3), "A", overdue=True),  # clamped to the left edge
        item("update", NOW - timedelta(days=2), "B", overdue=True),  # clamped too: the same spot
        item("update", NOW - timedelta(hours=6), "C", overdue=True),  # close: its label goes below
        item("update", NOW - timedelta(minutes=5), "D", overdue=True),  # far enough along to go above again
    ]
    a, b, c, d = marks(timeline_svg_data(items, NOW), "update")
    assert (a["label_y"], b["label_y"], c["label_y"], d["label_y"]) == (-12, None, 20, -12)
    assert all(m["colour"] == OVERDUE for m in (a, b, c, d))
