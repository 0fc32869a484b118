"""Slot lookup for templates: one cached map, so a page's ad slots cost no queries per slot."""
from django.core.cache import cache

from .models import AdSlot

CACHE_KEY = "ads:slot-map:v1"
CACHE_SECONDS = 300


def slot_map() -> dict[str, dict]:
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    result = {}
    for slot in AdSlot.objects.prefetch_related("house_creatives"):
        creative = next((c for c in slot.house_creatives.all() if c.active), None)
        result[slot.key] = {
            "key": slot.key,
            "placement": slot.placement,
            "label": slot.label,
            "width": slot.width,
            "height": slot.height,
            "after_paragraph": slot.after_paragraph,
            "creative": None
            if creative is None
            else {
                "title": creative.title,
                "text": creative.text,
                "click_url": creative.click_url,
                "image_url": creative.image.url if creative.image else "",
            },
        }
    cache.set(CACHE_KEY, result, CACHE_SECONDS)
    return result


def forget_slots() -> None:
    cache.delete(CACHE_KEY)


def inline_after_paragraph() -> int | None:
    slot = slot_map().get("inline")
    return slot["after_paragraph"] if slot else None
