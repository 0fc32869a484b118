"""The one place that formats instants.

The site has one time zone, Asia/Kolkata (IST), fixed: settings.TIME_ZONE must name it and a system check
(core.checks) refuses any other value, so admin inputs, the admin's date filters and every text agree.
Readers see IST ("March 25th, 2021 at 08:07 IST"); machines get the exact instant with its offset
("2021-03-25T08:07:00+05:30"). Pages, admin lists, messages, feeds, sitemaps, JSON-LD and exports all call
these functions, so they cannot disagree; tests/integration/test_time_policy.py fails when code elsewhere formats a
time of day itself.
"""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.utils import timezone

SITE_TIME_ZONE = "Asia/Kolkata"

# Django's own displays of instants (the admin's user list, object history, read-only fields) in the reader's form,
# "December 2nd, 2026 at 05:38 IST": newsroom/formats hands these to Django's format localisation (en, en-GB).
DJANGO_DATETIME_FORMAT = r"F jS, Y \a\t H:i T"
DJANGO_DATE_FORMAT = "F jS, Y"
DJANGO_TIME_FORMAT = "H:i T"
IST = ZoneInfo(SITE_TIME_ZONE)
# What this module prints: IST's offset, fixed. Asia/Kolkata's history gives instants before October 1945 other
# offsets (local mean time +05:53:28 before 1854, Madras time +05:21:10, war time +06:30), which printed as
# "+05:53:28" and "LMT"; since 1945 the two agree. Staff cannot type instants before 1900 (core.instants), but a
# row written otherwise still prints "+05:30" and "IST" (tests/unit/test_timefmt_range.py).
IST_OFFSET = dt_timezone(timedelta(hours=5, minutes=30), "IST")


def to_ist(instant: datetime) -> datetime:
    if timezone.is_naive(instant):
        raise ValueError("naive datetime: instants must be timezone-aware")
    return instant.astimezone(IST_OFFSET)


def ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def reader_datetime(instant: datetime) -> str:
    """'March 25th, 2021 at 08:07 IST'."""
    local = to_ist(instant)
    return f"{local:%B} {ordinal(local.day)}, {local.year} at {local:%H:%M} {local.tzname()}"


def reader_date(instant: datetime) -> str:
    """'March 25th, 2021'."""
    local = to_ist(instant)
    return f"{local:%B} {ordinal(local.day)}, {local.year}"


def machine_datetime(instant: datetime) -> str:
    """'2021-03-25T08:07:00+05:30': second precision, explicit IST offset."""
    return to_ist(instant).replace(microsecond=0).isoformat()


def reader_clock(instant: datetime, *, seconds: bool = False) -> str:
    """'08:07 IST', or with seconds '08:07:09 IST' (edit conflicts, where a minute is too coarse)."""
    local = to_ist(instant)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{clock} {local.tzname()}"
