"""The story editor's photo chooser: search the library by caption, credit or uploader; upload without leaving."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from photos.models import Credit, Photo
from tests.factories import image_bytes, make_photo

SEARCH, UPLOAD = "/admin/photos/photo/chooser/", "/admin/photos/photo/chooser/upload/"


@pytest.fixture
def reporter_client(client, db):
    user = get_user_model().objects.create_user("ritu", "r@example.com", "pw", is_staff=True, first_name="Ritu",
                                                last_name="Sharma")
    user.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(user)
    return client


def test_search_by_caption_credit_and_uploader(reporter_client):
    rally = make_photo(credit="PTI", caption="Rally in Kolkata", name="a.jpg")
    make_photo(credit="AP", caption="Flood in Assam", name="b.jpg")
    uploaded = make_photo(credit="Reuters", caption="Market", name="c.jpg")
    uploaded.uploaded_by = get_user_model().objects.get(username="ritu")
    uploaded.save()

    def ids(query):
        return [r["id"] for r in reporter_client.get(SEARCH, {"q": query}).json()["results"]]

    assert ids("kolkata rally") == [rally.pk]
    assert ids("pti") == [rally.pk]
    assert ids("sharma") == [uploaded.pk]
    assert ids("nothing-like-this") == []
    result = reporter_client.get(SEARCH, {"ids": f"{uploaded.pk},{rally.pk}", "credits": "1"}).json()
    assert [r["id"] for r in result["results"]] == [uploaded.pk, rally.pk]
    assert result["results"][1]["credit"] == "(Photo Credits: PTI)"
    assert result["results"][0]["uploaded_by"] == "Ritu Sharma" and result["results"][0]["thumb"].startswith("/media/")
    assert {"AP", "PTI"} <= {c["name"] for c in result["credits"]}


def test_upload_from_the_chooser(reporter_client):
    credit = Credit.objects.get(name="AP")
    response = reporter_client.post(UPLOAD, {
        "image": SimpleUploadedFile("boxes.jpg", image_bytes(), content_type="image/jpeg"),
        "alt_text": "Ballot boxes", "caption": "Boxes arrive", "credit": credit.pk,
    })
    assert response.status_code == 201, response.content
    photo = Photo.objects.get(pk=response.json()["id"])
    assert photo.uploaded_by.username == "ritu" and photo.renditions.exists()
    assert response.json()["credit"] == "(Image Credits: AP)"


def test_a_bad_upload_says_why_and_writes_nothing(reporter_client):
    response = reporter_client.post(UPLOAD, {
        "image": SimpleUploadedFile("boxes.jpg", b"not a picture", content_type="image/jpeg"),
        "alt_text": "", "credit": Credit.objects.get(name="AP").pk,
    })
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"image", "alt_text"}
    assert not Photo.objects.exists()


def test_the_chooser_needs_staff_with_photo_permissions(client, db):
    assert client.get(SEARCH).status_code == 302  # to the admin login
    user = get_user_model().objects.create_user("ads", "a@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Ad operations"))
    client.force_login(user)
    assert client.get(SEARCH).status_code == 403
    assert client.post(UPLOAD, {}).status_code == 403
