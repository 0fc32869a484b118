from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.sanitize import sanitize_editor_body
from core.timefmt import machine_datetime, reader_datetime
from core.validators import SafeLinkValidator
from photos.models import Photo
from reporters.models import Reporter, join_names

from .body_media import validate_body
from .guard import GuardedModel, GuardedQuerySet

# What the rich-text editor offers; the server-side allowlist (core.sanitize) is the real guard.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Image": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "History": True,
    # Photos, galleries and embeds placed by reference (static/articles/editor-media.js, articles/body_media.py).
    "BodyPhoto": {
        "chooserUrl": reverse_lazy("admin:photos_photo_chooser"),
        "uploadUrl": reverse_lazy("admin:photos_photo_chooser_upload"),
    },
    "BodyGallery": {"chooserUrl": reverse_lazy("admin:photos_photo_chooser")},
    "BodyEmbed": True,
}


class Section(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first in the navigation.")
    in_navigation = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", args=[self.slug])


def _truncate(instant, kind):
    instant = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("year", "month"):
        instant = instant.replace(day=1)
    if kind == "year":
        instant = instant.replace(month=1)
    return instant


def _next_period(instant, kind):
    if kind == "day":
        return timezone.localtime(instant + timedelta(days=1)).replace(hour=0)
    if kind == "month":
        return instant.replace(year=instant.year + (instant.month == 12), month=instant.month % 12 + 1)
    return instant.replace(year=instant.year + 1)


class ArticleQuerySet(GuardedQuerySet):
    def live(self, now=None):
        """What readers may see at `now`: published, its instant reached, not expired.

        Derived at read time, so a scheduled story goes live at its instant with no worker.
        """
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def scheduled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        """The admin's date hierarchy, from MIN and MAX instead of a DISTINCT over every row.

        Every year (month, day) between the first and the last instant is offered, found with two
        index lookups; a DISTINCT over 100,000 stories took 70 ms. An empty period in between is
        offered too, which a news archive rarely has.
        """
        if kind not in ("year", "month", "day") or tzinfo is not None:
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        if bounds["first"] is None:
            return []
        first, last = timezone.localtime(bounds["first"]), timezone.localtime(bounds["last"])
        periods, current = [], _truncate(first, kind)
        while current <= last:
            periods.append(current)
            current = _next_period(current, kind)
        return periods if order == "ASC" else periods[::-1]

    # Set by for_page(): after the prefetches, the renditions of every hero and body photo in one query.
    _photo_renditions = False

    def _clone(self):
        clone = super()._clone()
        clone._photo_renditions = self._photo_renditions
        return clone

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        if self._photo_renditions and self._iterable_class is models.query.ModelIterable:
            photos = [
                photo for article in self._result_cache
                for photo in (article.hero_photo, *(link.photo for link in article.body_photo_links.all())) if photo
            ]
            models.prefetch_related_objects(photos, "renditions")

    def _card_fields(self):
        return self.select_related("section", "hero_photo__credit").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("reporter")),
        ).order_by("-published_at", "-id")

    def for_listing(self):
        """Everything a story card needs, in a fixed number of queries (the hero's renditions: one)."""
        return self._card_fields().prefetch_related("hero_photo__renditions")

    def for_page(self):
        """The story page: the card's needs plus tags, the inline photos with their credits, and the photos placed
        in the body with credits; the renditions of the hero and the body's photos in one query."""
        clone = self._card_fields().prefetch_related(
            models.Prefetch("body_photo_links", queryset=BodyPhoto.objects.select_related("photo__credit")),
            "tags",
            models.Prefetch("inline_photos", queryset=ArticlePhoto.objects.select_related("photo__credit")),
        )
        clone._photo_renditions = True
        return clone

    def with_body_photos(self):
        """The photos each body places, with credits and renditions: two queries however many there are."""
        return self.prefetch_related(
            models.Prefetch("body_photo_links", queryset=BodyPhoto.objects.select_related("photo__credit")),
            "body_photo_links__photo__renditions",
        )

    def for_export(self):
        """The ninjs export also lists every photo's renditions (the page shows only the hero's)."""
        return self.for_page().prefetch_related("inline_photos__photo__renditions")


