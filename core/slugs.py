from django.utils.text import slugify


def unique_slug(queryset, text: str, *, fallback: str, max_length: int) -> str:
    """A slug from `text` that no row of `queryset` has yet: "name", then "name-2", "name-3"…"""
    base = slugify(text)[:max_length] or fallback
    slug, n = base, 2
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
