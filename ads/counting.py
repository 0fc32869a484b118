"""Impressions and clicks, per creative per IST day, counted in the database with F() increments.

The common case is one UPDATE. The first count of a creative's day inserts its row with INSERT … ON CONFLICT DO
NOTHING (``bulk_create(ignore_conflicts=True)``; INSERT OR IGNORE on SQLite) and then increments it, so two
requests racing over a new day both count and neither fails. ``bulk_create`` sends no post_save signal, so
counting never purges cached pages.
"""
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.timefmt import to_ist

from .models import Creative, DailyStat


def ist_day(instant: datetime | None = None):
    return to_ist(instant or timezone.now()).date()


def record(campaign_id: int, creative_id: int, *, impressions: int = 0, clicks: int = 0, at: datetime | None = None) -> bool:
    """Add to the creative's row for the IST day of `at` (now). False when the creative no longer exists."""
    day = ist_day(at)
    changes = {"impressions": F("impressions") + impressions, "clicks": F("clicks") + clicks}
    rows = DailyStat.objects.filter(creative_id=creative_id, day=day)
    with transaction.atomic():
        if rows.update(**changes):
            return True
        if not Creative.objects.filter(pk=creative_id, campaign_id=campaign_id).exists():
            return False
        DailyStat.objects.bulk_create(
            [DailyStat(campaign_id=campaign_id, creative_id=creative_id, day=day)], ignore_conflicts=True
        )
        return bool(rows.update(**changes))
