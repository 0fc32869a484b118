"""Choosing a creative for one view of one slot, and the signed tokens that count it.

The choice is made per view by the uncached /ads/serve/ endpoint, so whole-page caching never freezes an ad.
What can run is kept as one cached table of every campaign that has not ended (with its start and end as
instants), dropped whenever a campaign, creative or slot changes; "live" is decided against the clock on every
request, so a campaign starts and stops to the second even while the table is cached.

Rotation: among the campaigns live now in this slot (and this section, or untargeted), only the highest priority
that has something live runs; within it a campaign is picked with probability weight / total weight, then one of
its active creatives uniformly. With nothing live, the slot keeps its house creative.
"""
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from .models import Campaign, Creative

TABLE_KEY = "ads:campaign-table:v1"
TABLE_SECONDS = 300
IMPRESSION_SALT = "ads.impression"
CLICK_SALT = "ads.click"


class RandomSource(Protocol):
    def random(self) -> float: ...


def campaign_table() -> list[dict]:
    """Every campaign that has not ended and has an active creative, with what rotation needs (cached)."""
    cached = cache.get(TABLE_KEY)
    if cached is not None:
        return cached
    campaigns = (
        Campaign.objects.filter(active=True, ends_at__gt=timezone.now())
        .prefetch_related("slots", Prefetch("creatives", queryset=Creative.objects.filter(active=True)))
        .order_by("id")
    )
    table = []
    for campaign in campaigns:
        creatives = [
            {
                "id": creative.id,
                "kind": creative.kind,
                "image_url": creative.image.url if creative.image else "",
                "alt": creative.alt_text,
                "click": bool(creative.click_url),
            }
            for creative in campaign.creatives.all()
            if creative.kind == Creative.Kind.HTML or creative.image
        ]
        if not creatives:
            continue
        table.append({
            "id": campaign.id,
            "start": campaign.starts_at.timestamp(),
            "end": campaign.ends_at.timestamp(),
            "priority": campaign.priority,
            "weight": campaign.weight,
            "slots": {slot.key for slot in campaign.slots.all()},
            "sections": set(campaign.sections or ()),
            "creatives": creatives,
        })
    cache.set(TABLE_KEY, table, TABLE_SECONDS)
    return table


def forget_campaigns() -> None:
    """Drop the table now and again after the commit, so no request re-caches what is being changed."""
    cache.delete(TABLE_KEY)
    transaction.on_commit(lambda: cache.delete(TABLE_KEY))


def live_campaigns(table: list[dict], slot_key: str, section: str, now: float) -> list[dict]:
    return [
        row for row in table
        if slot_key in row["slots"]
        and row["start"] <= now < row["end"]
        and (not row["sections"] or section in row["sections"])
    ]


def pick(table: list[dict], slot_key: str, section: str, now: float, rng: RandomSource) -> tuple[dict, dict] | None:
    """(campaign, creative) for one view, or None when only the house creative may run."""
    live = live_campaigns(table, slot_key, section, now)
    if not live:
        return None
    top = max(row["priority"] for row in live)
    group = [row for row in live if row["priority"] == top]
    point = rng.random() * sum(row["weight"] for row in group)
    chosen = group[-1]
    for row in group:
        point -= row["weight"]
        if point < 0:
            chosen = row
            break
    creatives = chosen["creatives"]
    creative = creatives[min(int(rng.random() * len(creatives)), len(creatives) - 1)]
    return chosen, creative


@dataclass(frozen=True)
class Ticket:
    """What a served view carries to its beacon and its click: which creative, when, and a one-time nonce."""

    creative: int
    campaign: int
    issued: int
    nonce: str

    def sign(self, salt: str) -> str:
        return signing.dumps([self.creative, self.campaign, self.issued, self.nonce], salt=salt, compress=True)

    @classmethod
    def issue(cls, campaign_id: int, creative_id: int) -> "Ticket":
        return cls(creative_id, campaign_id, int(time.time()), secrets.token_urlsafe(9))

    @classmethod
    def read(cls, token: str, salt: str) -> "Ticket | None":
        """The ticket in a token we signed, or None for anything forged, altered or malformed."""
        try:
            creative, campaign, issued, nonce = signing.loads(token, salt=salt)
            return cls(int(creative), int(campaign), int(issued), str(nonce))
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def first_use(self, kind: str, window: int) -> bool:
        """True the first time this ticket is counted as `kind`, within `window` seconds of being issued."""
        if time.time() - self.issued > window:
            return False
        return cache.add(f"ads:ticket:{kind}:{self.nonce}", 1, window)
