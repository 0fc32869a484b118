from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from core.validators import SafeLinkValidator
from photos.checks import CheckedImageField

from .adstxt import validate_ads_txt

HTML_CREATIVE_PERMISSION = "ads.add_html_creative"


class AdSlot(models.Model):
    """A named place on our pages that always shows the "Advertisement" label and reserves its box."""

    class Placement(models.TextChoices):
        HEADER = "header", "Header"
        AFTER_BYLINE = "after_byline", "After the byline"
        INLINE = "inline", "Inline in the story body"
        END_OF_ARTICLE = "end_of_article", "End of article"
        SIDEBAR = "sidebar", "Sidebar"
        HOME = "home", "Home page"

    key = models.SlugField(max_length=40, unique=True, help_text="Used by templates: {% ad_slot 'key' %}.")
    name = models.CharField(max_length=80)
    placement = models.CharField(max_length=20, choices=Placement.choices)
    width = models.PositiveIntegerField(help_text="Reserved width in CSS pixels.")
    height = models.PositiveIntegerField(help_text="Reserved height in CSS pixels.")
    after_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Inline slots: the first ad follows this paragraph of the body (N).",
    )
    repeat_every = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2)],
        help_text="Inline slots: then again every K paragraphs (at least 2). Empty: once only.",
    )
    min_paragraphs = models.PositiveSmallIntegerField(
        default=4, help_text="Inline slots: stories with fewer paragraphs than this (M) carry no inline ad."
    )
    label = models.CharField(max_length=40, default="Advertisement")

    class Meta:
        ordering = ["placement", "key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.width}×{self.height})"

    def clean(self) -> None:
        if self.placement == self.Placement.INLINE and not self.after_paragraph:
            raise ValidationError({"after_paragraph": "An inline slot needs the paragraph it follows."})


class HouseCreative(models.Model):
    """Our own promotion that fills a slot when nothing else runs."""

    slot = models.ForeignKey(AdSlot, on_delete=models.CASCADE, related_name="house_creatives")
    title = models.CharField(max_length=80)
    text = models.CharField(max_length=200, blank=True)
    click_url = models.CharField(
        max_length=500, validators=[SafeLinkValidator(site_paths=True)],
        help_text="A site path (/section/india/) or an https:// URL.",
    )
    image = CheckedImageField(upload_to="ads/house/", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["slot", "-active", "id"]

    def __str__(self) -> str:
        return self.title


class Advertiser(models.Model):
    name = models.CharField(max_length=120, unique=True)
    contact = models.CharField(max_length=200, blank=True, help_text="Who to call about this account.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """An advertiser's booking: when (IST, to the second), where (slots, sections), and how much (weight, priority)."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=120)
    starts_at = models.DateTimeField("Starts (IST)", help_text="Indian Standard Time, to the second. Runs from this instant.")
    ends_at = models.DateTimeField("Ends (IST)", help_text="Indian Standard Time, to the second. Stops at this instant.")
    priority = models.PositiveSmallIntegerField(
        default=1, help_text="Higher runs first: a slot shows only the highest priority that has something live."
    )
    weight = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)],
        help_text="Share among live campaigns of the same priority: weight 3 shows three times as often as weight 1.",
    )
    slots = models.ManyToManyField(AdSlot, related_name="campaigns", help_text="Where it may run.")
    # Section slugs, not a foreign key: see docs/decisions.md ("Section targeting by slug").
    sections = models.JSONField(default=list, blank=True, help_text="Section slugs; empty runs everywhere.")
    active = models.BooleanField(default=True, help_text="Untick to pause the campaign without changing its dates.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "name"]
        indexes = [models.Index(fields=["active", "ends_at"], name="ads_campaign_running")]

    def __str__(self) -> str:
        return f"{self.name} ({self.advertiser})" if self.advertiser_id else self.name

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The campaign must end after it starts."})
        if not isinstance(self.sections, list) or not all(isinstance(s, str) for s in self.sections):
            raise ValidationError({"sections": "Sections are a list of section slugs."})

    def state(self, now) -> str:
        if not self.active:
            return "paused"
        if now < self.starts_at:
            return "scheduled"
        if now >= self.ends_at:
            return "ended"
        return "live"


class Creative(models.Model):
    """What a campaign shows: an image with a link, or an HTML / third-party tag (Ad operations only)."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image and link"
        HTML = "html", "HTML / third-party tag"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creatives")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMAGE)
    image = CheckedImageField(upload_to="ads/creatives/", blank=True, help_text="Shown fitted inside the slot's box.")
    alt_text = models.CharField(max_length=200, blank=True, help_text="What the image says, for screen readers.")
    click_url = models.URLField(
        max_length=1000, blank=True, validators=[SafeLinkValidator()],
        help_text="Where a click goes (through our counting redirect). HTML tags may use %%CLICK_URL%% for it.",
    )
    html = models.TextField(
        "HTML / tag", blank=True,
        help_text="Runs in a sandboxed frame under its own Content-Security-Policy, never in our pages.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["campaign", "id"]
        permissions = [("add_html_creative", "Can enter HTML and third-party tag creatives")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.IMAGE:
            if not self.image:
                errors["image"] = "An image creative needs its image."
            if not self.click_url:
                errors["click_url"] = "An image creative needs the address a click goes to."
            if self.html:
                errors["html"] = "Only HTML creatives carry HTML; choose the kind “HTML / third-party tag”."
        elif not self.html.strip():
            errors["html"] = "An HTML creative needs its HTML or tag."
        if errors:
            raise ValidationError(errors)


class DailyStat(models.Model):
    """Impressions and clicks of one creative on one IST day, incremented in the database (F()), never read-modify-write."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="daily_stats")
    creative = models.ForeignKey(Creative, on_delete=models.SET_NULL, null=True, related_name="daily_stats")
    day = models.DateField(help_text="The day in IST.")
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "day"]
        constraints = [models.UniqueConstraint(fields=["creative", "day"], name="ads_dailystat_creative_day")]
        indexes = [models.Index(fields=["campaign", "day"], name="ads_dailystat_campaign_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.impressions} impressions, {self.clicks} clicks"


class AdsTxt(models.Model):
    """The one /ads.txt file, kept in the admin and validated line by line against the IAB format."""

    content = models.TextField(
        blank=True, validators=[validate_ads_txt],
        help_text="One record per line: domain, publisher account ID, DIRECT or RESELLER[, certification authority ID]. "
                  "Lines starting with # are comments; CONTACT=, SUBDOMAIN=, OWNERDOMAIN=, MANAGERDOMAIN= and "
                  "INVENTORYPARTNERDOMAIN= are variables.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ads.txt"
        verbose_name_plural = "ads.txt"

    def __str__(self) -> str:
        return "ads.txt"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # a singleton
        self.content = "\n".join(line.rstrip() for line in self.content.replace("\r\n", "\n").split("\n")).strip()
        super().save(*args, **kwargs)