class Article(GuardedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        TRASHED = "trashed", "In the trash"

    headline = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    standfirst = models.TextField(blank=True, max_length=600, help_text="The one- or two-sentence summary under the headline.")
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitize_editor_body, blank=True, validators=[validate_body]
    )
    # The body split into top-level blocks at save time, so pages place inline ads without parsing HTML.
    body_blocks = models.JSONField(default=list, blank=True, editable=False)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    reporters = models.ManyToManyField(Reporter, through="Byline", related_name="articles", blank=True)
    # Through a guarded model of this app (TaggedArticle), not taggit's shared TaggedItem: a story's tags are
    # written only by the services, like its bylines.
    tags = TaggableManager(blank=True, through="TaggedArticle")
    # PROTECT: a photo in use cannot be deleted (the photo admin names the stories), as for inline photos.
    hero_photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.PROTECT, related_name="hero_of")
    photos = models.ManyToManyField(Photo, through="ArticlePhoto", related_name="inline_in", blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="First publication (IST). Set once; a future instant schedules the story."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last editorial update shown to readers."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Unpublish at this instant (IST).")
    correction_note = models.TextField(blank=True, help_text='Public note shown under the story ("Correction: …").')
    correction_at = models.DateTimeField(null=True, blank=True, editable=False)
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(max_length=12, default="en")

    # Search and sharing: each empty field falls back to the story's own (see the seo_* / social_* methods).
    seo_headline = models.CharField(
        "SEO headline", max_length=110, blank=True,
        help_text="The title search engines show. Empty: the headline.",
    )
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="The snippet under the search result. Empty: the standfirst.",
    )
    social_headline = models.CharField(
        max_length=110, blank=True, help_text="The title on social cards. Empty: the headline.",
    )
    social_image = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.PROTECT, related_name="social_image_of",
        help_text="The picture on social cards. Empty: the hero photo (else the body's first picture).",
    )
    canonical_url = models.URLField(
        "canonical URL", max_length=500, blank=True, validators=[SafeLinkValidator()],
        help_text="For syndicated copy: the original's address. Empty: this story's own address.",
    )
    noindex = models.BooleanField(
        "hide from search engines", default=False,
        help_text="Adds noindex: search engines leave the story out (readers still see it).",
    )

    wire_uri = models.CharField(max_length=500, unique=True, null=True, blank=True, editable=False)
    wire_version = models.CharField(max_length=40, blank=True, editable=False)
    wire_version_created = models.DateTimeField(null=True, blank=True, editable=False)

    # Optimistic lock: every save bumps it; a form opened at an older number is refused.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_live_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
            models.Index(fields=["-modified_at"], name="article_modified_idx"),
            # The admin list and anything else ordered by publication regardless of status.
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            models.Index(fields=["expires_at"], name="article_expiry_idx", condition=Q(expires_at__isnull=False)),
            # The newest Updated instant among published stories (the sitemap index's lastmods): a walk, not a sort.
            models.Index(
                Coalesce("updated_at", "published_at").desc(), name="article_changed_idx", condition=Q(status="published")
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish stories"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.slug])

    @property
    def public_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    def ordered_reporters(self) -> list[Reporter]:
        return [byline.reporter for byline in self.bylines.all()]

    @property
    def byline_text(self) -> str:
        return join_names([r.name for r in self.ordered_reporters()])

    def body_photos(self) -> dict[int, Photo]:
        """The photos the body places, by id (prefetched by for_page())."""
        return {link.photo_id: link.photo for link in self.body_photo_links.all()}

    def lead_photo(self) -> Photo | None:
        """The picture that stands for the story where there is room for one: the hero, else the body's first."""
        return self.hero_photo or next(iter(self.body_photos().values()), None)

    def foot_credits(self):
        """Credits of the story's other photos that the body does not already print under a picture."""
        shown = {photo.credit.name for photo in self.body_photos().values()}
        return [item.photo.credit for item in self.inline_photos.all() if item.photo.credit.name not in shown]

    def seo_title(self) -> str:
        return self.seo_headline or self.headline

    def search_description(self) -> str:
        return self.meta_description or self.standfirst

    def social_title(self) -> str:
        return self.social_headline or self.headline

    def social_photo(self) -> Photo | None:
        return self.social_image or self.lead_photo()

    def canonical(self) -> str:
        return self.canonical_url or self.public_url

    def state(self, now=None) -> str:
        """The editorial state a person sees: draft, in review, scheduled, published, expired, unpublished."""
        now = now or timezone.now()
        if self.status == self.Status.PUBLISHED:
            if self.published_at and self.published_at > now:
                return "scheduled"
            if self.expires_at and self.expires_at <= now:
                return "expired"
        return self.status


class TaggedArticle(GuardedModel, TaggedItemBase):
    """One tag on one story (the `tags` through model). Guarded: only the story services and the tag services
    (articles.tags: rename, merge, delete, which record each affected story's change) write these rows."""

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="one_tagging_per_tag")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.content_object_id}"


