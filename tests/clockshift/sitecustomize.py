"""Test harness only (on PYTHONPATH of processes a test starts; the product knows nothing of it).

CLOCK_SHIFT_SECONDS: this process's clock reads that many seconds ahead (negative: behind), as on a machine whose
clock is off: time.time(), time.time_ns() and django.utils.timezone.now().

RENDER_GATE (a directory): while `<gate>/hold` exists, each template render that finishes touches `<gate>/held`
and waits for `hold` to go, so a test can make a change while a page is half rendered (its database reads done,
its cache entry not yet stored).
"""
import os
import time
from datetime import timedelta

SHIFT = float(os.environ.get("CLOCK_SHIFT_SECONDS") or 0)
if SHIFT:
    _time, _time_ns = time.time, time.time_ns
    time.time = lambda: _time() + SHIFT
    time.time_ns = lambda: _time_ns() + int(SHIFT * 1e9)

    from django.utils import timezone

    _now = timezone.now
    timezone.now = lambda: _now() + timedelta(seconds=SHIFT)

GATE = os.environ.get("RENDER_GATE")
if GATE:
    from django.template.backends import django as django_backend

    _render = django_backend.Template.render

    def render(self, *args, **kwargs):
        result = _render(self, *args, **kwargs)
        hold = os.path.join(GATE, "hold")
        if os.path.exists(hold):
            open(os.path.join(GATE, "held"), "w").close()
            deadline = time.monotonic() + 60
            while os.path.exists(hold) and time.monotonic() < deadline:
                time.sleep(0.02)
        return result

    django_backend.Template.render = render
