"""An editor reads a story's history in the admin, compares two versions and restores an old one."""
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles import services
from articles.models import Article, Revision
from tests.factories import make_story, test_setup_writes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.functional.revision_test_urls")]


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        "desk", "desk@example.com", "pw-for-tests-only", first_name="Ritu", last_name="Sharma"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def edit(article, user, **fields):
    """Change a story the way the admin does: through services.save_story."""
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    related = services.Related(reporters=article.ordered_reporters(), tags=list(article.tags.names()), photos=[])
    return services.save_story(article, related, actor=user)


def three_saves(user):
    story = make_story(headline="Rains lash Mumbai", body="<p>Heavy rain fell on Monday morning.</p>", user=user)
    edit(story, user, headline="Rains lash Mumbai again")
    edit(story, user, body="<p>Heavy rain fell on Tuesday evening.</p>")
    # Fixed instants a minute apart, so the page's IST times are known.
    start = datetime(2024, 3, 25, 2, 37, tzinfo=dt_timezone.utc)  # 08:07 IST
    for i, revision in enumerate(story.revisions.order_by("created_at", "id")):
        with test_setup_writes():
            Revision.objects.filter(pk=revision.pk).update(created_at=start + timedelta(minutes=i))
    return story, list(story.revisions.order_by("created_at", "id"))


def history_url(story):
    return reverse("admin:articles_article_revisions", args=[story.pk])


def compare_url(story):
    return reverse("admin:articles_article_revisions_compare", args=[story.pk])


def restore_url(story, revision):
    return reverse("admin:articles_article_revisions_restore", args=[story.pk, revision.pk])


def test_history_lists_every_save_with_who_and_when_in_ist(editor_client, editor):
    story, revisions = three_saves(editor)
    response = editor_client.get(history_url(story))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="a"') == 3
    assert "Ritu Sharma" in html
    assert "March 25th, 2024 at 08:07 IST" in html and "March 25th, 2024 at 08:09 IST" in html
    assert '<time datetime="2024-03-25T08:07:00+05:30">' in html
    assert "Created" in html and "Saved" in html
    # Newest first, and every revision but the newest can be restored.
    assert html.index("08:09 IST") < html.index("08:07 IST")
    assert html.count("Restore this version") == 2
    assert f'href="{restore_url(story, revisions[-1])}"' not in html
    assert "csrfmiddlewaretoken" in html
    # What changed versus the revision before it.
    assert re.search(r'class="changed">\s*headline', html) and re.search(r'class="changed">\s*body', html)
    # The admin's look: breadcrumbs Home › Stories › Articles › headline › History.
    assert re.search(r"Stories</a>\s*&rsaquo; <a[^>]*>Articles</a>\s*&rsaquo; <a[^>]*>Rains lash Mumbai again</a>\s*&rsaquo; History", html)


def test_compare_shows_two_versions_side_by_side_with_word_diff(editor_client, editor):
    story, (first, _, last) = three_saves(editor)
    # Passed newest first: the older one still goes on the left.
    response = editor_client.get(compare_url(story), {"a": last.pk, "b": first.pk})
    assert response.status_code == 200
    html = response.content.decode()
    old_cell = html.index('<td class="rev-old">Rains lash Mumbai</td>')
    new_cell = html.index('<td class="rev-new">Rains lash Mumbai again</td>')
    assert old_cell < new_cell
    assert "Akanksha Arora" in html and "World" in html  # bylines and section by name
    assert "<del>Monday morning.</del>" in html and "<ins>Tuesday evening.</ins>" in html
    assert "<ins>again</ins>" in html
    # Each column's full text.
    assert "Heavy rain fell on Monday morning." in html and "Heavy rain fell on Tuesday evening." in html


def test_compare_defaults_to_the_newest_two(editor_client, editor):
    story, _ = three_saves(editor)
    html = editor_client.get(compare_url(story)).content.decode()
    assert "<del>Monday morning.</del>" in html and "<ins>Tuesday evening.</ins>" in html
    assert "<ins>again</ins>" not in html  # the headline did not change between the newest two


