"""Slot lookup for templates (one cached map, so a page's ad slots cost no queries per slot) and the one way
creatives are written."""
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import HTML_CREATIVE_PERMISSION, AdSlot, Creative
from .placement import InlineRules

CACHE_KEY = "ads:slot-map:v2"
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
            "repeat_every": slot.repeat_every,
            "min_paragraphs": slot.min_paragraphs,
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


def inline_rules(key: str = "inline") -> InlineRules | None:
    """The inline slot's placement rules (after paragraph N, then every K, none below M paragraphs)."""
    slot = slot_map().get(key)
    if not slot or not slot["after_paragraph"]:
        return None
    return InlineRules(after=slot["after_paragraph"], every=slot["repeat_every"], min_paragraphs=slot["min_paragraphs"])


def may_enter_html(user) -> bool:
    return bool(user and user.is_active and user.has_perm(HTML_CREATIVE_PERMISSION))


@transaction.atomic
def save_creative(creative: Creative, *, user) -> Creative:
    """Validate and save a creative. HTML and third-party tags are Ad operations' alone: creating one, turning a
    creative into one, or changing one needs the ``ads.add_html_creative`` permission, whatever the caller."""
    touches_html = creative.kind == Creative.Kind.HTML or (
        creative.pk is not None and Creative.objects.filter(pk=creative.pk, kind=Creative.Kind.HTML).exists()
    )
    if touches_html and not may_enter_html(user):
        raise PermissionDenied("Only Ad operations may enter HTML or third-party tag creatives.")
    creative.full_clean()
    creative.save()
    return creative
