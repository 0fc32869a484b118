from django.conf import settings
from django.db import models


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

    @classmethod
    def for_wire_name(cls, name: str) -> "Credit":
        name = " ".join(name.split())[:120] or "Unknown"
        credit = cls.objects.filter(name__iexact=name).first()
        if credit:
            return credit
        return cls.objects.create(name=name, kind=guess_kind(name))


KNOWN_AGENCIES = {"ap", "pti", "reuters", "afp", "ani", "ians", "getty images", "epa", "bloomberg"}


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


class Photo(models.Model):
    image = models.ImageField(upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(max_length=250, help_text="Describe the picture for readers who cannot see it.")
    caption = models.CharField(max_length=500, blank=True)
    credit = models.ForeignKey(Credit, on_delete=models.PROTECT, related_name="photos")
    checksum = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["-uploaded_at"])]

    def __str__(self) -> str:
        return self.caption or self.alt_text
