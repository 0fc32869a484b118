"""The desk opens Admin › Articles › Schedule and sees the coming week as a picture and a table."""
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import ScheduledUpdate
from articles.schedule import OVERDUE
from core.timefmt import IST
from tests.factories import make_story, test_setup_writes

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=IST)  # a Monday, 10:00 IST
URL = "/admin/articles/article/schedule/"
SVG = "{http://www.w3.org/2000/svg}"
# Independent of ArticleAdmin.get_urls: the test urlconf adds the page (and update stand-ins) if missing.
pytestmark = [pytest.mark.urls("tests.functional.schedule_test_urls"), pytest.mark.django_db]


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("desk", "desk@example.com", "pw-for-tests-only")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def scheduled_publish(headline, at, user=None):
    return services.publish(make_story(headline=headline), actor=user or services.COMMAND, at=at)


def live_story(headline, published=NOW - timedelta(days=6), expires=None, user=None):
    article = services.publish(make_story(headline=headline), at=published, actor=services.COMMAND)
    if expires:
        article.expires_at = expires  # as the admin form saves it
        services.save_story(article, services.Related(article.ordered_reporters(), [], []), actor=user or services.COMMAND)
    return article


def queue(article, headline, go_live_at, user=None):
    article.headline = headline
    snap = services.snapshot_of(article, services.Related(article.ordered_reporters(), [], []))
    return services.queue_update(article, snap, go_live_at=go_live_at, actor=user or services.COMMAND)


def timeline(html):
    """The page's timeline SVG as XML, so tests read positions rather than grep markup."""
    return ET.fromstring(re.search(r'<svg class="schedule-svg".*?</svg>', html, re.S).group(0))


def marks(svg):
    """(lane, x, title, colour, overdue label) for every mark, in document order."""
    found = []
    for lane in svg.iter(f"{SVG}g"):
        if "lane" not in lane.get("class", "").split():
            continue
        for link in lane.findall(f"{SVG}a"):
            group = link.find(f"{SVG}g")
            label = group.find(f"{SVG}text")
            found.append({
                "lane": lane.get("data-lane"), "x": float(link.get("data-x")), "when": link.get("data-when"),
                "title": link.find(f"{SVG}title").text, "href": link.get("href"), "colour": group.get("fill"),
                "label": label.text if label is not None else None,
            })
    return found


@time_machine.travel(NOW, tick=False)
def test_the_week_as_a_timeline_and_a_table(editor_client, editor):
    publish = scheduled_publish("Budget goes live", NOW + timedelta(days=1, hours=2), user=editor)
    live = live_story("Cyclone warning")
    update = queue(live, "Cyclone makes landfall", NOW + timedelta(days=2), user=editor)
    overdue = queue(live, "Cyclone nears coast", NOW - timedelta(hours=3), user=editor)
    applied = queue(live, "Applied already", NOW + timedelta(days=3))
    with test_setup_writes():
        ScheduledUpdate.objects.filter(pk=applied.pk).update(applied_at=NOW)
    services.cancel_update(queue(live, "Cancelled update", NOW + timedelta(days=3)), actor=services.COMMAND)
    live_story("Festival guide", expires=NOW + timedelta(days=4, hours=5), user=editor)
    scheduled_publish("Next fortnight", NOW + timedelta(days=8))
    live_story("Expires too late to show", expires=NOW + timedelta(days=8))

    response = editor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()

    found = marks(timeline(html))
    assert [(m["lane"], m["title"].split(" · ")[1]) for m in sorted(found, key=lambda m: m["when"])] == [
        ("update", "Cyclone nears coast"),
        ("publish", "Budget goes live"),
        ("update", "Cyclone makes landfall"),
        ("expiry", "Festival guide"),
    ]
    xs = [m["x"] for m in sorted(found, key=lambda m: m["when"])]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)

    by_title = {m["title"].split(" · ")[1]: m for m in found}
    late = by_title["Cyclone nears coast"]
    assert late["colour"] == OVERDUE and late["label"] == "overdue"
    assert late["title"] == "07:00 IST · Cyclone nears coast · set by desk"
    assert late["href"] == reverse("admin:articles_scheduledupdate_change", args=[overdue.pk])
    assert by_title["Cyclone makes landfall"]["colour"] != OVERDUE and by_title["Cyclone makes landfall"]["label"] is None
    assert by_title["Budget goes live"]["href"] == reverse("admin:articles_article_change", args=[publish.pk])

    for absent in ("Applied already", "Cancelled update", "Next fortnight", "Expires too late to show"):
        assert absent not in html

    # IST day labels on the axis, and the IST promise in words.
    assert "Mon 30 Nov" in html and "Tue 1 Dec" in html and "Sun 6 Dec" in html
    assert "All times IST" in html
    # The table: IST times with machine-readable instants, the overdue flag, and Cancel forms for updates.
    assert '<time datetime="2026-12-04T15:00:00+05:30">December 4th, 2026 at 15:00 IST</time>' in html
    assert re.search(r'class="overdue">overdue<', html)
    cancel = reverse("admin:articles_scheduledupdate_cancel", args=[update.pk])
    assert re.search(rf'<form method="post" action="{re.escape(cancel)}">\s*<input type="hidden" name="csrfmiddlewaretoken"', html)
    assert html.count("<form method=\"post\"") == 2  # updates only; publishes and expiries are edited, not cancelled here


def test_overdue_from_before_today_sits_on_the_left_edge(editor_client):
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        live = live_story("Old story", published=NOW - timedelta(days=6))
        queue(live, "Forgotten update", NOW - timedelta(days=2))
    with time_machine.travel(NOW, tick=False):
        svg = timeline(editor_client.get(URL).content.decode())
    (mark,) = marks(svg)
    first_day_tick = min(float(line.get("x1")) for line in svg.iter(f"{SVG}line") if line.get("class") == "day-tick")
    assert mark["x"] == first_day_tick and mark["colour"] == OVERDUE and mark["label"] == "overdue"


@time_machine.travel(NOW, tick=False)
def test_needs_view_permission(client):
    users = get_user_model().objects
    outsider = users.create_user("ads-desk", password="pw-for-tests-only", is_staff=True)
    client.force_login(outsider)
    assert client.get(URL).status_code == 403

    reader = users.create_user("night-desk", password="pw-for-tests-only", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_article", content_type__app_label="articles"))
    client.force_login(reader)
    response = client.get(URL)
    assert response.status_code == 200 and "<h1>Schedule</h1>" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_query_count_does_not_grow_with_the_number_of_items(editor_client, editor):
    live = live_story("Long-running story")

    def add(n):
        for i in range(n):
            scheduled_publish(f"Scheduled {i}", NOW + timedelta(hours=i + 1), user=editor)
            queue(live, f"Update {i}", NOW + timedelta(hours=i + 1), user=editor)
            live_story(f"Expiring {i}", expires=NOW + timedelta(hours=i + 1), user=editor)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    editor_client.get(URL)  # warm the session and content types
    add(1)
    one_each = queries()
    add(9)
    ten_each = queries()
    assert ten_each == one_each
