"""Turning bytes into a Photo: checked, stripped, de-duplicated by content, credited, with renditions."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal

from . import files
from .checks import ALLOWED_FORMATS, BadImage, checksum, open_checked, prepare_upload
from .models import Credit, Photo

__all__ = [
    "ALLOWED_FORMATS", "BadImage", "PhotoInUse", "checksum", "credit_changed", "credit_story_ids", "image_format",
    "live_story_ids",
    "may_change_photo", "photo_changed", "photo_from_bytes", "save_credit", "save_photo", "stories_using",
    "strip_stored_original",
]

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


# --- Who may change a photo, and telling the stories that use it ------------------------------------------------

# Sent inside the saving transaction, with the changed fields as {name: (old, new)}.
# articles listens (photos never imports articles) and records the change in the history of the live stories using
# it, and announces them so cached pages are purged.
photo_changed = Signal()  # sender=Photo, photo, changes, user
credit_changed = Signal()  # sender=Credit, credit, changes, user

# Editors are the users who may publish stories (a permission of the articles app, named here as a string).
EDITOR_PERMISSION = "articles.publish_article"
PHOTO_FIELDS = ("image", "alt_text", "caption", "credit", "focal_x", "focal_y")
CREDIT_FIELDS = ("name", "kind", "prefix")


class PhotoInUse(PermissionDenied):
    """The user may not change this photo (a PermissionDenied: unhandled, it is a 403)."""


def _stories():
    return Photo._meta.get_field("hero_of").related_model


def live_story_ids(photo: Photo, ids: set[int] | None = None) -> set[int]:
    """Stories readers can see now that use this photo, as hero or inside the story (`ids`: its story_ids(), when
    the caller has them already)."""
    if ids is None:
        ids = photo.story_ids() if photo.pk else set()
    return set(_stories().objects.live().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


# Every way a story uses a photo, as a values() path from Photo to the story's id (Photo.story_ids reads the same).
STORY_PATHS = (
    "hero_of__pk", "article_uses__article_id", "body_uses__article_id",
    "live_entries__blog__article_id", "live_body_uses__entry__blog__article_id",
)


def credit_story_ids(credit: Credit) -> set[int]:
    """Stories readers can see now that show a photo with this credit, wherever it is: hero, "Photos in the
    story", placed in the body, or in a live blog's entries (their photo or their body). One query per path."""
    photos = Photo.objects.filter(credit=credit)
    ids = set()
    for path in STORY_PATHS:
        ids |= set(photos.filter(**{f"{path}__isnull": False}).values_list(path, flat=True).distinct())
    return set(_stories().objects.live().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def may_change_photo(user, photo: Photo) -> bool:
    """Editors change any photo; anyone else with the change permission only photos they uploaded that no live
    story uses (so a reporter cannot alter what readers see without an editor)."""
    if photo.pk is None:
        return user.has_perm("photos.add_photo")
    if not user.has_perm("photos.change_photo"):
        return False
    if user.has_perm(EDITOR_PERMISSION):
        return True
    return photo.uploaded_by_id == user.pk and not live_story_ids(photo)


def _values(obj, fields) -> dict:
    return {name: str(getattr(obj, name)) if name in ("image", "credit") else getattr(obj, name) for name in fields}


@transaction.atomic
def save_photo(photo: Photo, *, user) -> Photo:
    """Save a photo from the library (upload or edit), checked against may_change_photo on the stored row."""
    creating = photo.pk is None
    stored = None if creating else Photo.objects.select_for_update().select_related("credit").get(pk=photo.pk)
    if not may_change_photo(user, stored or photo):
        raise PhotoInUse("You may change only photos you uploaded that no live story uses; ask an editor.")
    if creating:
        photo.uploaded_by = user
    photo.save()
    if not creating:
        before, after = _values(stored, PHOTO_FIELDS), _values(photo, PHOTO_FIELDS)
        changes = {k: (before[k], after[k]) for k in PHOTO_FIELDS if before[k] != after[k]}
        if changes:
            photo_changed.send(sender=Photo, photo=photo, changes=changes, user=user)
    return photo


@transaction.atomic
def save_credit(credit: Credit, *, user) -> Credit:
    stored = Credit.objects.filter(pk=credit.pk).first() if credit.pk else None
    credit.save()
    if stored:
        before, after = _values(stored, CREDIT_FIELDS), _values(credit, CREDIT_FIELDS)
        changes = {k: (before[k], after[k]) for k in CREDIT_FIELDS if before[k] != after[k]}
        if changes:
            credit_changed.send(sender=Credit, credit=credit, changes=changes, user=user)
    return credit


def stories_using(photo: Photo) -> list[tuple[int, str, bool]]:
    """(id, headline, live) of every story using the photo, newest first: why it cannot be deleted."""
    ids = photo.story_ids()
    live = live_story_ids(photo, ids)
    rows = _stories().objects.filter(pk__in=ids).order_by("-pk").values_list("pk", "headline")
    return [(pk, headline, pk in live) for pk, headline in rows]
