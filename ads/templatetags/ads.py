from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from ads.placement import body_with_inline_ad
from ads.services import inline_rules, slot_map
from core.pagecache import add_keys, fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def ad_slot(context, key: str):
    """Render a slot's label and reserved box with its house creative (the no-JavaScript fallback).

    The page may be cached whole, so the campaign creative is not chosen here: static/ads/slots.js asks the slot's
    serve URL for it on each view. The page's section (the `section` in the context, if any) goes with it for
    targeting.
    """
    section = getattr(context.get("section"), "slug", "") or ""
    return fragment(f"ad-slot:{key}:{section}", lambda: _render_slot(key, section))


def _render_slot(key: str, section: str) -> str:
    add_keys("ads")  # a slot or house creative saved purges what holds slots (ads.apps)
    slot = slot_map().get(key)
    if slot is None:
        return ""
    serve_url = reverse("ads:serve", args=[key]) + (f"?{urlencode({'section': section})}" if section else "")
    return render_to_string("ads/slot.html", {"slot": slot, "serve_url": serve_url})


@register.simple_tag
def with_inline_ads(blocks):
    """A story's body blocks, each marked ``ad_after`` where the inline slot follows it (its N, K, M rules).

    Ads place themselves: the story's view passes plain blocks and the template asks this tag, so articles
    never imports ads. ``{% with_inline_ads body as body %}``
    """
    add_keys("ads")
    return body_with_inline_ad(blocks, inline_rules())
