"""The story editor's photo chooser (static/articles/editor-media.js): search the library, upload without leaving
the story form. JSON views mounted in the photo admin (PhotoAdmin.get_urls), so they carry the admin's login and
permission checks; the upload goes through the library's own form (photos.checks), like any other upload."""
import logging
import re

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .disk import DISK_FULL, is_disk_full
from .forms import PhotoAdminForm
from .models import Credit, Photo
from .renditions import best_rendition

logger = logging.getLogger(__name__)
RESULTS = 24
ID = re.compile(r"[0-9]{1,18}")
SEARCHED = ("caption", "alt_text", "credit__name", "uploaded_by__username", "uploaded_by__first_name",
            "uploaded_by__last_name")


def describe(photo: Photo) -> dict:
    thumb = best_rendition(photo, "1:1", 160, "jpeg")
    uploader = photo.uploaded_by
    return {
        "id": photo.pk,
        "thumb": thumb.file.url if thumb else photo.image.url,
        "caption": photo.caption,
        "alt": photo.alt_text,
        "credit": photo.credit.picture_label,
        "uploaded_by": (uploader.get_full_name() or uploader.get_username()) if uploader else "",
        "width": photo.width,
        "height": photo.height,
    }


def _photos():
    return Photo.objects.select_related("credit", "uploaded_by").prefetch_related("renditions")


@require_GET
def search(request):
    """`?q=words` (every word in the caption, alt text, credit or uploader's name), or `?ids=1,2,3` (in that order);
    `&credits=1` adds the credits an upload may choose."""
    if not (request.user.has_perm("photos.view_photo") or request.user.has_perm("photos.change_photo")):
        raise PermissionDenied
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses (a 500).
    ids = [int(part) for part in (p.strip() for p in request.GET.get("ids", "").split(",")) if ID.fullmatch(part)][:100]
    if ids:
        found = {photo.pk: photo for photo in _photos().filter(pk__in=ids)}
        photos = [found[pk] for pk in ids if pk in found]
    else:
        queryset = _photos()
        for word in request.GET.get("q", "").split()[:8]:
            queryset = queryset.filter(Q(*(Q(**{f"{field}__icontains": word}) for field in SEARCHED), _connector=Q.OR))
        photos = list(queryset.order_by("-uploaded_at", "-pk")[:RESULTS])
    data = {"results": [describe(photo) for photo in photos]}
    if request.GET.get("credits"):
        data["credits"] = [{"id": c.pk, "name": c.name, "label": c.picture_label} for c in Credit.objects.order_by("name")]
    return JsonResponse(data)


@require_POST
def upload(request):
    """A new photo from the chooser's upload form: 201 with the photo, 400 with the form's errors, or 507 with a
    message when the media disk is full (nothing kept)."""
    if not request.user.has_perm("photos.add_photo"):
        raise PermissionDenied
    form = PhotoAdminForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()}}, status=400)
    photo = form.save(commit=False)
    photo.uploaded_by = request.user
    try:
        photo.save()
    except OSError as error:
        if not is_disk_full(error):
            raise
        logger.error("media disk full: upload by %s refused (%s)", request.user.get_username(), error)
        # 507 Insufficient Storage, as JSON: the chooser shows the message beside its upload form.
        return JsonResponse({"errors": {"image": [DISK_FULL]}}, status=507)
    return JsonResponse(describe(_photos().get(pk=photo.pk)), status=201)
