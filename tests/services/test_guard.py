"""articles/guard.py: guarded story rows are written only inside the services; every write method is checked."""
import pytest
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

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
    TaggedArticle,
)
from articles.service_mark import service_writes, story_service
from tests.factories import make_photo, make_reporter, publish_story, test_setup_writes

GUARDED = [
    Article, Byline, ArticlePhoto, BodyPhoto, ScheduledUpdate, Revision, AuditEntry, ArticleSlug, PreviewLink,
    RelatedList, RelatedStory, TaggedArticle,
]


def test_the_guarded_models_are_exactly_these():
    from django.apps import apps

    assert {m for m in apps.get_models() if issubclass(m, GuardedModel)} == set(GUARDED)


def test_the_backstop_checks_every_guarded_model_and_taggits_tag():
    from core.guard import _GUARDED

    assert all(_GUARDED[model][1] == {"insert", "update", "delete"} for model in GUARDED)
    assert _GUARDED[Tag][1] == {"update", "delete"}  # a new tag shows nowhere until a story carries it


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
        TaggedArticle: TaggedArticle.objects.get(content_object__headline="Its related story"),
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
    if isinstance(copy, TaggedArticle):
        copy.tag = Tag.objects.get_or_create(name="another tag")[0]
    return copy


def writes(model, row):
    """Every way Django writes rows, as (name, callable)."""
    first_field = "note" if model in (Revision, ScheduledUpdate, AuditEntry, PreviewLink) else (
        "position" if model in (Byline, ArticlePhoto, BodyPhoto, RelatedStory) else (
            "headline" if model is Article else ("inputs" if model is RelatedList else (
                "tag" if model is TaggedArticle else "slug"))))
    value = 1 if first_field == "position" else ("x-slug" if first_field == "slug" else "x")
    if model is TaggedArticle:
        value = Tag.objects.get_or_create(name="another tag")[0]
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


# --- The holes the mixins alone left: plain querysets, the base manager, raw saves, cascades ---------------------

@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_a_plain_queryset_and_the_base_manager_are_refused_too(rows, model):
    """`QuerySet(Article)` and `Article._base_manager` build queries without the guarded queryset: core.guard's
    backstop on Django's write compilers refuses them."""
    from django.db.models import QuerySet

    row = rows[model]
    update = dict([("note", "x")]) if model in (Revision, ScheduledUpdate, AuditEntry, PreviewLink) else None
    field = [f for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation and not f.unique]
    name, value = (field[0].name, getattr(row, field[0].attname)) if field else ("tag", row.tag)
    update = update or {name: value}
    for label, write in [
        ("QuerySet(model).update", lambda: QuerySet(model).filter(pk=row.pk).update(**update)),
        ("_base_manager.update", lambda: model._base_manager.filter(pk=row.pk).update(**update)),
        ("QuerySet(model).bulk_create", lambda: QuerySet(model).bulk_create([new_like(row)])),
        ("QuerySet(model)._raw_delete", lambda: QuerySet(model).filter(pk=row.pk)._raw_delete("default")),
        ("save_base (as loaddata calls it)", lambda: new_like(row).save_base(raw=True)),
    ]:
        # Refused at the compiler, inside Django's own atomic block: the savepoint is rolled back.
        with pytest.raises(ServiceWriteError, match=model._meta.label), transaction.atomic():
            write()
        assert model.objects.filter(pk=row.pk).exists(), label


def test_story_tags_change_only_through_the_services(rows):
    story = rows[Article]
    tagged = Article.objects.get(headline="Its related story")
    for label, write in [
        ("tags.add", lambda: tagged.tags.add("smuggled")),
        ("tags.remove", lambda: tagged.tags.remove("guarded")),
        ("tags.clear", lambda: tagged.tags.clear()),
        ("tags.set", lambda: tagged.tags.set(["other"])),
        ("TaggedArticle create", lambda: TaggedArticle.objects.create(content_object=story, tag=Tag.objects.get(name="guarded"))),
    ]:
        with pytest.raises(ServiceWriteError, match="articles.TaggedArticle"), transaction.atomic():
            write()
        assert sorted(Article.objects.get(pk=tagged.pk).tags.names()) == ["guarded"], label


def test_a_tag_is_renamed_or_deleted_only_through_the_tag_services(rows):
    """A tag's rename or delete changes every story carrying it: taggit's Tag rows are guarded for both, and
    deleting a tag (whose taggings would cascade away) is refused."""
    from django.db.models import QuerySet

    tag = Tag.objects.get(name="guarded")
    renamed = Tag.objects.get(pk=tag.pk)
    renamed.name = "renamed"
    for label, write in [
        ("Tag.save (rename)", renamed.save),
        ("Tag.objects.update", lambda: Tag.objects.filter(pk=tag.pk).update(name="renamed")),
        ("QuerySet(Tag).update", lambda: QuerySet(Tag).filter(pk=tag.pk).update(slug="renamed")),
        ("Tag.delete (cascades to the taggings)", lambda: Tag.objects.get(pk=tag.pk).delete()),
        ("Tag.objects.delete", lambda: Tag.objects.filter(pk=tag.pk).delete()),
    ]:
        with pytest.raises(ServiceWriteError, match="taggit.Tag|articles.TaggedArticle"), transaction.atomic():
            write()
        assert Tag.objects.filter(pk=tag.pk, name="guarded").exists(), label
        assert TaggedArticle.objects.filter(tag=tag).exists(), label
    assert Tag.objects.create(name="brand new").pk  # a new tag shows nowhere until a story carries it


