"""The photo library in the admin: safe uploads with clear errors, thumbnails, search, filters, usage, focal point."""
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos.models import Credit, Photo
from photos.services import photo_from_bytes
from tests.factories import make_story
from tests.unit.test_photo_checks import BAD_FILES, assert_no_metadata, close, phone_photo, two_colour

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"


@pytest.fixture
def desk(client):
    user = get_user_model().objects.create_superuser("photodesk", "photo@example.com", "pw-for-tests-only")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, data, name, **fields):
    payload = {
        "image": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        "alt_text": "Commuters on the platform", "caption": "Opening day",
        "credit": Credit.objects.get_or_create(name="PTI", defaults={"kind": "agency", "prefix": "Photo"})[0].pk,
    }
    payload.update(fields)
    return client.post(ADD_URL, payload)


def errors(response) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def test_phone_photo_upload_is_upright_stripped_and_rendered(desk, media):
    data = phone_photo(800, 400)
    response = upload(desk, data, "IMG_0042.JPG", focal_x="0.5", focal_y="0.25")
    assert response.status_code == 302, errors(response)
    photo = Photo.objects.get()
    assert photo.checksum == hashlib.sha256(data).hexdigest()  # of the upload: the wire's de-duplication agrees
    assert photo.uploaded_by == desk.user
    assert (photo.width, photo.height, photo.focal_y) == (400, 800, 0.25)
    assert photo.image.name.endswith(".jpg") and "img_0042" in photo.image.name
    with photo.image.open("rb") as handle:
        assert_no_metadata(handle.read())
    formats = set(photo.renditions.values_list("format", flat=True))
    assert formats == {"webp", "jpeg"}
    card = photo.renditions.get(ratio="16:9", width=320, format="webp")
    with card.file.open("rb") as handle:
        data = handle.read()
    assert_no_metadata(data)
    # Upright the picture is red above blue; the 16:9 crop centred a quarter of the way down is all red.
    assert close(Image.open(io.BytesIO(data)).convert("RGB").getpixel((160, 90)), (255, 0, 0))


@pytest.mark.parametrize("name,data,message", BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_bad_files_get_a_clear_error_and_nothing_is_saved(desk, media, name, data, message):
    response = upload(desk, data, name)
    assert response.status_code == 200
    assert message.lower() in errors(response).lower()
    assert 'value="Commuters on the platform"' in response.content.decode()  # what the editor typed survives
    assert Photo.objects.count() == 0
    assert files_under(media) == []


def test_too_big_a_file_is_refused_before_it_is_read(desk, media, settings):
    settings.PHOTO_MAX_BYTES = 1000
    response = upload(desk, two_colour(800, 800), "big.jpg")
    assert response.status_code == 200 and "at most" in errors(response)
    assert Photo.objects.count() == 0 and files_under(media) == []


def test_focal_point_fields_are_optional_and_validated(desk, media):
    response = upload(desk, two_colour(), "no-focal.jpg")
    assert response.status_code == 302, errors(response)
    assert (Photo.objects.get().focal_x, Photo.objects.get().focal_y) == (0.5, 0.5)
    response = upload(desk, two_colour(300, 200), "bad-focal.jpg", focal_x="1.5")
    assert response.status_code == 200 and "less than or equal to 1" in errors(response)


def test_changing_the_focal_point_in_the_admin_recrops(desk, media):
    photo = photo_from_bytes(two_colour(1280, 320), name="two.png", alt_text="Two colours", caption="", credit_name="AP")
    square = lambda: photo.renditions.get(ratio="1:1", width=320, format="jpeg")  # noqa: E731

    def centre():
        with square().file.open("rb") as handle:
            return Image.open(io.BytesIO(handle.read())).getpixel((160, 160))

    for focal_x, colour in (("0.05", (255, 0, 0)), ("0.95", (0, 0, 255))):
        response = desk.post(f"/admin/photos/photo/{photo.pk}/change/", {
            "focal_x": focal_x, "focal_y": "0.5", "alt_text": "Two colours", "caption": "", "credit": photo.credit_id,
        })
        assert response.status_code == 302, errors(response)
        assert close(centre(), colour)


def test_change_page_shows_preview_focal_picker_usage_and_renditions(desk, media):
    photo = photo_from_bytes(two_colour(960, 540), name="used.jpg", alt_text="Used", caption="", credit_name="AP")
    make_story(headline="Hero story", hero=photo)
    make_story(headline="Inline story", photos=[photo])
    make_story(headline="Unrelated story")
    html = desk.get(f"/admin/photos/photo/{photo.pk}/change/").content.decode()
    assert "Used in 2 stories" in html and "Hero story" in html and "Inline story" in html
    assert "Unrelated story" not in html
    assert "photos/focal_point.js" in html and "data-focal-picker" in html
    assert 'name="focal_x"' in html and 'name="focal_y"' in html
    assert re.search(r'class="focal-picker__image"', html) and "/renditions/" in html
    assert "WebP and JPEG" in html
    assert finders.find("photos/focal_point.js") and finders.find("photos/focal_point.css")


def test_library_list_thumbnails_search_and_filters(desk, media):
    ap = photo_from_bytes(two_colour(640, 360), name="a.jpg", alt_text="Flood", caption="Flooded street in Kochi", credit_name="AP")
    pti = photo_from_bytes(two_colour(640, 361), name="b.jpg", alt_text="Match", caption="Cricket final", credit_name="PTI")
    own = photo_from_bytes(two_colour(640, 362), name="c.jpg", alt_text="Desk", caption="Our newsroom", credit_name="Newsroom/Ritu Sharma")
    make_story(headline="Uses the flood picture", hero=ap)

    html = desk.get("/admin/photos/photo/").content.decode()
    thumbs = re.findall(r'<img src="([^"]+)" alt="" width="64" height="64"', html)
    assert len(thumbs) == 3 and all("/renditions/" in src and "/1x1-" in src for src in thumbs)
    assert "Image: AP" in html and "Photo: PTI" in html and "1 story" in html

    def listed(query):
        page = desk.get("/admin/photos/photo/", query).content.decode()
        return {p for p in (ap, pti, own) if f"/admin/photos/photo/{p.pk}/change/" in page}

    assert listed({"q": "kochi"}) == {ap}  # caption
    assert listed({"q": "PTI"}) == {pti}  # credit
    assert listed({"credit__kind__exact": "staff"}) == {own}
    assert listed({"credit__id__exact": pti.credit_id}) == {pti}


def test_credit_prefix_is_editable(desk):
    html = desk.get("/admin/photos/credit/").content.decode()
    assert "Photo: PTI" in html and 'name="form-0-prefix"' in html
    credit = Credit.objects.get(name="Reuters")
    response = desk.post(f"/admin/photos/credit/{credit.pk}/change/", {"name": "Reuters", "kind": "agency", "prefix": "Picture"})
    assert response.status_code == 302
    assert Credit.objects.get(pk=credit.pk).label == "Picture: Reuters"