class Byline(GuardedModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "reporter"], name="one_byline_per_reporter")]
        indexes = [models.Index(fields=["reporter", "article"])]

    def __str__(self) -> str:
        return f"{self.reporter} on {self.article}"


class ArticlePhoto(GuardedModel):
    """A picture used inside the story (not the hero); its credit joins the foot credit line."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="inline_photos")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="article_uses")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "photo"], name="one_use_per_photo")]

    def __str__(self) -> str:
        return f"{self.photo} in {self.article}"


class BodyPhoto(GuardedModel):
    """A photo the body shows (placed alone or in a gallery), written at save time from the body's references.

    Pages prefetch these (with credits and renditions) in a fixed number of queries, and a change to the photo
    finds the stories to purge through them.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="body_photo_links")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="body_uses")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "photo"], name="one_body_use_per_photo")]

    def __str__(self) -> str:
        return f"{self.photo} in the body of {self.article}"


class RelatedList(GuardedModel):
    """That a story's related stories (RelatedStory rows) were computed, and from what: its own status, instants,
    section and tags (articles.related.inputs_of). Written by articles.related when one of them changes."""

    story = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="related_list")
    inputs = models.TextField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Related stories of #{self.story_id}"


class RelatedStory(GuardedModel):
    """One of a story's related stories, ranked (articles.related): computed when stories change, read by pages in
    one query, each filtered by what readers may see at that moment."""

    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_rows")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_in")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["story", "position"]
        constraints = [models.UniqueConstraint(fields=["story", "related"], name="one_row_per_related_story")]
        indexes = [models.Index(fields=["related"], name="related_story_target_idx")]

    def __str__(self) -> str:
        return f"#{self.related_id} related to #{self.story_id}"


