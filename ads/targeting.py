"""Section targeting without importing articles.

Campaigns store section *slugs*. The admin offers the sections that exist, read through the app registry from
the model named by ``settings.AD_SECTION_MODEL`` (default ``"articles.Section"``, which has ``slug`` and
``name``), so ads never imports articles and has no foreign key or migration dependency on it.
"""
from django.apps import apps
from django.conf import settings
from django.utils.text import slugify


def section_model():
    label = getattr(settings, "AD_SECTION_MODEL", "articles.Section")
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def section_choices() -> list[tuple[str, str]]:
    model = section_model()
    if model is None:
        return []
    return list(model.objects.order_by("name").values_list("slug", "name"))


def clean_section(value: str | None) -> str:
    """The section slug a page sent, or "" (pages without a section, or anything that is not a slug)."""
    value = (value or "").strip()
    return value if value and slugify(value) == value and len(value) <= 100 else ""
