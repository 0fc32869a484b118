"""An editor writes, illustrates, credits and publishes a story through the admin."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, Revision
from photos.models import Credit, Photo
from tests.factories import image_bytes, make_reporter, make_story


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser("desk", "desk@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def story_form(**overrides):
    data = {
        "headline": "Metro line opens in Pune",
        "slug": "metro-line-opens-in-pune",
        "standfirst": "The first stretch carries passengers from Monday.",
        "body": "<p>First paragraph.</p><h2>Fares</h2><p>Second <a href='https://example.org'>link</a>.</p>"
                "<script>alert('x')</script><p>Third.</p>",
        "section": "2",
        "tags": ["Transport", "Pune"],
        "workflow": "published",
        "publish_at_0": "", "publish_at_1": "",
        "expires_at_0": "", "expires_at_1": "",
        "correction_note": "",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_upload_photo_with_credit_then_write_and_publish(editor_client, client):
    # The standard agencies come from a migration; PTI asks to be printed "Photo: PTI".
    credit, _ = Credit.objects.update_or_create(name="PTI", defaults={"kind": "agency", "prefix": "Photo"})
    response = editor_client.post("/admin/photos/photo/add/", {
        "image": SimpleUploadedFile("station.jpg", image_bytes(), content_type="image/jpeg"),
        "alt_text": "Commuters on the new platform", "caption": "Opening day", "credit": credit.pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    assert photo.checksum and photo.width == 320

    first, second = make_reporter("Ritu Sharma"), make_reporter("Arjun Mehta")
    # Bylines keep the order chosen: Arjun first.
    response = editor_client.post("/admin/articles/article/add/", story_form(
        byline_reporters=[str(second.pk), str(first.pk)], hero_photo=str(photo.pk),
    ))
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', response.content.decode(), re.S)
    article = Article.objects.get()
    assert article.state() == "published"
    assert article.byline_text == "Arjun Mehta and Ritu Sharma"
    assert "<script>" not in article.body and 'rel="noopener noreferrer"' in article.body
    assert sorted(article.tags.names()) == ["Pune", "Transport"]
    assert article.revisions.filter(kind=Revision.Kind.CREATED).exists()
    assert article.revisions.filter(kind=Revision.Kind.PUBLISHED).exists()

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Metro line opens in Pune" in page
    assert "Photo: PTI" in page
    assert "Reported by:" in page and page.index("Arjun Mehta") < page.index("Ritu Sharma")
    assert 'alt="Commuters on the new platform"' in page


def test_rejected_form_keeps_what_the_editor_typed(editor_client):
    response = editor_client.post("/admin/articles/article/add/", story_form(
        headline="A headline worth keeping", byline_reporters=[], tags=["Brand new tag"],
    ))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required" in html
    assert 'A headline worth keeping</textarea>' in html
    assert "First paragraph." in html
    assert "Brand new tag" in html  # a new tag typed into the autocomplete survives the round trip
    assert Article.objects.count() == 0


def test_article_list_shows_state_bylines_and_ist(editor_client):
    story = make_story(headline="Listed story", reporters=[make_reporter("Ritu Sharma")])
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "Listed story" in html and "Ritu Sharma" in html and "Draft" in html
    form = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "Publish at (IST)" in form
    assert "Indian Standard Time" in form
    assert f"/preview/{story.pk}/" in form
    assert "django_prose_editor" in form  # the rich-text editor's assets are served locally


def test_prose_editor_assets_ship_with_the_app(editor_client):
    form = editor_client.get("/admin/articles/article/add/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', form) + re.findall(r'href="([^"]+\.css)"', form)
    # Every asset is ours (no CDN): same-origin paths, and the editor's files exist in the app.
    assert scripts and all(src.startswith("/") and not src.startswith("//") for src in scripts), scripts
    editor_assets = [src for src in scripts if "django_prose_editor" in src]
    assert editor_assets
    for src in editor_assets:
        assert finders.find(src.removeprefix("/static/").split("?")[0]), src


def test_autocomplete_finds_reporters_and_tags(editor_client):
    make_reporter("Akanksha Arora")
    story = make_story(tags=["Elections"])
    response = editor_client.get("/admin/autocomplete/", {
        "term": "Akan", "app_label": "articles", "model_name": "article", "field_name": "reporters",
    })
    assert [r["text"] for r in response.json()["results"]] == ["Akanksha Arora"]
    response = editor_client.get("/admin/autocomplete/", {
        "term": "Elec", "app_label": "articles", "model_name": "article", "field_name": "tags",
    })
    assert [r["text"] for r in response.json()["results"]] == ["Elections"]
    assert story.pk


def test_editor_import_map_is_allowed_by_hash_not_unsafe_inline(editor_client):
    import base64
    import hashlib

    response = editor_client.get("/admin/articles/article/add/")
    policy = response["Content-Security-Policy"]
    body = re.search(rb'<script type="importmap"[^>]*>(.*?)</script>', response.content, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
