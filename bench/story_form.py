"""The story form as the admin posts it, for the editor's measurements: bench/editor.py (the bench) and
tests/integration/test_query_budgets.py (the budgets it pins). Imports Django models lazily: call after setup."""


def story_form(story=None, *, section_slug: str | None = None, **overrides) -> dict:
    """A new story (in the section `section_slug`, else the first), or `story` as stored (to change some of it)."""
    from articles.models import Section
    from core.timefmt import to_ist
    from reporters.models import Reporter

    if story is None:
        sections = Section.objects.order_by("pk")
        section = sections.get(slug=section_slug) if section_slug else sections.first()
        data = {
            "headline": "", "slug": "", "standfirst": "Filed for the desk.", "body": "<p>First.</p><p>Second.</p>",
            "section": str(section.pk),
            "byline_reporters": [str(pk) for pk in Reporter.objects.order_by("pk").values_list("pk", flat=True)[:2]],
            "tags": ["topic-001", "topic-002"], "workflow": "published", "publish_at_0": "", "publish_at_1": "",
        }
    else:
        published = to_ist(story.published_at)
        data = {
            "headline": story.headline, "slug": story.slug, "standfirst": story.standfirst, "body": story.body,
            "section": str(story.section_id),
            "byline_reporters": [str(pk) for pk in story.bylines.order_by("position").values_list("reporter_id", flat=True)],
            "tags": list(story.tags.names()), "workflow": story.status,
            "publish_at_0": published.strftime("%Y-%m-%d"), "publish_at_1": published.strftime("%H:%M:%S"),
            "edit_version_seen": str(story.edit_version),
        }
    data.update({"expires_at_0": "", "expires_at_1": "", "correction_note": "", "language": "en"})
    data.update(overrides)
    return data
