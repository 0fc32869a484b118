"""The desk's "Schedule" page: what goes live, changes or comes down in the next days.

`schedule_items` gathers the three kinds of timed events in a fixed number of queries;
`timeline_svg_data` turns them into plain numbers for a server-rendered SVG (no JS);
`schedule_view`/`schedule_urls` hang the page under the Article admin.
"""
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.timefmt import IST, reader_clock, to_ist

from . import actors
from .models import Article, Revision, ScheduledUpdate
from .scheduler import last_heartbeat

KINDS = ("publish", "update", "expiry")
# `publish_scheduled --loop` passes every 5 s and cron every minute: two minutes without a pass means it is down.
SCHEDULER_STALE_AFTER = timedelta(minutes=2)


@dataclass
class ScheduleItem:
    kind: str  # one of KINDS
    when: datetime
    title: str
    who: str
    edit_url: str
    cancel_url: str
    overdue: bool = False
    # The scheduler's record of failed attempts (updates only): attempts, last error, next try.
    failed_attempts: int = 0
    last_error: str = ""
    retry_at: datetime | None = None


def _username(user) -> str:
    return user.get_username() if user else ""


def _change_url(article_id: int) -> str:
    return reverse("admin:articles_article_change", args=[article_id])


def schedule_items(now: datetime, days: int = 7, stories=None) -> list[ScheduleItem]:
    """Every publish, pending update and expiry from `now` to `now + days`, in time order (of `stories` only, if
    given: a reporter's schedule is their own work).

    Pending updates already past their instant are included (overdue): the worker has not
    applied them, and the desk needs to see that. Four queries whatever the number of items.
    """
    end = now + timedelta(days=days)
    items = []

    # Who scheduled a publish is whoever last pressed Publish, not whoever last touched the story.
    published_revisions = Prefetch(
        "revisions",
        queryset=Revision.objects.filter(kind=Revision.Kind.PUBLISHED).select_related("created_by").defer("snapshot"),
        to_attr="publish_revisions",
    )
    articles = Article.objects.all() if stories is None else Article.objects.filter(pk__in=stories.values("pk"))
    publishes = (
        articles.scheduled(now).filter(published_at__lte=end)
        .select_related("modified_by", "created_by").prefetch_related(published_revisions)
        .only("id", "headline", "published_at", "modified_by", "created_by")
    )
    for article in publishes:
        # Revisions are ordered newest first, so [0] is the latest publish.
        setter = article.publish_revisions[0].created_by if article.publish_revisions else None
        url = _change_url(article.pk)
        items.append(ScheduleItem(
            "publish", article.published_at, article.headline,
            _username(setter or article.modified_by or article.created_by), url, url,
        ))

    # The story's live headline is only a fallback; annotating it avoids loading every body.
    updates = (
        ScheduledUpdate.objects.pending().filter(go_live_at__lte=end)
        .filter(**({} if stories is None else {"article__in": stories.values("pk")}))
        .select_related("created_by").annotate(live_headline=F("article__headline"))
    )
    for update in updates:
        items.append(ScheduleItem(
            "update", update.go_live_at, update.snapshot.get("headline") or update.live_headline,
            _username(update.created_by),
            reverse("admin:articles_scheduledupdate_change", args=[update.pk]),
            reverse("admin:articles_scheduledupdate_cancel", args=[update.pk]),
            overdue=update.go_live_at <= now,  # same rule as ScheduledUpdate.state, at our `now`
            failed_attempts=update.failed_attempts, last_error=update.last_error, retry_at=update.retry_at,
        ))

    expiries = (
        articles.filter(status=Article.Status.PUBLISHED, expires_at__gte=now, expires_at__lte=end)
        .select_related("modified_by").only("id", "headline", "expires_at", "modified_by")
    )
    for article in expiries:
        url = _change_url(article.pk)
        items.append(ScheduleItem("expiry", article.expires_at, article.headline, _username(article.modified_by), url, url))

    return sorted(items, key=lambda item: (item.when, KINDS.index(item.kind), item.title))


# --- The timeline picture ------------------------------------------------------------------

# viewBox units; the SVG scales to the page width, so these are proportions, not pixels.
WIDTH, GUTTER, RIGHT_PAD = 1000, 110, 16
AXIS_TOP, LANE_HEIGHT = 34, 56
LANES = [("publish", "Publishes", "circle"), ("update", "Updates", "diamond"), ("expiry", "Expiries", "square")]
COLOURS = {"publish": "#1d4ed8", "update": "#b45309", "expiry": "#6b21a8"}  # as the change list's state badges
OVERDUE = "#b91c1c"
LABEL_ABOVE, LABEL_BELOW, LABEL_WIDTH = -12, 20, 44  # offsets from a mark's centre; "overdue" at 10px bold
SAME_SPOT = 8  # marks closer than this overlap anyway


def _ist_midnight(instant: datetime) -> datetime:
    return datetime.combine(to_ist(instant).date(), time(0), tzinfo=IST)


