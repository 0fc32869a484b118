"""Every admin URL, asked by every role: each answers as the role matrix says, and none answers 500.

The URLs are read from the admin itself (admin.site.get_urls() and, for every registered ModelAdmin, including
third-party ones such as taggit's and axes', its get_urls()), so a view added later is walked too. Object ids are
those of real rows. Expected answers:
- anonymous: a 302 to the login page (the login page itself: 200);
- Django's standard views follow the ModelAdmin's own has_*_permission answers for that user (and object): 200 when
  allowed, 403 when not (a missing object: 302 to the index, 403 or 404);
- views a third-party admin adds (taggit's merge) are administrators-only: 403 for every other role;
- every other view: an answer of 200, 302, 403, 404 or 405, never a 500.
The tag table's merge is also POSTed by each role (tests at the end).
"""
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone
from taggit.models import Tag

from articles import preview_links, services
from articles.models import Article, TaggedArticle
from core.admin import TECHNICAL_APPS
from live import services as live_services
from tests.factories import make_photo, make_reporter, make_story, publish_story

STANDARD = ("changelist", "add", "history", "delete", "change")
ROLES = ("anonymous", "Reporter", "Editor", "Ad operations", "superuser")



def _user(role):
    User = get_user_model()
    if role == "superuser":
        return User.objects.create_superuser("walk-root", "root@example.com", "pw-for-tests-only")
    user = User.objects.create_user(f"walk-{role.split()[0].lower()}", f"{role[:3]}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def newsroom(db, django_capture_on_commit_callbacks):
    """One row of most things, made through the services, and the users of every role."""
    with django_capture_on_commit_callbacks(execute=True):
        users = {role: _user(role) for role in ROLES if role != "anonymous"}
        reporter = make_reporter("Ritu Sharma", user=users["Reporter"])
        photo = make_photo()
        draft = make_story(headline="Reporter's draft", reporters=[reporter], tags=["walk"], user=users["Reporter"])
        story = publish_story(headline="A published story", tags=["walk", "other"], photos=[photo], hero=photo)
        services.queue_update(story, services.snapshot(story), go_live_at=timezone.now() + timedelta(days=1),
                              actor=services.COMMAND)
        preview_links.create_preview_link(story, expires_at=timezone.now() + timedelta(days=1), actor=services.COMMAND)
        blog = live_services.open_blog(story, actor=users["Editor"], coverage_start=timezone.now() - timedelta(hours=1))
        live_services.post_entry(blog, actor=users["Editor"], body="<p>First.</p>", reporters=[reporter])
    return {"users": users, "draft": draft, "story": story, "blog": blog}


def _fill(route: str, values: dict) -> str:
    def one(match):
        converter, name = match.group(1) or "str", match.group(2)
        return str(values.get(name, values.get(converter, "1")))

    return re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


def _object_id(model):
    obj = model._default_manager.order_by("pk").first()
    return (obj, obj.pk) if obj else (None, 999999)


def walk(newsroom):
    """(name, url, model_admin, view, obj) for every admin URL."""
    story, blog = newsroom["story"], newsroom["blog"]
    ints = {
        "pk": story.pk, "revision_id": story.revisions.first().pk, "link_id": story.preview_links.first().pk,
        "blog_id": blog.pk, "entry_id": blog.entries.first().pk, "action": "edit",
        "content_type_id": 1, "object_id": story.pk,
    }
    from django.contrib.contenttypes.models import ContentType

    ints["content_type_id"] = ContentType.objects.get_for_model(Article).pk
    for pattern in admin.site.get_urls():
        if hasattr(pattern, "url_patterns"):
            continue  # the ModelAdmins' includes: walked below
        route = str(pattern.pattern)
        if pattern.name == "app_list":
            for label in sorted({m._meta.app_label for m in admin.site._registry}):
                yield (f"app_list:{label}", f"/admin/{label}/", None, "app_list", None)
            continue
        if route.startswith("(?P<url>"):
            yield ("catch_all", "/admin/no-such-page/", None, "catch_all", None)
            continue
        yield (pattern.name, "/admin/" + _fill(route, ints), None, pattern.name, None)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj, object_id = _object_id(model)
        if model is Article:
            obj, object_id = story, story.pk
        if model is Tag:
            obj = Tag.objects.get(name="walk")
            object_id = obj.pk
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            view = next((s for s in STANDARD if name == f"{opts.app_label}_{opts.model_name}_{s}"), None)
            if not name:
                continue  # the `<path:object_id>/` redirect to the change page
            url = base + _fill(str(pattern.pattern), {**ints, "object_id": object_id})
            yield (name, url, model_admin, view or "custom", obj)


def expected(role, user, name, model_admin, view, obj) -> set[int]:
    if role == "anonymous":
        return {200} if name == "login" else {302}
    request = RequestFactory().get("/admin/")
    request.user = user
    if model_admin is not None:
        opts = model_admin.model._meta
        if view == "custom":
            if opts.app_label in TECHNICAL_APPS and not user.is_superuser:
                return {403}
            return {200, 302, 403, 404, 405}
        if view == "changelist":  # (a one-row table such as ads.txt redirects to its row: 302)
            return {200, 302} if model_admin.has_view_or_change_permission(request) else {403}
        if view == "add":
            return {200, 302} if model_admin.has_add_permission(request) else {403}
        if obj is None or not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
            return {302, 403, 404}  # missing, or not among the rows this user's admin lists (a reporter's own)
        if view == "delete":
            return {200} if model_admin.has_delete_permission(request, obj) else {403}
        if name == "live_liveblog_history":  # the admin's History link hands over to the desk's history, which checks
            return {302}
        return {200} if model_admin.has_view_or_change_permission(request, obj) else {403}
    return {
        "index": {200}, "login": {302}, "logout": {302, 405}, "password_change": {200}, "password_change_done": {200},
        "autocomplete": {403}, "jsi18n": {200}, "view_on_site": {302, 404}, "catch_all": {404},
    }.get(view, {200, 404})


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_as_the_role_matrix_says(newsroom, client, role):
    user = newsroom["users"].get(role)
    if user:
        client.force_login(user)
    client.raise_request_exception = False  # a 500 is an answer to report, with every other wrong one
    wrong, seen = [], 0
    for name, url, model_admin, view, obj in walk(newsroom):
        answer = client.get(url).status_code
        seen += 1
        allowed = expected(role, user, name, model_admin, view, obj)
        if answer not in allowed:
            wrong.append(f"{url} ({name}): {answer}, expected {sorted(allowed)}")
    assert seen > 80  # every model admin's pages, not a handful
    assert wrong == [], "\n".join(wrong)


def test_the_walk_includes_third_party_admin_views(newsroom):
    names = {name for name, *_ in walk(newsroom)}
    assert {"taggit_tag_merge_tags", "axes_accessattempt_changelist", "taggit_tag_changelist"} <= names


# --- The tag merge, POSTed ----------------------------------------------------------------------------------------

def _select_and_merge(client, tag_ids, name="Merged"):
    session = client.session
    session["selected_tag_ids"] = [str(pk) for pk in tag_ids]
    session.save()
    return client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": name})


@pytest.mark.parametrize("role", ["Reporter", "Editor", "Ad operations"])
def test_only_administrators_merge_tags_and_no_one_else_creates_one_there(newsroom, client, role):
    client.force_login(newsroom["users"][role])
    ids = list(Tag.objects.filter(name__in=["walk", "other"]).values_list("pk", flat=True))
    revisions = newsroom["story"].revisions.count()
    assert _select_and_merge(client, ids, name="Created by the merge").status_code == 403
    assert client.post("/admin/taggit/tag/add/", {"name": "Made here", "slug": "made-here"}).status_code == 403
    assert not Tag.objects.filter(name__in=["Created by the merge", "Made here"]).exists()
    assert sorted(Article.objects.get(pk=newsroom["story"].pk).tags.names()) == ["other", "walk"]
    assert newsroom["story"].revisions.count() == revisions


def test_an_administrators_merge_goes_through_the_story_services(newsroom, client, django_capture_on_commit_callbacks):
    root = newsroom["users"]["superuser"]
    client.force_login(root)
    ids = list(Tag.objects.filter(name__in=["walk", "other"]).values_list("pk", flat=True))
    story, draft = newsroom["story"], newsroom["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = _select_and_merge(client, ids, name="Merged")
    assert answer.status_code == 302
    for article in (story, draft):
        assert list(Article.objects.get(pk=article.pk).tags.names()) == ["Merged"]
        audit = article.audit_entries.get(action="tags changed")
        assert audit.actor_user == root and "Merged" in audit.changes["tags"][1]
        assert article.revisions.order_by("-id").first().snapshot["tags"] == ["Merged"]
    assert TaggedArticle.objects.filter(tag__name="Merged").count() == 2


def test_an_administrators_rename_and_delete_in_the_tag_table_go_through_the_story_services(newsroom, client):
    root = newsroom["users"]["superuser"]
    client.force_login(root)
    tag = Tag.objects.get(name="other")
    answer = client.post(f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Another", "slug": "another"})
    assert answer.status_code == 302
    story = newsroom["story"]
    assert story.audit_entries.filter(action="tags changed", note__contains="renamed").count() == 1
    answer = client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302 and not Tag.objects.filter(pk=tag.pk).exists()
    assert list(Article.objects.get(pk=story.pk).tags.names()) == ["walk"]
    assert story.audit_entries.filter(action="tags changed", note__contains="deleted").count() == 1
