"""core.timefmt prints IST's +05:30 for every instant, however old: Asia/Kolkata's rules would print local mean
time (+05:53:28, "LMT") for year 1 and 1850, Madras time (+05:21:10) in 1900 and war time (+06:30) in 1943."""
from datetime import UTC, datetime

import pytest

from core.timefmt import machine_datetime, reader_clock, reader_datetime, to_ist


@pytest.mark.parametrize("instant, machine", [
    (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T05:30:00+05:30"),
    (datetime(1850, 6, 1, 12, tzinfo=UTC), "1850-06-01T17:30:00+05:30"),
    (datetime(1900, 1, 1, tzinfo=UTC), "1900-01-01T05:30:00+05:30"),
    (datetime(1943, 3, 1, 2, 37, tzinfo=UTC), "1943-03-01T08:07:00+05:30"),
    (datetime(2021, 3, 25, 2, 37, tzinfo=UTC), "2021-03-25T08:07:00+05:30"),
    (datetime(2999, 12, 31, 18, 29, tzinfo=UTC), "2999-12-31T23:59:00+05:30"),
])
def test_every_instant_prints_ist(instant, machine):
    assert machine_datetime(instant) == machine
    assert reader_datetime(instant).endswith(" IST") and reader_clock(instant).endswith(" IST")
    assert to_ist(instant).utcoffset().total_seconds() == 5.5 * 3600
    assert to_ist(instant) == instant  # the same instant, only shown in IST
