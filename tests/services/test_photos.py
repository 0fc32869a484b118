"""photos/services.py (who may change a photo; stories told of changes) and articles/photo_uses.py, via the admin."""
import pytest

from articles.models import AuditEntry
from photos.models import Credit, Photo
from photos.services import PhotoInUse, may_change_photo, save_photo
from tests.factories import make_photo, make_story, publish_story


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def uploaded_by(user, **kwargs):
    photo = make_photo(**kwargs)
    Photo.objects.filter(pk=photo.pk).update(uploaded_by=user)
    photo.refresh_from_db()
    return photo


def change_form(photo, **fields):
    return {
        "alt_text": photo.alt_text, "caption": photo.caption, "credit": photo.credit_id,
        "focal_x": photo.focal_x, "focal_y": photo.focal_y, **fields,
    }


def test_regression_reporter_cannot_change_a_photo_a_live_story_uses(client, media, reporter_user, editor):
    theirs = make_photo(caption="Flood in Patna", name="theirs.jpg")
    live = publish_story(hero=theirs)
    own_live = uploaded_by(reporter_user, caption="Mine, on a live story", name="mine-live.jpg")
    publish_story(headline="Uses mine", photos=[own_live])
    own_free = uploaded_by(reporter_user, caption="Mine, in a draft", name="mine-draft.jpg")
    make_story(headline="Draft using mine", hero=own_free)
    for photo, allowed in ((theirs, False), (own_live, False), (own_free, True)):
        assert may_change_photo(reporter_user, photo) is allowed
    client.force_login(reporter_user)
    for photo in (theirs, own_live):
        page = client.get(f"/admin/photos/photo/{photo.pk}/change/")
        assert page.status_code == 200 and 'name="caption"' not in page.content.decode()  # read-only
        response = client.post(f"/admin/photos/photo/{photo.pk}/change/", change_form(photo, caption="Replaced"))
        assert response.status_code == 403
        assert Photo.objects.get(pk=photo.pk).caption != "Replaced"
    response = client.post(f"/admin/photos/photo/{own_free.pk}/change/", change_form(own_free, caption="Fixed"))
    assert response.status_code == 302 and Photo.objects.get(pk=own_free.pk).caption == "Fixed"
    with pytest.raises(PhotoInUse):
        save_photo(theirs, user=reporter_user)
    assert not AuditEntry.objects.filter(story_id=live.pk, action__startswith="photo").exists()


def test_editor_change_to_a_photo_is_recorded_on_the_live_stories_using_it(
    client, media, editor, django_capture_on_commit_callbacks
):
    photo = make_photo(caption="Old caption")
    live = publish_story(headline="Live", hero=photo)
    inline = publish_story(headline="Inline", photos=[photo])
    draft = make_story(headline="Draft", hero=photo)
    announced = []
    from articles.signals import story_changed

    story_changed.connect(lambda sender, article_id, **kw: announced.append(article_id), dispatch_uid="t-photo", weak=False)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/photos/photo/{photo.pk}/change/", change_form(photo, caption="New caption"))
    story_changed.disconnect(dispatch_uid="t-photo")
    assert response.status_code == 302
    for story in (live, inline):
        entry = AuditEntry.objects.get(story_id=story.pk, action__startswith="photo")
        assert entry.action == f"photo {photo.pk} changed" and entry.changes == {"caption": ["Old caption", "New caption"]}
        assert entry.actor_user == editor
    assert not AuditEntry.objects.filter(story_id=draft.pk, action__startswith="photo").exists()
    assert {live.pk, inline.pk} <= set(announced)


def test_editor_change_to_a_credit_is_recorded_on_live_stories(client, editor):
    photo = make_photo(credit="Reuters")
    live = publish_story(hero=photo)
    client.force_login(editor)
    credit = Credit.objects.get(name="Reuters")
    response = client.post(f"/admin/photos/credit/{credit.pk}/change/", {
        "name": "Reuters", "kind": credit.kind, "prefix": "Picture"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(story_id=live.pk, action__startswith="credit")
    assert entry.action == "credit “Reuters” changed" and entry.changes["prefix"][1] == "Picture"


def test_regression_a_photo_used_by_any_story_cannot_be_deleted_and_the_page_names_them(client, media, editor):
    hero = make_photo(caption="Hero picture", name="hero.jpg")
    inline = make_photo(caption="Inline picture", name="inline.jpg")
    unused = make_photo(caption="Unused picture", name="unused.jpg")
    live = publish_story(headline="Live story with hero", hero=hero)
    make_story(headline="Draft with inline", photos=[inline])
    client.force_login(editor)
    for photo, headline in ((hero, "Live story with hero"), (inline, "Draft with inline")):
        page = client.get(f"/admin/photos/photo/{photo.pk}/delete/").content.decode()
        assert "cannot be deleted while stories use it" in page and headline in page
        client.post(f"/admin/photos/photo/{photo.pk}/delete/", {"post": "yes"})
        assert Photo.objects.filter(pk=photo.pk).exists()
    assert "(live)" in client.get(f"/admin/photos/photo/{hero.pk}/delete/").content.decode()
    assert Photo.objects.get(pk=hero.pk) == live.hero_photo
    client.post(f"/admin/photos/photo/{unused.pk}/delete/", {"post": "yes"})
    assert not Photo.objects.filter(pk=unused.pk).exists()


def test_hero_photo_is_protected_in_the_database(db):
    from django.db.models import ProtectedError

    photo = make_photo()
    publish_story(hero=photo)
    with pytest.raises(ProtectedError):
        photo.delete()
