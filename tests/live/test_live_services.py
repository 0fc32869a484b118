"""live.services: who may do what, scheduling, one pin at a time, corrections, conflicts, history, the guard."""
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from live import services
from live.guard import LiveWriteError
from live.models import LiveBlog, LiveEntry, LiveEntryByline, LiveEntryPhoto, LiveRecord
from tests.factories import make_photo, make_reporter
from tests.live.support import live_story, member, post

pytestmark = pytest.mark.django_db


def test_an_editor_opens_a_blog_and_posts_an_entry_with_its_history():
    article, blog, editor = live_story()
    entry = post(blog, editor, "Counting has begun.\n\nFirst trends at 9.", headline="Counting begins")
    assert entry.body == "<p>Counting has begun.</p><p>First trends at 9.</p>"
    assert [r.name for r in entry.ordered_reporters()] == ["Akanksha Arora"]
    assert list(entry.records.values_list("action", flat=True)) == ["posted"]
    assert LiveRecord.objects.filter(blog=blog, action="opened", actor=editor).exists()
    article.refresh_from_db()
    assert article.updated_at == entry.posted_at  # Updated follows the latest entry


def test_the_body_is_sanitized_like_a_story_body():
    _, blog, editor = live_story()
    entry = post(blog, editor, '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">l</a></p><h2>Sub</h2>')
    assert "script" not in entry.body and "onclick" not in entry.body and "javascript" not in entry.body
    assert "<h2>Sub</h2>" in entry.body


def test_an_entry_needs_text_or_a_photo_and_a_reporter():
    _, blog, editor = live_story()
    with pytest.raises(ValidationError):
        post(blog, editor, "   ")
    with pytest.raises(ValidationError):
        services.post_entry(blog, actor=editor, body="Text", reporters=[])  # the editor has no reporter record
    entry = post(blog, editor, "", photo=make_photo(credit="PTI"))
    assert entry.photo.credit.name == "PTI"


def test_a_body_placing_a_photo_not_in_the_library_is_refused_with_a_clear_error():
    _, blog, editor = live_story()
    with pytest.raises(ValidationError) as refused:
        post(blog, editor, '<p>See</p><figure data-photo="999999"><figcaption>x</figcaption></figure>')
    assert "999999" in str(refused.value) and "photo library" in str(refused.value)
    assert not LiveEntry.objects.exists()


def test_reporters_post_only_to_blogs_opened_to_them():
    opened = member("Reporter", "ritu", "Ritu Sharma")
    stranger = member("Reporter", "sam", "Sam Menon")
    _, blog, _ = live_story(reporters=[opened])
    entry = services.post_entry(blog, actor=opened, body="From the counting centre.")
    assert [r.name for r in entry.ordered_reporters()] == ["Ritu Sharma"]  # default byline: the reporter
    with pytest.raises(services.LivePermissionError):
        services.post_entry(blog, actor=stranger, body="Not mine to post.")
    with pytest.raises(services.LivePermissionError):
        services.remove_entry(entry, actor=opened)  # removing is for editors
    with pytest.raises(services.LivePermissionError):
        services.end_coverage(blog, actor=opened)
    with pytest.raises(services.LivePermissionError):
        services.post_entry(blog, actor=None, body="Who?")
    assert LiveEntry.objects.count() == 1


def test_one_pinned_entry_at_a_time():
    _, blog, editor = live_story()
    first = post(blog, editor, "First", pinned=True)
    second = post(blog, editor, "Second", pinned=True)
    first.refresh_from_db()
    assert (first.pinned, second.pinned) == (False, True)
    services.set_pinned(first, True, actor=editor)
    assert list(LiveEntry.objects.filter(pinned=True)) == [first]
    assert LiveRecord.objects.filter(entry=second, action="unpinned").exists()


def test_a_scheduled_entry_appears_at_its_instant():
    _, blog, editor = live_story()
    at = timezone.now() + timedelta(minutes=30)
    entry = post(blog, editor, "Results at noon", post_at=at)
    assert entry.is_scheduled()
    assert not LiveEntry.objects.visible().filter(pk=entry.pk).exists()
    assert LiveEntry.objects.visible(at).filter(pk=entry.pk).exists()
    assert entry.records.get().action == "scheduled"


def test_a_correction_shows_updated_and_a_stale_edit_is_refused():
    _, blog, editor = live_story()
    entry = post(blog, editor, "BJP leads in 120 seats")
    assert entry.corrected_at is None
    fixed = services.edit_entry(entry, actor=editor, expected_version=entry.version, body="BJP leads in 102 seats",
                                reporters=[make_reporter()])
    assert fixed.corrected_at is not None and fixed.stamp > entry.stamp and fixed.version == entry.version + 1
    with pytest.raises(services.LiveEditConflict) as conflict:
        services.edit_entry(entry, actor=editor, expected_version=entry.version, body="Stale text",
                            reporters=[make_reporter()])
    assert "after you opened it" in str(conflict.value)
    assert LiveEntry.objects.get(pk=entry.pk).body == "<p>BJP leads in 102 seats</p>"
    assert list(entry.records.values_list("action", flat=True)) == ["edited", "posted"]


def test_an_ended_blog_refuses_new_entries_until_reopened():
    _, blog, editor = live_story()
    services.end_coverage(blog, actor=editor)
    blog.refresh_from_db()
    with pytest.raises(services.CoverageEnded):
        post(blog, editor, "Late")
    services.change_blog(blog, actor=editor, coverage_start=blog.coverage_start, coverage_end=None, reporters=[],
                         poll_seconds=20)
    assert post(blog, editor, "Back on").pk


def test_stamps_follow_posting_order_even_within_one_microsecond():
    _, blog, editor = live_story()
    with time_machine.travel(timezone.now(), tick=False):
        entries = [post(blog, editor, f"Entry {n}") for n in range(3)]
    stamps = [e.stamp for e in entries]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_entries_update_only_a_published_storys_updated():
    article, blog, editor = live_story()
    before = Article.objects.get(pk=article.pk).updated_at
    entry = post(blog, editor, "Later", post_at=timezone.now() + timedelta(hours=1))
    assert Article.objects.get(pk=article.pk).updated_at == before  # scheduled: not yet
    assert entry.pk


def test_rows_are_written_only_through_the_services():
    _, blog, editor = live_story()
    entry = post(blog, editor, "Guarded")
    for attempt in (
        lambda: entry.save(),
        lambda: entry.delete(),
        lambda: LiveEntry.objects.filter(pk=entry.pk).update(pinned=True),
        lambda: LiveEntry.objects.filter(pk=entry.pk).delete(),
        lambda: LiveEntry.objects.bulk_create([LiveEntry(blog=blog, posted_at=timezone.now(), stamp=timezone.now())]),
        lambda: LiveEntry.objects.bulk_update([entry], ["pinned"]),
        lambda: LiveBlog.objects.filter(pk=blog.pk).update(poll_seconds=1),
        lambda: LiveEntryByline.objects.filter(entry=entry).delete(),
        lambda: LiveEntryPhoto.objects.create(entry=entry, photo=make_photo()),
        lambda: LiveRecord.objects.create(blog=blog, action="posted", actor_name="x"),
    ):
        with pytest.raises(LiveWriteError):
            attempt()