def test_compare_refuses_revisions_of_another_story(editor_client, editor):
    story, (first, *_) = three_saves(editor)
    other = make_story(headline="Another story", user=editor)
    response = editor_client.get(compare_url(story), {"a": first.pk, "b": other.revisions.get().pk})
    assert response.status_code == 404
    assert editor_client.get(compare_url(story), {"a": "x", "b": first.pk}).status_code == 404


def test_restore_makes_an_old_version_current_as_a_new_revision(editor_client, editor):
    story, revisions = three_saves(editor)
    before = {r.pk: r.snapshot for r in revisions}
    response = editor_client.post(restore_url(story, revisions[0]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:articles_article_change", args=[story.pk])
    assert "Restored the version of March 25th, 2024 at 08:07 IST" in response.content.decode()

    story.refresh_from_db()
    assert story.headline == revisions[0].snapshot["headline"] == "Rains lash Mumbai"
    assert story.body == revisions[0].snapshot["body"]
    assert story.revisions.count() == 4
    newest = story.revisions.order_by("-created_at", "-id").first()
    assert newest.kind == Revision.Kind.RESTORED and newest.created_by == editor
    # History is never rewritten.
    assert {r.pk: r.snapshot for r in story.revisions.exclude(pk=newest.pk)} == before


def test_restore_asks_first_and_only_a_post_restores(editor_client, editor):
    story, revisions = three_saves(editor)
    response = editor_client.get(restore_url(story, revisions[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, restore this version" in html and "These parts change: headline" in html, html[html.find("content-main"):][:900]
    assert f"The story's headline becomes “{revisions[0].snapshot['headline']}”" in html
    assert story.revisions.count() == 3
    assert editor_client.put(restore_url(story, revisions[0])).status_code == 405


def staff_owner(story, username, *codenames):
    """A staff user who created `story` (ArticleAdmin shows non-publishers only their own stories)."""
    user = get_user_model().objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
    with test_setup_writes():
        Article.objects.filter(pk=story.pk).update(created_by=user)
    return user


def test_restore_needs_change_permission(client, editor):
    story, revisions = three_saves(editor)
    client.force_login(staff_owner(story, "reader", "view_article"))
    html = client.get(history_url(story)).content.decode()  # may read the history...
    assert "Ritu Sharma" in html and "Restore this version" not in html
    assert client.post(restore_url(story, revisions[0])).status_code == 403  # ...but not restore
    assert story.revisions.count() == 3


def test_reporter_cannot_restore_a_live_story(client, editor):
    story, revisions = three_saves(editor)
    services.publish(story, actor=editor)
    client.force_login(staff_owner(story, "writer", "view_article", "change_article"))
    assert client.post(restore_url(story, revisions[0])).status_code == 403
    story.refresh_from_db()
    assert story.headline == "Rains lash Mumbai again"


def test_restore_that_the_service_refuses_goes_back_to_history(editor_client, editor):
    story, revisions = three_saves(editor)
    broken = {**revisions[0].snapshot, "headline": ""}  # e.g. a revision kept before headlines were required
    with test_setup_writes():
        Revision.objects.filter(pk=revisions[0].pk).update(snapshot=broken)
    response = editor_client.post(restore_url(story, revisions[0]), follow=True)
    assert response.redirect_chain[-1][0] == history_url(story)
    assert "Not restored: A story needs a headline." in response.content.decode()
    assert story.revisions.count() == 3


def test_history_queries_do_not_grow_with_revisions(editor_client, editor, django_assert_max_num_queries):
    short, _ = three_saves(editor)
    long = make_story(headline="Version 0", user=editor)
    for n in range(1, 20):
        edit(long, editor, headline=f"Version {n}")
    assert long.revisions.count() == 20

    editor_client.get(history_url(short))  # warm the session and the navigation cache
    counts = []
    for story in (short, long):
        with django_assert_max_num_queries(8) as captured:
            assert editor_client.get(history_url(story)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_history_link_counts_revisions(editor):
    from articles.admin_revisions import history_link

    story, _ = three_saves(editor)
    assert history_link(story) == f'<a href="{history_url(story)}">History (3 revisions)</a>'
    assert history_link(Article()) == "Save the story to start its history."
