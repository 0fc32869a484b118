"""A full media disk (issue 26): the storage's write fails with ENOSPC half way, injected where the storage writes
to the file system (a disk cannot be filled safely on a shared machine). The chooser answers JSON with the reason,
the admin form comes back with what was typed and the reason, and nothing is kept: no row, no file, not even the
half-written one Django's FileSystemStorage would leave (core.storage)."""
import errno
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from core.storage import AtomicFileSystemStorage
from photos.disk import DISK_FULL
from photos.models import Credit, Photo
from tests.factories import image_bytes

UPLOAD = "/admin/photos/photo/chooser/upload/"


@pytest.fixture
def reporter_client(client, db):
    user = get_user_model().objects.create_user("ritu", "r@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(user)
    return client


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}  # hidden ones too (.partial-*)


@pytest.fixture
def disk_full(monkeypatch):
    """Every media write stops half way with ENOSPC, as on a full disk (the first bytes are on disk)."""
    def full(file, content):
        file.write(b"\xff\xd8\xff")
        file.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    assert isinstance(storages["default"], AtomicFileSystemStorage)  # the default MEDIA_STORAGE
    monkeypatch.setattr(AtomicFileSystemStorage, "_write_chunks", staticmethod(full))


def upload_data(**extra):
    return {
        "image": SimpleUploadedFile("boxes.jpg", image_bytes(), content_type="image/jpeg"),
        "alt_text": "Ballot boxes", "caption": "Boxes arrive", "credit": Credit.objects.get(name="AP").pk, **extra,
    }


def test_the_chooser_answers_json_with_the_reason_and_keeps_nothing(reporter_client, disk_full):
    before = media_files()
    response = reporter_client.post(UPLOAD, upload_data())
    assert response.status_code == 507
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"image": [DISK_FULL]}}
    assert not Photo.objects.exists()
    assert media_files() == before


def test_the_admin_form_comes_back_with_the_reason_and_keeps_nothing(reporter_client, disk_full):
    before = media_files()
    response = reporter_client.post("/admin/photos/photo/add/", upload_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "The media disk is full" in html and "errornote" in html
    assert 'value="Ballot boxes"' in html and "Boxes arrive" in html  # what was typed is still there
    assert not Photo.objects.exists()
    assert media_files() == before


def test_other_storage_errors_are_not_reported_as_a_full_disk(reporter_client, monkeypatch):
    def denied(file, content):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(AtomicFileSystemStorage, "_write_chunks", staticmethod(denied))
    reporter_client.raise_request_exception = False
    assert reporter_client.post(UPLOAD, upload_data()).status_code == 500
    assert not Photo.objects.exists()


def test_the_storage_keeps_complete_files_only(db, tmp_path, monkeypatch):
    from django.core.files.base import ContentFile

    storage = AtomicFileSystemStorage(location=tmp_path)
    name = storage.save("photos/a.jpg", ContentFile(b"complete picture"))
    assert storage.open(name).read() == b"complete picture"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.jpg"]

    def full(file, content):
        file.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AtomicFileSystemStorage, "_write_chunks", staticmethod(full))
    with pytest.raises(OSError):
        storage.save("photos/b.jpg", ContentFile(b"complete picture"))
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.jpg"]


def test_the_choosers_ids_parameter_takes_ascii_numbers_only(reporter_client):
    from tests.factories import make_photo

    photo = make_photo()
    for junk in ("²", "١", "9" * 40, "-1", "1e3", f"{photo.pk},²,{'9' * 19}"):
        response = reporter_client.get("/admin/photos/photo/chooser/", {"ids": junk})
        assert response.status_code == 200, junk
    assert [r["id"] for r in reporter_client.get("/admin/photos/photo/chooser/", {"ids": f"²,{photo.pk}"}).json()["results"]] == [photo.pk]


def test_other_admin_uploads_on_a_full_disk_get_a_page_that_says_so(client, db, disk_full):
    from reporters.models import Reporter

    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    client.raise_request_exception = False
    before = media_files()
    response = client.post("/admin/reporters/reporter/add/", {
        "name": "Asha Rao", "slug": "asha-rao", "bio": "",
        "portrait": SimpleUploadedFile("asha.jpg", image_bytes(), content_type="image/jpeg"),
    })
    assert response.status_code == 507, response.content.decode()[:500]
    assert "The media disk is full" in response.content.decode()
    assert not Reporter.objects.filter(slug="asha-rao").exists() and media_files() == before
