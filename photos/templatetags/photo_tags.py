from django import template

from photos.renditions import hero_ratio, picture

register = template.Library()

CARD_RATIO = "16:9"


@register.simple_tag
def picture_data(photo, ratio="", decorative=False):
    """Srcsets and intrinsic size for photos/_picture.html, from the photo's prefetched renditions.

    Without an explicit ratio, a card's picture (decorative: the headline says it) is the 16:9 crop, and a story's
    hero keeps the picture's own aspect when it is landscape, or the 4:3 crop on the focal point when it is
    portrait or square (see photos.renditions.hero_ratio).
    """
    return picture(photo, ratio or (CARD_RATIO if decorative else hero_ratio(photo)))
