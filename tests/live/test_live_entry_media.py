"""Photos, galleries and embeds placed in an entry's body: the story body's machinery (articles.body_media) end to end.

Posted through the live desk (the real admin), read on the story page, in the update endpoint and the feed, and
protecting the photos they place from deletion.
"""
import json

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from live import services
from live.models import LiveEntry, LiveEntryPhoto
from live.text import body_html
from photos.models import Photo
from tests.factories import make_photo
from tests.live.support import live_story, member, post

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def media_body(photo, gallery):
    return (
        f'<p>At the counting centre.</p><figure data-photo="{photo.pk}"><figcaption>Queues at dawn</figcaption></figure>'
        f'<figure data-gallery="{",".join(str(p.pk) for p in gallery)}"><figcaption>The day in pictures</figcaption></figure>'
        f'<figure data-embed="youtube" data-url="{VIDEO}"><figcaption>The returning officer</figcaption></figure>'
    )


def test_an_entry_posted_at_the_desk_with_a_photo_gallery_and_embed_renders_them_for_readers(client):
    reporter = member("Reporter", "ritu", "Ritu Sharma")
    article, blog, _ = live_story(reporters=[reporter])
    photo = make_photo(credit="PTI", alt="Queue of voters", name="queue.jpg")
    gallery = [make_photo(credit=credit, alt=f"Picture by {credit}", name=f"{credit}.jpg") for credit in ("AP", "Reuters")]
    client.force_login(reporter)
    response = client.post(reverse("admin:live_desk", args=[blog.pk]), {"body": media_body(photo, gallery)}, **JSON)
    assert response.status_code == 200 and response.json()["ok"], response.content
    entry = LiveEntry.objects.get()
    # Stored as references, read into blocks at save, the placed photos written down in reading order.
    assert f'<figure data-photo="{photo.pk}" data-size="full">' in entry.body
    assert [b["kind"] for b in entry.body_blocks] == ["p", "photo", "gallery", "embed"]
    assert list(entry.body_photo_links.values_list("photo_id", flat=True)) == [photo.pk] + [p.pk for p in gallery]
    # The desk's stream shows the entry as readers will.
    assert 'class="body-photo' in response.json()["stream"]

    page = client.get(article.get_absolute_url()).content.decode()
    stream = page[page.index(f'id="entry-{entry.pk}"'):]
    assert 'class="body-photo body-photo--full"' in stream and "Queues at dawn" in stream and "PTI" in stream
    assert 'data-gallery' in stream and "Gallery: The day in pictures, 2 photos" in stream and "Reuters" in stream
    assert f'<a class="embed__open" href="{VIDEO}"' in stream and "The returning officer" in stream
    assert 'src="/static/articles/body-media.js"' in page  # galleries and embed facades work on the blog page

    answer = json.loads(client.get(f"{article.get_absolute_url()}live/", {"after": "0"}).content)
    html = answer["entries"][0]["html"]
    assert 'class="body-photo body-photo--full"' in html and "PTI" in html and "data-gallery" in html
    assert f'href="{VIDEO}"' in html and "data-embed-player" in html

    feed = client.get(reverse("live:rss", args=[article.slug])).content.decode()
    assert "body-photo" in feed and "Queues at dawn" in feed


def test_a_video_address_alone_in_a_plain_text_paragraph_is_embedded_like_in_a_story(client):
    assert body_html(f"Watch:\n\n{VIDEO}") == f'<p>Watch:</p><figure data-embed="youtube" data-url="{VIDEO}"></figure>'
    assert body_html(f"Watch {VIDEO} now") == f'<p>Watch <a href="{VIDEO}">{VIDEO}</a> now</p>'  # in a sentence: a link
    article, blog, editor = live_story()
    entry = post(blog, editor, f"The returning officer speaks.\n\n{VIDEO}")
    assert [b["kind"] for b in entry.body_blocks] == ["p", "embed"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a class="embed__open" href="{VIDEO}"' in page


def test_an_embed_no_provider_matches_becomes_a_link_as_in_a_story():
    _, blog, editor = live_story()
    entry = post(blog, editor, '<figure data-embed="x" data-url="https://example.com/a"><figcaption>A page</figcaption></figure>')
    assert entry.body == '<p><a href="https://example.com/a" rel="noopener noreferrer">A page</a></p>'
    assert [b["kind"] for b in entry.body_blocks] == ["p"]


def test_a_correction_replaces_the_placed_photos_and_a_missing_photo_is_refused_keeping_the_entry():
    _, blog, editor = live_story()
    first, second = make_photo(name="first.jpg"), make_photo(name="second.jpg")
    entry = post(blog, editor, f'<figure data-photo="{first.pk}"></figure>')
    entry = services.edit_entry(entry, actor=editor, expected_version=entry.version,
                                body=f'<p>Better picture</p><figure data-photo="{second.pk}"></figure>',
                                reporters=list(entry.reporters.all()))
    assert list(LiveEntryPhoto.objects.values_list("photo_id", flat=True)) == [second.pk]
    with pytest.raises(ValidationError) as refused:
        services.edit_entry(entry, actor=editor, expected_version=entry.version,
                            body='<figure data-photo="999999"></figure>', reporters=list(entry.reporters.all()))
    assert "not in the photo library" in str(refused.value)
    entry.refresh_from_db()
    assert f'data-photo="{second.pk}"' in entry.body


def test_a_photo_placed_in_an_entry_cannot_be_deleted_and_the_photo_page_names_the_blog(client):
    article, blog, editor = live_story(headline="Cyclone landfall live")
    placed, unused = make_photo(name="placed.jpg"), make_photo(name="unused.jpg")
    post(blog, editor, f'<p>Landfall</p><figure data-gallery="{placed.pk}"></figure>')
    with pytest.raises(ProtectedError):
        Photo.objects.get(pk=placed.pk).delete()
    admin = member("Editor", "photo-editor")
    client.force_login(admin)
    page = client.get(reverse("admin:photos_photo_delete", args=[placed.pk])).content.decode()
    assert "cannot be deleted while stories use it" in page and "Cyclone landfall live" in page and "(live)" in page
    client.post(reverse("admin:photos_photo_delete", args=[placed.pk]), {"post": "yes"})
    assert Photo.objects.filter(pk=placed.pk).exists()
    client.post(reverse("admin:photos_photo_delete", args=[unused.pk]), {"post": "yes"})
    assert not Photo.objects.filter(pk=unused.pk).exists()
