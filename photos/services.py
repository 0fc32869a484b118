"""Turning bytes into a Photo: checked, stripped, de-duplicated by content, credited, with renditions."""
from django.db import transaction

from . import files
from .checks import ALLOWED_FORMATS, BadImage, checksum, open_checked, prepare_upload
from .models import Credit, Photo

__all__ = ["ALLOWED_FORMATS", "BadImage", "checksum", "image_format", "photo_from_bytes", "strip_stored_original"]

METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Raw profile type exif")


def image_format(data: bytes) -> str:
    """The real format of the bytes (not the file name's), or BadImage."""
    with open_checked(data) as image:
        return image.format


def photo_from_bytes(data: bytes, *, name: str, alt_text: str, caption: str, credit_name: str, user=None) -> Photo:
    """The existing photo with the same bytes, or a new one. Raises BadImage, having written nothing.

    The checks are the admin form's (photos.checks.prepare_upload). The row, the stripped original and the
    renditions are written in one transaction; if it (or the caller's enclosing one) rolls back, the files go too.
    """
    digest = checksum(data)
    existing = Photo.objects.filter(checksum=digest).select_related("credit").first()
    if existing:
        return existing
    prepared = prepare_upload(data, name)
    stem = prepared.file.name.rsplit(".", 1)[0]
    with transaction.atomic():
        photo = Photo(
            image=prepared.file,
            alt_text=(alt_text or caption or stem)[:250],
            caption=caption[:500],
            credit=Credit.for_wire_name(credit_name or "Unknown"),
            checksum=prepared.checksum,
            uploaded_by=user,
        )
        photo.save()
    return photo


def has_metadata(data: bytes) -> bool:
    """Whether stored bytes still carry EXIF (orientation, camera, GPS), XMP or comments."""
    with open_checked(data) as image:
        return any(key in image.info for key in METADATA_KEYS) or bool(image.getexif())


def strip_stored_original(photo: Photo) -> bool:
    """Re-encode an original stored before uploads were stripped (orientation applied, metadata dropped).

    Returns False when there was nothing to strip. The new file replaces the old in one transaction (the renditions
    are remade by Photo.save); the old file is deleted once it commits. Raises BadImage for a file that no longer
    passes the upload checks, OSError for a missing one.
    """
    with photo.image.open("rb") as handle:
        data = handle.read()
    if not has_metadata(data):
        return False
    prepared = prepare_upload(data, photo.image.name)
    old_name, storage = photo.image.name, photo.image.storage
    with transaction.atomic():
        photo.image = prepared.file
        photo.save()
        files.delete_on_commit(storage, [old_name])
    return True
