import logging

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.text import clean_text

from .checks import CheckedImageField

logger = logging.getLogger(__name__)


class Credit(models.Model):
    """Who a picture comes from, and how that source asks to be printed."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency (AP, PTI, Reuters…)"
        STAFF = "staff", "Staff photographer"
        HANDOUT = "handout", "Handout"
        SELF = "self", "Self (the reporter)"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True, help_text='As printed: "AP", "PTI", "self".')
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    prefix = models.CharField(
        max_length=30,
        default="Image",
        help_text='Printed before the name next to the byline: "Image" gives "Image: self", "Photo" gives "Photo: PTI".',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"{self.prefix}: {self.name}"

    @property
    def picture_label(self) -> str:
        """What is printed under a picture in the body: '(Image Credits: AP)' for an outside source, per its prefix;
        staff and self-shot pictures read like the byline's 'Image: self'."""
        if self.kind in (self.Kind.STAFF, self.Kind.SELF):
            return self.label
        return f"({self.prefix} Credits: {self.name})"

    @classmethod
    def for_wire_name(cls, name: str) -> "Credit":
        name = " ".join(clean_text(name).split())[:120] or "Unknown"
        credit = cls.objects.filter(name__iexact=name).first()
        if credit:
            return credit
        return cls.objects.create(name=name, kind=guess_kind(name), prefix=customary_prefix(name))


KNOWN_AGENCIES = {"ap", "pti", "reuters", "afp", "ani", "ians", "getty images", "epa", "bloomberg"}
# How a source asks to be printed next to the byline, where it is not the default "Image".
CUSTOMARY_PREFIXES = {"pti": "Photo"}


def customary_prefix(name: str) -> str:
    return CUSTOMARY_PREFIXES.get(name.strip().lower(), "Image")


def guess_kind(name: str) -> str:
    lowered = name.strip().lower()
    if lowered in KNOWN_AGENCIES:
        return Credit.Kind.AGENCY
    if lowered == "self":
        return Credit.Kind.SELF
    if "handout" in lowered:
        return Credit.Kind.HANDOUT
    if "/" in lowered or lowered.startswith("staff"):
        return Credit.Kind.STAFF
    return Credit.Kind.OTHER


def foot_credit_line(credits: list[Credit]) -> str:
    """'(Image Credits: AP)' / '(Image Credits: AP, PTI)': the line at the foot of a story."""
    names = list(dict.fromkeys(credit.name for credit in credits))
    return f"(Image Credits: {', '.join(names)})" if names else ""


FOCAL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Photo(models.Model):
    image = CheckedImageField(upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(max_length=250, help_text="Describe the picture for readers who cannot see it.")
    caption = models.CharField(max_length=500, blank=True)
    credit = models.ForeignKey(Credit, on_delete=models.PROTECT, related_name="photos")
    # Where the crops centre: 0..1 from the left and from the top of the (upright) picture.
    focal_x = models.FloatField(default=0.5, validators=FOCAL_VALIDATORS, help_text="0 = left edge, 1 = right edge.")
    focal_y = models.FloatField(default=0.5, validators=FOCAL_VALIDATORS, help_text="0 = top edge, 1 = bottom edge.")
    checksum = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["-uploaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1), name="photo_focal_in_frame"
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        """Save, then make the renditions when the image or the focal point changed (in the same transaction).

        A file written by this save is deleted again if the transaction rolls back.
        """
        from . import files, renditions

        new_upload = bool(self.image) and not self.image._committed
        update_fields = kwargs.get("update_fields")
        watched = {"image", "focal_x", "focal_y", "width", "height"}
        check = update_fields is None or bool(watched & set(update_fields))
        before = self._stored_source() if check and self.pk and not self._state.adding else None
        storage = self.image.storage
        with transaction.atomic(using=kwargs.get("using")):
            try:
                super().save(*args, **kwargs)
            except BaseException:
                if new_upload and self.image._committed:
                    files.delete_files(storage, [self.image.name])
                raise
            if new_upload:
                files.delete_on_rollback(storage, [self.image.name])
            if check and self.image and (before is None or before != self._source()):
                try:
                    renditions.build_renditions(self)
                except (OSError, ValueError, SyntaxError) as exc:
                    # The upload was checked when it arrived; this is a missing or damaged file on an old photo.
                    # The photo still saves and pages show the original; `rebuild_renditions` reports it.
                    logger.error("renditions of photo %s not made: %s", self.pk, exc)

    def _source(self) -> tuple:
        return (self.image.name, float(self.focal_x), float(self.focal_y))

    def _stored_source(self) -> tuple | None:
        row = type(self).objects.filter(pk=self.pk).values_list("image", "focal_x", "focal_y").first()
        return (row[0], float(row[1]), float(row[2])) if row else None

    def rendition_url(self, ratio: str = "original", width: int = 1200) -> str:
        from .renditions import rendition_url

        return rendition_url(self, ratio, width)

    def picture(self, ratio: str = "original"):
        """Srcsets and intrinsic size for <picture>, from the prefetched renditions (see photos/_picture.html)."""
        from .renditions import picture

        return picture(self, ratio)

    def story_ids(self) -> set[int]:
        """Stories using this photo: hero, inside the story, or in a live blog's entries (reverse relations; no imports)."""
        hero = self.hero_of.values_list("pk", flat=True)
        inline = self.article_uses.values_list("article_id", flat=True)
        in_body = self.body_uses.values_list("article_id", flat=True)
        # Live blog entries (live.models): an entry's photo, and photos placed in an entry's body.
        in_entries = self.live_entries.values_list("blog__article_id", flat=True)
        in_entry_bodies = self.live_body_uses.values_list("entry__blog__article_id", flat=True)
        return set(hero) | set(inline) | set(in_body) | set(in_entries) | set(in_entry_bodies)


class Rendition(models.Model):
    """One size of one crop of a photo, in one format: made on save, never on a reader's request."""

    class Ratio(models.TextChoices):
        WIDE = "16:9", "16:9"
        STANDARD = "4:3", "4:3"
        SQUARE = "1:1", "1:1"
        ORIGINAL = "original", "Original aspect"

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    ratio = models.CharField(max_length=8, choices=Ratio.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(upload_to="renditions/", max_length=255)

    class Meta:
        ordering = ["ratio", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["photo", "ratio", "width", "format"], name="one_rendition_per_size"),
        ]

    def __str__(self) -> str:
        return f"{self.ratio} {self.width}×{self.height} {self.format}"


@receiver(post_delete, sender=Rendition, dispatch_uid="photos-rendition-file")
@receiver(post_delete, sender=Photo, dispatch_uid="photos-photo-file")
def _delete_file_after_commit(sender, instance, using, **kwargs):
    """A deleted photo or rendition takes its file with it, once the deletion commits."""
    from . import files

    field = instance.image if sender is Photo else instance.file
    if field:
        files.delete_on_commit(field.storage, [field.name], using=using)
