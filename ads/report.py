"""A campaign's impressions, clicks and CTR per IST day, and the geometry of its server-rendered SVG chart.

One point per IST day from the campaign's first day to its last (or today, while it runs), days without counts
drawn as zero. Three panels share the day axis — impressions, clicks, CTR — each with its own labelled y axis,
so a click-through rate of 0.4 % is not flattened against thousands of impressions.
"""
import math
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from core.timefmt import to_ist

from .models import Campaign, DailyStat

MAX_DAYS = 366
WIDTH = 760
LEFT, RIGHT = 76, 20
PANEL_HEIGHT, PANEL_GAP, TOP = 120, 34, 26
AXIS_HEIGHT = 52
MAX_X_LABELS = 10


def ctr(impressions: int, clicks: int) -> float | None:
    return 100.0 * clicks / impressions if impressions else None


def format_count(value: float) -> str:
    return f"{int(round(value)):,}"


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} %"


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """0 … a round maximum, in `count` equal steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(step * i, 10) for i in range(count + 1)]


def day_label(day: date, first: bool) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if first or (day.month == 1 and day.day == 1) else "")


def daily_rows(campaign: Campaign, today: date | None = None) -> list[dict]:
    today = today or to_ist(timezone.now()).date()
    counts = {
        row["day"]: (row["impressions"] or 0, row["clicks"] or 0)
        for row in DailyStat.objects.filter(campaign=campaign).values("day")
        .annotate(impressions=Sum("impressions"), clicks=Sum("clicks")).order_by("day")
    }
    first = to_ist(campaign.starts_at).date()
    last = min(to_ist(campaign.ends_at - timedelta(microseconds=1)).date(), today)
    if counts:
        first, last = min(first, min(counts)), max(last, max(counts))
    if last < first:
        return []
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    rows = []
    day = first
    while day <= last:
        impressions, clicks = counts.get(day, (0, 0))
        rows.append({"day": day, "impressions": impressions, "clicks": clicks, "ctr": ctr(impressions, clicks)})
        day += timedelta(days=1)
    return rows


def _panel(rows, key, title, unit, formatter, index, xs, colour):
    top = TOP + index * (PANEL_HEIGHT + PANEL_GAP)
    values = [row[key] for row in rows]
    known = [v for v in values if v is not None]
    ticks = nice_ticks(max(known, default=0))
    scale_max = ticks[-1] or 1

    def y(value):
        return round(top + PANEL_HEIGHT - (value / scale_max) * PANEL_HEIGHT, 1)

    points = [
        {"x": x, "y": y(v), "title": f"{row['day'].day} {row['day']:%B %Y} (IST): {formatter(v)} {unit}".rstrip()}
        for x, v, row in zip(xs, values, rows) if v is not None
    ]
    # A day without a value (CTR with no impressions) breaks the line rather than bridging it.
    segments, current = [], []
    for x, v in zip(xs, values):
        if v is None:
            segments.append(current)
            current = []
        else:
            current.append(f"{x},{y(v)}")
    segments.append(current)
    return {
        "title": title,
        "colour": colour,
        "top": top,
        "bottom": top + PANEL_HEIGHT,
        "title_y": top - 8,
        "ticks": [{"y": y(t), "label": formatter(t)} for t in ticks],
        "points": points,
        "lines": [" ".join(segment) for segment in segments if len(segment) > 1],
    }


def chart(rows: list[dict]) -> dict | None:
    if not rows:
        return None
    plot_width = WIDTH - LEFT - RIGHT
    n = len(rows)
    xs = [round(LEFT + (plot_width / 2 if n == 1 else i * plot_width / (n - 1)), 1) for i in range(n)]
    panels = [
        _panel(rows, "impressions", "Impressions per day", "impressions", format_count, 0, xs, "#2563eb"),
        _panel(rows, "clicks", "Clicks per day", "clicks", format_count, 1, xs, "#dc2626"),
        _panel(rows, "ctr", "Click-through rate (clicks ÷ impressions)", "", format_percent, 2, xs, "#15803d"),
    ]
    axis_y = panels[-1]["bottom"]
    step = max(1, math.ceil(n / MAX_X_LABELS))
    labelled = list(range(0, n, step))
    if labelled[-1] != n - 1:
        if (n - 1) - labelled[-1] < step / 2 and len(labelled) > 1:
            labelled.pop()  # the last day is always labelled; its neighbour gives way rather than overlap
        labelled.append(n - 1)
    x_ticks = [
        {"x": xs[i], "label": day_label(rows[i]["day"], i == 0), "labelled": i in labelled}
        for i in range(n)
    ]
    return {
        "width": WIDTH,
        "height": axis_y + AXIS_HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": axis_y,
        "axis_label_y": axis_y + 42,
        "center_x": LEFT + plot_width / 2,
        "panels": panels,
        "x_ticks": x_ticks,
        "first": rows[0]["day"],
        "last": rows[-1]["day"],
    }


def campaign_report(campaign: Campaign, today: date | None = None) -> dict:
    rows = daily_rows(campaign, today)
    totals = DailyStat.objects.filter(campaign=campaign).aggregate(impressions=Sum("impressions"), clicks=Sum("clicks"))
    impressions, clicks = totals["impressions"] or 0, totals["clicks"] or 0
    return {
        "rows": rows,
        "chart": chart(rows),
        "totals": {
            "impressions": format_count(impressions),
            "clicks": format_count(clicks),
            "ctr": format_percent(ctr(impressions, clicks)),
        },
    }
