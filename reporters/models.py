from django.conf import settings
from django.db import models
from django.urls import reverse

from core.slugs import unique_slug
from core.text import clean_text
from photos.checks import CheckedImageField


class ReporterQuerySet(models.QuerySet):
    def get_or_create_by_name(self, name: str) -> "Reporter":
        """Match a wire byline to a reporter by name (case-insensitive), else create one."""
        name = " ".join(clean_text(name).split())
        existing = self.filter(name__iexact=name).first()
        if existing:
            return existing
        return self.create(name=name, slug=Reporter.unique_slug(name))


class Reporter(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    designation = models.CharField(max_length=120, blank=True, help_text="e.g. Senior Correspondent")
    bio = models.TextField("short bio", blank=True, max_length=1000)
    portrait = CheckedImageField(upload_to="reporters/%Y/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporter",
        help_text="The staff account of this reporter, if any.",
    )

    objects = ReporterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:reporter", args=[self.slug])  # the page lists stories, so articles serves it

    @classmethod
    def unique_slug(cls, name: str) -> str:
        return unique_slug(cls.objects.all(), name, fallback="reporter", max_length=120)


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' — how a byline reads."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
