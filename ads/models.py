from django.db import models


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
        null=True, blank=True, help_text="Inline slots: shown after this paragraph of the body."
    )
    label = models.CharField(max_length=40, default="Advertisement")

    class Meta:
        ordering = ["placement", "key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.width}×{self.height})"


class HouseCreative(models.Model):
    """Our own promotion that fills a slot when nothing else runs."""

    slot = models.ForeignKey(AdSlot, on_delete=models.CASCADE, related_name="house_creatives")
    title = models.CharField(max_length=80)
    text = models.CharField(max_length=200, blank=True)
    click_url = models.CharField(max_length=500, help_text="A site path (/section/india/) or an https:// URL.")
    image = models.ImageField(upload_to="ads/house/", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["slot", "-active", "id"]

    def __str__(self) -> str:
        return self.title