class Revision(GuardedModel):
    """A full snapshot of what readers see of a story, kept on every save."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        SAVED = "saved", "Saved"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        INGESTED = "ingested", "Wire ingest"
        RESTORED = "restored", "Restored"
        RETURNED = "returned", "Back to draft"
        SUBMITTED = "submitted", "Submitted for review"
        UPDATE_APPLIED = "update", "Scheduled update went live"

    # PROTECT: a story's history goes only with the story, through `purge_trash` (services.purge).
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    snapshot = models.JSONField()
    edit_version = models.PositiveIntegerField(default=0, help_text="The story's edit_version this revision produced.")
    note = models.CharField(max_length=250, blank=True)
    minor = models.BooleanField(default=False, help_text="A minor fix that did not move Updated.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {reader_datetime(self.created_at)}"


class ScheduledUpdateQuerySet(GuardedQuerySet):
    def pending(self):
        return self.filter(applied_at__isnull=True, cancelled_at__isnull=True)

    def due(self, now=None):
        return self.pending().filter(go_live_at__lte=now or timezone.now())

    def ready(self, now=None):
        """Due and not waiting out the back-off of a failed attempt."""
        now = now or timezone.now()
        return self.due(now).filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))

    def failing(self):
        return self.pending().filter(failed_attempts__gt=0)


class ScheduledUpdate(GuardedModel):
    """A new version of a published story that replaces the live one at `go_live_at`.

    The snapshot has the same shape as a revision's. `publish_scheduled` applies due updates in
    time order, each exactly once, inside the transaction that claims it.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="scheduled_updates")
    go_live_at = models.DateTimeField(help_text="When readers see this version (IST).")
    snapshot = models.JSONField()
    note = models.CharField(max_length=250, blank=True, help_text="What this update changes, for the desk.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A failed attempt (articles/scheduler.py): what went wrong, when, how often, and when the next try is.
    # Editing the update clears them.
    failed_attempts = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScheduledUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["go_live_at", "id"]
        indexes = [
            models.Index(
                fields=["go_live_at"], name="update_pending_idx",
                condition=Q(applied_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["article", "go_live_at"]),
        ]

    def __str__(self) -> str:
        return f"Update of “{self.snapshot.get('headline', '')}” at {reader_datetime(self.go_live_at)}"

    @property
    def state(self) -> str:
        if self.applied_at:
            return "applied"
        if self.cancelled_at:
            return "cancelled"
        return "overdue" if self.go_live_at <= timezone.now() else "queued"


class AuditEntry(GuardedModel):
    """One change to a story that is not (only) a revision: who, what (old → new), when, from where.

    Written by the services. The story's id and headline are copied, so the entry of a purge outlives the story.
    """

    class Source(models.TextChoices):
        ADMIN = "admin", "Admin"
        INGEST = "ingest", "Wire ingest"
        SCHEDULER = "scheduler", "Scheduler"
        COMMAND = "command", "Management command"

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries")
    story_id = models.PositiveIntegerField()
    story_headline = models.CharField(max_length=250)
    action = models.CharField(max_length=40)
    # {"field": [old, new]} with small values as text (instants in machine form, sections and bylines by name).
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=250, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    source = models.CharField(max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["story_id", "-created_at"], name="audit_story_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} of #{self.story_id} by {self.actor_name}"


class ArticleSlug(GuardedModel):
    """A slug a story was published under: its old URL answers 301 to the current one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=250, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"/story/{self.slug}/ → story #{self.article_id}"


class ListingSlug(models.Model):
    """An earlier slug of a section, reporter or tag: its listing page answers 301 to the current one.

    Written when one of them is saved with a new slug (articles.signals), whoever saves it.
    """

    class Kind(models.TextChoices):
        SECTION = "section", "Section"
        REPORTER = "reporter", "Reporter"
        TAG = "tag", "Tag"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=140)
    target_id = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="one_old_slug_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} → #{self.target_id}"


class PreviewLink(GuardedModel):
    """A signed link to one story's current version for someone without a login, until it expires or is revoked.

    Written only by articles.preview_links (the services); each creation and revocation is in the audit log.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    note = models.CharField(max_length=120, blank=True, help_text="Who it is for, e.g. “Legal: A. Rao”.")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Preview of “{self.article}” until {reader_datetime(self.expires_at)}"

    def state(self, now=None) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= (now or timezone.now()) else "active"


class SchedulerHeartbeat(models.Model):
    """When `publish_scheduled` last finished a pass (one row, written by every pass of every worker).

    In the database, not the cache, so every process (the admin's Schedule page included) reads the same
    instant whatever cache is configured, and a cache outage cannot hide a dead scheduler.
    """

    last_run_at = models.DateTimeField()
    applied = models.PositiveIntegerField(default=0, help_text="Updates applied by that pass.")
    failed = models.PositiveIntegerField(default=0, help_text="Updates that failed in that pass.")
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process.")

    ROW = 1

    def __str__(self) -> str:
        return f"Scheduler pass at {machine_datetime(self.last_run_at)}"
