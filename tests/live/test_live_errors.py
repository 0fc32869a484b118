"""Input that used to answer 500 (issue 26): the update endpoint's cursor, the blog's admin History link, a reporter
opening a blog opened to her. And random cursors can no longer fill the page cache."""
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import pagecache
from live.stream import cursor_of
from tests.live.support import live_story, member, post

pytestmark = pytest.mark.django_db


def endpoint(article) -> str:
    return f"{article.get_absolute_url()}live/"


def test_a_cursor_that_is_not_one_answers_400(client):
    article, blog, editor = live_story()
    post(blog, editor, "One")
    for junk in ("253402300800000000", str(10 ** 17), "99999999999999999999999", "-5", "abc", "1e9", "1.5",
                 "0x10", " 12", "1" * 5000, "١٢٣"):  # the last: Arabic-Indic digits, which int() would accept
        response = client.get(endpoint(article), {"after": junk})
        assert response.status_code == 400, junk
        assert response["Content-Type"].startswith("text/plain")


def test_random_cursors_are_redirected_to_a_stamp_and_store_nothing(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    article, blog, editor = live_story()
    first = post(blog, editor, "One")
    second = post(blog, editor, "Two")
    stamps = {cursor_of(first.stamp), cursor_of(second.stamp)}
    before_first = cursor_of(first.stamp) - 1
    between = cursor_of(first.stamp) + 1
    after_last = cursor_of(second.stamp) + 12_345
    expected = {before_first: "0", between: str(cursor_of(first.stamp)), after_last: str(cursor_of(second.stamp))}
    for n in range(20):  # and a crowd of random ones in between
        expected[cursor_of(first.stamp) + 1 + n] = str(cursor_of(first.stamp))
    for junk, target in expected.items():
        response = client.get(endpoint(article), {"after": str(junk)})
        assert response.status_code == 302, junk
        assert response["Location"] == f"{endpoint(article)}?after={target}"
        assert cache.get(pagecache.page_key(endpoint(article), [("after", str(junk))])) is None
    for junk in ("abc", str(10 ** 17)):
        assert client.get(endpoint(article), {"after": junk}).status_code == 400
        assert cache.get(pagecache.page_key(endpoint(article), [("after", junk)])) is None
    # Following the redirect gives what the cursor asked for: the entries stamped after it.
    answer = client.get(endpoint(article), {"after": str(between)}, follow=True)
    assert [e["id"] for e in json.loads(answer.content)["entries"]] == [second.pk]
    # Cursors the site hands out are answered (and stored) as before.
    for cursor in sorted(stamps):
        response = client.get(endpoint(article), {"after": str(cursor)})
        assert response.status_code == 200 and response["X-Page-Cache"] in ("miss", "hit")
        assert cache.get(pagecache.page_key(endpoint(article), [("after", str(cursor))])) is not None


def test_the_cursor_a_page_polls_names_its_stamp_exactly(client):
    """cursor_of is integer arithmetic: a float product rounded some stamps a microsecond down (then redirected)."""
    article, blog, editor = live_story()
    for n in range(30):
        post(blog, editor, f"Update {n}")
    html = client.get(article.get_absolute_url()).content.decode()
    cursor = re.search(r'data-cursor="(\d+)"', html).group(1)
    response = client.get(endpoint(article), {"after": cursor})
    assert response.status_code == 200 and json.loads(response.content)["cursor"] == cursor
    data = json.loads(client.get(endpoint(article), {"after": "0"}).content)
    while data["more"] or data["entries"]:
        response = client.get(endpoint(article), {"after": data["cursor"]})
        assert response.status_code == 200, data["cursor"]
        data = json.loads(response.content)


def test_the_admin_history_link_opens_the_desk_history_for_every_role(client):
    opened = member("Reporter", "priya", "Priya Nair")
    other = member("Reporter", "sam", "Sam Menon")
    article, blog, editor = live_story(reporters=[opened])
    post(blog, editor, "Leads in 40 seats")
    admin_history = reverse("admin:live_liveblog_history", args=[blog.pk])
    desk_history = reverse("admin:live_desk_history", args=[blog.pk])
    for user in (editor, opened):
        client.force_login(user)
        response = client.get(admin_history)
        assert response.status_code == 302 and response["Location"] == desk_history
        page = client.get(desk_history)
        assert page.status_code == 200 and "Leads in 40 seats" in page.content.decode()
    client.force_login(other)
    assert client.get(admin_history, follow=True).status_code == 403
    client.force_login(editor)
    assert client.get(f"/admin/live/liveblog/{blog.pk}x/history/").status_code in (302, 404)


def test_a_reporter_opens_a_blog_opened_to_her_read_only(client):
    opened = member("Reporter", "priya", "Priya Nair")
    article, blog, editor = live_story(reporters=[opened])
    client.force_login(opened)
    response = client.get(reverse("admin:live_liveblog_change", args=[blog.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Counting day live" in html and 'name="poll_seconds"' not in html  # read-only for her
    assert client.post(reverse("admin:live_liveblog_change", args=[blog.pk]), {"poll_seconds": 5}).status_code == 403