def _day_label(midnight: datetime) -> str:
    return f"{midnight:%a} {midnight.day} {midnight:%b}"  # "Mon 30 Nov", no zero padding


def _place_overdue_labels(marks: list[dict]) -> None:
    """Put "overdue" above a red mark, or below it when the one above would overlap a neighbour's.

    Marks that sit on top of a labelled one (clamped overdue updates pile up on the left edge)
    share its label; the table lists each of them.
    """
    last_x = {LABEL_ABOVE: None, LABEL_BELOW: None}
    for mark in sorted((m for m in marks if m["overdue"]), key=lambda m: m["x"]):
        if any(x is not None and mark["x"] - x < SAME_SPOT for x in last_x.values()):
            continue
        for label_y, x in last_x.items():
            if x is None or mark["x"] - x >= LABEL_WIDTH:
                mark["label_y"], last_x[label_y] = label_y, mark["x"]
                break


def timeline_svg_data(items: list[ScheduleItem], now: datetime, days: int = 7) -> dict:
    """Positions for the template's SVG, all plain numbers and strings.

    The axis runs from today's IST midnight over whole IST days up to the one holding
    `now + days`, so every item in the window has a place (8 day columns unless now is midnight).
    """
    start = _ist_midnight(now)
    span_days = math.ceil((now + timedelta(days=days) - start) / timedelta(days=1))
    end = start + timedelta(days=span_days)
    left, right = GUTTER, WIDTH - RIGHT_PAD
    scale = (right - left) / (end - start).total_seconds()

    def x_of(instant: datetime) -> float:
        clamped = min(max(instant, start), end)  # overdue updates before today sit on the left edge
        return round(left + (clamped - start).total_seconds() * scale, 1)

    lanes_bottom = AXIS_TOP + LANE_HEIGHT * len(LANES)
    days_ticks = []
    for n in range(span_days + 1):
        midnight = start + timedelta(days=n)  # IST has no DST, so every day is 24 hours
        days_ticks.append({"x": x_of(midnight), "label": _day_label(midnight) if n < span_days else ""})
    quarter_ticks = [
        x_of(start + timedelta(hours=h)) for h in range(6, span_days * 24, 6) if h % 24
    ]

    lanes = []
    for index, (kind, label, shape) in enumerate(LANES):
        marks = []
        for item in (i for i in items if i.kind == kind):
            marks.append({
                "x": x_of(item.when), "shape": shape, "overdue": item.overdue, "label_y": None,
                "colour": OVERDUE if item.overdue else COLOURS[kind],
                "href": item.edit_url, "when": item.when,
                "tooltip": f"{reader_clock(item.when)} · {item.title} · set by {item.who or 'unknown'}"
                + (f" · FAILED {item.failed_attempts}×: {item.last_error}" if item.failed_attempts else ""),
            })
        _place_overdue_labels(marks)
        lanes.append({
            "kind": kind, "label": label, "shape": shape, "colour": COLOURS[kind],
            "y": AXIS_TOP + LANE_HEIGHT * index + LANE_HEIGHT / 2, "top": AXIS_TOP + LANE_HEIGHT * index + 2,
            "marks": marks,
        })

    return {
        "width": WIDTH, "height": lanes_bottom + 10, "left": left, "right": right, "plot_width": right - left,
        "lane_height": LANE_HEIGHT - 4,  # a 2-unit gap above and below each lane band
        "axis_top": AXIS_TOP, "lanes_bottom": lanes_bottom,
        "days": days_ticks, "quarters": quarter_ticks, "lanes": lanes,
        "now_x": x_of(now), "overdue_colour": OVERDUE,
    }


# --- The admin page ------------------------------------------------------------------------


@dataclass
class SchedulerHealth:
    last_run_at: datetime | None
    stale: bool


def scheduler_health(now: datetime) -> SchedulerHealth:
    """When the scheduler last finished a pass (from the database, shared by every process) and whether that is too long ago."""
    heartbeat = last_heartbeat()
    last = heartbeat.last_run_at if heartbeat else None
    return SchedulerHealth(last, last is None or now - last > SCHEDULER_STALE_AFTER)


def schedule_view(request, model_admin):
    # Django admin treats "change" as implying "view"; has_view_permission keeps that rule.
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    now = timezone.now()
    publisher = actors.can_publish(request.user)
    items = schedule_items(now, stories=None if publisher else actors.viewable_stories(request.user, Article.objects.all()))
    context = {
        "can_publish": publisher,
        **model_admin.admin_site.each_context(request),
        "title": "Schedule",
        "opts": model_admin.model._meta,
        "now": now,
        "items": items,
        "timeline": timeline_svg_data(items, now),
        "overdue_colour": OVERDUE,
        "scheduler": scheduler_health(now),
        "stale_minutes": int(SCHEDULER_STALE_AFTER.total_seconds() // 60),
    }
    return TemplateResponse(request, "admin/articles/schedule.html", context)


def schedule_urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(lambda request: schedule_view(request, model_admin))
    return [path("schedule/", view, name="articles_article_schedule")]
