"""Story cards for listings, each rendered once and kept under its story's keys (core.pagecache fragments).

A listing asks for its page of story ids (one query without prefetches), takes the cards that are kept, and loads
and renders only the others (one for_listing() query for all of them). A story changed purges story:<id>, so its
card is rendered again the next time a listing shows it; the others are not.
"""
from django.template.loader import render_to_string

from core import pagecache

from . import cache_keys
from .models import Article

CARD_SIZES = "(min-width: 48rem) 20rem, 100vw"


def card_name(pk: int, lead: bool) -> str:
    return f"card:{pk}:{'lead' if lead else 'grid'}"


def render_card(story: Article, lead: bool = False) -> str:
    cache_keys.show(cache_keys.card_keys([story]))
    return render_to_string("articles/_card.html", {"story": story, "lead": lead, "card_sizes": CARD_SIZES})


def cards(ids: list[int], lead_id: int | None = None) -> dict[int, str]:
    """The cards of these stories by id, in this order (`lead_id`'s as the lead); a story gone since is left out."""
    names = {pk: card_name(pk, pk == lead_id) for pk in ids}
    kept = pagecache.kept_fragments(list(names.values()))
    missing = [pk for pk in ids if names[pk] not in kept]
    if missing:
        stories = {story.pk: story for story in Article.objects.filter(pk__in=missing).for_listing()}
        for pk in missing:
            if pk in stories:
                story = stories[pk]
                kept[names[pk]] = pagecache.store_fragment(names[pk], lambda story=story: render_card(story, story.pk == lead_id))
    return {pk: kept[names[pk]] for pk in ids if names[pk] in kept}