def test_deleting_a_staff_user_only_clears_who_did_what(rows, django_user_model):
    """The one UPDATE let through: SET_NULL of user columns when an account is deleted (readers see no change)."""
    user = django_user_model.objects.create_user("gone", "gone@example.com", "pw", is_staff=True)
    with test_setup_writes():
        Article.objects.filter(pk=rows[Article].pk).update(modified_by=user)
    user.delete()
    assert Article.objects.get(pk=rows[Article].pk).modified_by_id is None


# --- Tag renames, merges and deletes: a story change for every story carrying the tag ---------------------------

@pytest.fixture
def tagged(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_story(headline="Monsoon arrives in Kerala", tags=["monsoon", "rain"])
        second = publish_story(headline="Reservoirs fill up", tags=["rain"])
        untouched = publish_story(headline="Cricket scores", tags=["cricket"])
    return first, second, untouched


def _history(story):
    return story.revisions.count(), story.audit_entries.count()


def test_renaming_a_tag_records_purges_and_reindexes_every_story_carrying_it(
    tagged, editor, client, settings, django_capture_on_commit_callbacks
):
    from articles import tags as tag_services

    settings.PAGE_CACHE_SECONDS = 300
    from search.models import SearchDocument

    first, second, untouched = tagged
    before = {s.pk: _history(s) for s in tagged}
    for story in (first, second):
        assert "rain" in client.get(story.get_absolute_url()).content.decode()
        assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        tag_services.rename_tag(Tag.objects.get(name="rain"), name="Heavy rain", actor=editor)
    for story in (first, second):
        story.refresh_from_db()
        assert _history(story) == (before[story.pk][0] + 1, before[story.pk][1] + 1)
        revision = story.revisions.order_by("-id").first()
        assert "Heavy rain" in revision.snapshot["tags"] and revision.minor and revision.created_by == editor
        audit = story.audit_entries.order_by("-id").first()
        assert audit.action == "tags changed" and audit.actor_user == editor and "Heavy rain" in audit.changes["tags"][1]
        page = client.get(story.get_absolute_url())
        assert page.get("X-Page-Cache") != "hit" and "Heavy rain" in page.content.decode()  # purged, re-rendered
        assert "Heavy rain" in SearchDocument.objects.get(article=story).tags  # reindexed
        assert story.updated_at == Article.objects.get(pk=story.pk).updated_at  # no editorial update
    assert _history(untouched) == before[untouched.pk]


def test_a_form_opened_before_a_tag_rename_is_an_edit_conflict(tagged, editor):
    from articles import tags as tag_services

    first = tagged[0]
    opened_at = Article.objects.get(pk=first.pk).edit_version
    tag_services.rename_tag(Tag.objects.get(name="rain"), name="Rainfall", actor=editor)
    story = Article.objects.get(pk=first.pk)
    with pytest.raises(services.EditConflict):
        services.save_story(story, services.Related(story.ordered_reporters(), ["rain"], []), actor=editor,
                            expected_version=opened_at)


def test_merging_tags_moves_every_story_with_revisions_and_redirects_the_old_pages(tagged, editor, client, django_capture_on_commit_callbacks):
    from articles import tags as tag_services
    from search.models import SearchDocument

    first, second, untouched = tagged
    old_slug = Tag.objects.get(name="monsoon").slug
    with django_capture_on_commit_callbacks(execute=True):
        target = tag_services.merge_tags(list(Tag.objects.filter(name__in=["monsoon", "rain"])), into="Weather",
                                         actor=editor)
    assert sorted(Article.objects.get(pk=first.pk).tags.names()) == ["Weather"]
    assert sorted(Article.objects.get(pk=second.pk).tags.names()) == ["Weather"]
    assert not Tag.objects.filter(name__in=["monsoon", "rain"]).exists()
    for story in (first, second):
        assert story.audit_entries.filter(action="tags changed", actor_user=editor).count() == 1
        assert story.revisions.order_by("-id").first().snapshot["tags"] == ["Weather"]
        assert "Weather" in SearchDocument.objects.get(article=story).tags
    assert client.get(f"/tag/{old_slug}/").status_code == 301
    assert sorted(Article.objects.get(pk=untouched.pk).tags.names()) == ["cricket"]
    assert target.name == "Weather"


def test_deleting_a_tag_takes_it_off_every_story_with_a_revision(tagged, editor, django_capture_on_commit_callbacks):
    from articles import tags as tag_services
    from search.models import SearchDocument

    first, second, _ = tagged
    with django_capture_on_commit_callbacks(execute=True):
        tag_services.delete_tag(Tag.objects.get(name="rain"), actor=editor)
    assert sorted(Article.objects.get(pk=first.pk).tags.names()) == ["monsoon"]
    assert list(Article.objects.get(pk=second.pk).tags.names()) == []
    assert second.audit_entries.get(action="tags changed").changes["tags"] == ["rain", ""]
    assert "rain" not in SearchDocument.objects.get(article=second).tags


def test_a_tag_change_is_bounded_and_refused_whole_past_the_limit(tagged, editor, settings):
    from articles import tags as tag_services

    settings.TAG_CHANGE_MAX_STORIES = 1
    counts = {s.pk: _history(s) for s in tagged}
    with pytest.raises(tag_services.TagChangeTooLarge):
        tag_services.rename_tag(Tag.objects.get(name="rain"), name="Too wide", actor=editor)
    with pytest.raises(tag_services.TagChangeTooLarge):
        tag_services.delete_tag(Tag.objects.get(name="rain"), actor=editor)
    assert Tag.objects.filter(name="rain").exists() and {s.pk: _history(s) for s in tagged} == counts


def test_the_tag_services_refuse_a_reporter(tagged, reporter_user):
    from articles import tags as tag_services
    from articles.errors import StoryPermissionError

    for call in (
        lambda: tag_services.rename_tag(Tag.objects.get(name="rain"), name="x", actor=reporter_user),
        lambda: tag_services.merge_tags([Tag.objects.get(name="rain")], into="x", actor=reporter_user),
        lambda: tag_services.delete_tag(Tag.objects.get(name="rain"), actor=reporter_user),
        lambda: tag_services.delete_tag(Tag.objects.get(name="rain"), actor=None),
    ):
        with pytest.raises((StoryPermissionError, TypeError)):
            call()
    assert Tag.objects.filter(name="rain").exists()


# --- Updated moves, credits and renames ------------------------------------------------------------------------

def test_every_move_of_updated_by_a_live_entry_names_its_actor(db):
    from articles.audit import AUDITED_FIELDS  # noqa: F401 (the audit module the entry is written by)
    from tests.live.support import live_story, post

    article, blog, editor = live_story()
    with pytest.raises(TypeError):
        services.follow_live_entry(article.pk, timezone.now())  # no actor: refused
    entry = post(blog, editor, "Polls open.")
    moved = AuditEntry.objects.get(article=article, action="updated moved")
    assert moved.actor_user == editor and moved.note == f"live entry {entry.pk}"
    assert Article.objects.get(pk=article.pk).updated_at == entry.posted_at


def test_a_scheduled_entry_reaching_its_instant_moves_updated_as_the_scheduler(db):
    from live import services as live_services
    from tests.live.support import live_story, post

    article, blog, editor = live_story()
    at = timezone.now() + timezone.timedelta(minutes=5)
    post(blog, editor, "Later.", post_at=at)
    assert live_services.follow_due_entries(at + timezone.timedelta(seconds=1)) == 1
    moved = AuditEntry.objects.get(article=article, action="updated moved")
    assert moved.source == "scheduler" and moved.actor_name == "system (scheduler)"


def test_a_credit_change_reaches_stories_placing_the_photo_in_the_body_or_in_live_entries(db, admin_user):
    from photos import services as photo_services
    from tests.live.support import live_story, post

    in_body = make_photo(credit="Reuters", name="body.jpg")
    in_entry = make_photo(credit="Reuters", name="entry.jpg")
    body_story = publish_story(headline="Placed in the body",
                               body=f'<p>Text.</p><figure data-photo="{in_body.pk}" data-size="full"></figure>')
    article, blog, editor = live_story()
    post(blog, editor, "With a photo.", photo=in_entry)
    credit = in_body.credit
    credit.name = "Reuters Pictures"
    photo_services.save_credit(credit, user=admin_user)
    for story in (body_story, article):
        entry = AuditEntry.objects.get(article=story, action="credit “Reuters Pictures” changed")
        assert entry.actor_user == admin_user


def test_renaming_a_reporter_reindexes_the_stories_with_their_byline(db, django_capture_on_commit_callbacks):
    from search.models import SearchDocument

    reporter = make_reporter("Meera Pillai")
    with django_capture_on_commit_callbacks(execute=True):
        stories = [publish_story(headline=f"Story {i}", reporters=[reporter]) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        reporter.name = "Meera Pillai-Nair"
        reporter.save()
    for story in stories:
        assert "Pillai-Nair" in SearchDocument.objects.get(article=story).bylines


def test_no_app_but_articles_imports_the_service_mark():
    """The import-linter contract (pyproject.toml) says so for `make lint`; this reads the contract and the code."""
    import ast
    import pathlib
    import tomllib

    root = pathlib.Path(__file__).resolve().parents[2]
    contracts = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert any(c.get("forbidden_modules") == ["articles.service_mark"] for c in contracts)
    offenders = []
    for app in ("core", "reporters", "photos", "ads", "distribution", "search", "live"):
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                if any(n.startswith("articles.service_mark") for n in names):
                    offenders.append(str(path))
    assert offenders == []
