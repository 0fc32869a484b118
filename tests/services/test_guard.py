"""articles/guard.py: guarded story rows are written only inside the services; every write method is checked."""
import pytest
from django.db import transaction
from django.utils import timezone

from articles import preview_links, services
from articles.errors import ServiceWriteError
from articles.guard import GuardedModel
from articles.models import (
    Article,
    ArticlePhoto,
    ArticleSlug,
    AuditEntry,
    BodyPhoto,
    Byline,
    PreviewLink,
    RelatedList,
    RelatedStory,
    Revision,
    ScheduledUpdate,
)
from articles.service_mark import service_writes, story_service
from tests.factories import make_photo, make_reporter, publish_story, test_setup_writes

GUARDED = [
    Article, Byline, ArticlePhoto, BodyPhoto, ScheduledUpdate, Revision, AuditEntry, ArticleSlug, PreviewLink,
    RelatedList, RelatedStory,
]


def test_the_guarded_models_are_exactly_these():
    from django.apps import apps

    assert {m for m in apps.get_models() if issubclass(m, GuardedModel)} == set(GUARDED)


@pytest.fixture
def rows(db):
    """One row of each guarded model, made through the services."""
    photo = make_photo()
    story = publish_story(photos=[photo], reporters=[make_reporter()], tags=["guarded"])
    publish_story(headline="Its related story", tags=["guarded"])  # kept in the story's related list
    spare = publish_story(headline="Spare story", section_slug="sports")  # for copies of the related rows
    with test_setup_writes():
        RelatedList.objects.filter(story=spare).delete()
    update = services.queue_update(
        story, services.snapshot(story), go_live_at=timezone.now() + timezone.timedelta(days=1), actor=services.COMMAND
    )
    story.slug = "renamed"
    story.body = f'<p>Text.</p><figure data-photo="{make_photo(credit="AP", name="placed.jpg").pk}" data-size="full"></figure>'
    story = services.save_story(story, services.Related(story.ordered_reporters(), [], [photo]), actor=services.COMMAND)
    link = preview_links.create_preview_link(
        story, expires_at=timezone.now() + timezone.timedelta(days=1), actor=services.COMMAND
    )
    return {
        PreviewLink: link,
        Article: story, Byline: story.bylines.get(), ArticlePhoto: story.inline_photos.get(),
        BodyPhoto: story.body_photo_links.get(),
        ScheduledUpdate: update, Revision: story.revisions.first(), AuditEntry: AuditEntry.objects.first(),
        ArticleSlug: story.old_slugs.get(),
        RelatedList: story.related_list, RelatedStory: story.related_rows.get(),
    }


def new_like(row):
    """An unsaved copy of `row` that the database would accept (unique fields changed)."""
    copy = type(row).objects.get(pk=row.pk)
    copy.pk = None
    copy._state.adding = True
    if isinstance(copy, Article):
        copy.slug, copy.wire_uri = "a-copy", None
    if isinstance(copy, ArticleSlug):
        copy.slug = "another-old-slug"
    if isinstance(copy, Byline):
        copy.reporter = make_reporter("Second Reporter")
    if isinstance(copy, RelatedList):
        copy.story = Article.objects.get(headline="Spare story")
    if isinstance(copy, RelatedStory):
        copy.related = Article.objects.get(headline="Spare story")
    if isinstance(copy, (ArticlePhoto, BodyPhoto)):
        copy.photo = make_photo(credit="PTI", name="second.jpg")
    return copy


def writes(model, row):
    """Every way Django writes rows, as (name, callable)."""
    first_field = "note" if model in (Revision, ScheduledUpdate, AuditEntry, PreviewLink) else (
        "position" if model in (Byline, ArticlePhoto, BodyPhoto, RelatedStory) else (
            "headline" if model is Article else ("inputs" if model is RelatedList else "slug")))
    value = 1 if first_field == "position" else ("x-slug" if first_field == "slug" else "x")
    return [
        ("Model.save (update)", lambda: row.save()),
        ("Model.save (insert)", lambda: new_like(row).save()),
        ("Manager.create", lambda: type(row).objects.create(**_fields(new_like(row)))),
        ("QuerySet.update", lambda: model.objects.filter(pk=row.pk).update(**{first_field: value})),
        ("QuerySet.bulk_create", lambda: model.objects.bulk_create([new_like(row)])),
        ("QuerySet.bulk_update", lambda: model.objects.bulk_update([row], [first_field])),
        ("QuerySet.delete", lambda: model.objects.filter(pk=row.pk).delete()),
        ("Model.delete", lambda: type(row).objects.get(pk=row.pk).delete()),
    ]


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key or f.is_relation}  # RelatedList's key is its story


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_every_write_method_raises_outside_the_services(rows, model):
    row = rows[model]
    for name, write in writes(model, row):
        with pytest.raises(ServiceWriteError, match=model._meta.label):
            write()
        assert model.objects.filter(pk=row.pk).exists(), name


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_every_write_method_works_inside_the_services(rows, model):
    row = rows[model]
    for name, write in writes(model, row):
        if name.endswith("delete") and model is Article:
            continue  # a story's revisions PROTECT it: only services.purge deletes a story (tested there)
        # Each write on its own, rolled back after, so the next one starts from the same rows.
        with pytest.raises(RolledBack), transaction.atomic(), service_writes():
            write()
            raise RolledBack(name)


class RolledBack(Exception):
    pass


def test_many_to_many_writes_through_the_bylines_are_guarded(rows):
    story = rows[Article]
    with pytest.raises(ServiceWriteError):
        story.reporters.add(make_reporter("Arjun Mehta"), through_defaults={"position": 5})
    with pytest.raises(ServiceWriteError):
        story.reporters.clear()
    with pytest.raises(ServiceWriteError):
        story.photos.clear()


def test_the_mark_is_per_call_and_gone_after_it():
    @story_service
    def inside():
        from articles.service_mark import inside_services

        return inside_services()

    from articles.service_mark import inside_services

    assert inside() is True and inside_services() is False
