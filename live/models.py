"""Live blogs: a story that carries a stream of short, timestamped entries.

Rows here change only through live.services (live.guard refuses writes elsewhere).
"""
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.body_media import MEDIA_KINDS, render_blocks
from articles.models import Article
from core.timefmt import reader_datetime
from photos.models import Photo
from reporters.models import Reporter

from .guard import GuardedModel, GuardedQuerySet


class LiveBlogQuerySet(GuardedQuerySet):
    def running(self, now=None):
        """Blogs whose coverage has started and not ended at `now`."""
        now = now or timezone.now()
        return self.filter(coverage_start__lte=now).filter(Q(coverage_end__isnull=True) | Q(coverage_end__gt=now))


class LiveBlog(GuardedModel):
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="live_blog")
    coverage_start = models.DateTimeField(default=timezone.now, help_text="When live coverage starts (IST).")
    coverage_end = models.DateTimeField(
        null=True, blank=True, help_text="When coverage ends (IST). Empty while it runs; readers then stop polling."
    )
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="live_blogs",
        help_text="Staff users (reporters) who may post to this blog. Editors always may.",
    )
    poll_seconds = models.PositiveSmallIntegerField(
        default=15, help_text="How often an open page asks for new entries (a hidden tab asks 4 times less often)."
    )
    # The stamp of the latest immediate change, handed out under this row's lock (see services._next_stamp).
    last_stamp = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveBlogQuerySet.as_manager()

    class Meta:
        ordering = ["-coverage_start", "-id"]

    def __str__(self) -> str:
        return f"Live: {self.article.headline}"

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.coverage_start <= now and (self.coverage_end is None or self.coverage_end > now)

    def has_ended(self, now=None) -> bool:
        now = now or timezone.now()
        return self.coverage_end is not None and self.coverage_end <= now


class LiveEntryQuerySet(GuardedQuerySet):
    def visible(self, now=None):
        """What readers see at `now`: posted (its instant reached) and not removed."""
        return self.filter(posted_at__lte=now or timezone.now(), removed_at__isnull=True)

    def for_stream(self):
        return self.select_related("photo__credit").prefetch_related(
            models.Prefetch("bylines", queryset=LiveEntryByline.objects.select_related("reporter")),
            "photo__renditions",
            # The photos placed in the bodies (articles.body_media), with credits and renditions: two queries.
            models.Prefetch("body_photo_links", queryset=LiveEntryPhoto.objects.select_related("photo__credit")),
            "body_photo_links__photo__renditions",
        ).order_by("-posted_at", "-id")


class LiveEntry(GuardedModel):
    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="entries")
    posted_at = models.DateTimeField(help_text="The instant readers see this entry (IST); a future instant schedules it.")
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="Sanitized HTML (core.sanitize), like a story body.")
    # The body read at save time by articles.body_media.prepare (its media figures as photo/gallery/embed blocks).
    body_blocks = models.JSONField(default=list, blank=True, editable=False)
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.PROTECT, related_name="live_entries")
    reporters = models.ManyToManyField(Reporter, through="LiveEntryByline", related_name="live_entries")
    pinned = models.BooleanField(default=False)
    key_event = models.BooleanField(default=False)
    corrected_at = models.DateTimeField(null=True, blank=True, help_text="Shown as “Updated” when an entry was corrected.")
    removed_at = models.DateTimeField(null=True, blank=True)
    # When readers' open pages learn of this version of the entry: its posting instant, or a later edit's. Immediate
    # stamps are handed out under the blog's row lock, so they follow commit order and a poll cursor never skips one.
    stamp = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: an edit opened at an older version is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name_plural = "live entries"
        indexes = [
            models.Index(fields=["blog", "-posted_at", "-id"], name="live_entry_stream_idx"),
            models.Index(fields=["blog", "stamp"], name="live_entry_stamp_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["blog"], condition=Q(pinned=True), name="one_pinned_entry_per_blog"),
        ]

    def __str__(self) -> str:
        return self.headline or f"Entry {reader_datetime(self.posted_at)}"

    def ordered_reporters(self) -> list[Reporter]:
        return [byline.reporter for byline in self.bylines.all()]

    def body_photos(self) -> dict:
        """The photos the body places, by id (prefetched by for_stream())."""
        return {link.photo_id: link.photo for link in self.body_photo_links.all()}

    def reader_body(self) -> str:
        """The body as readers see it: media figures rendered like a story body's, from prefetched photos, and
        its subheadings below the entry's own headline (`under_entry_headline`)."""
        if not any(block.get("kind") in MEDIA_KINDS for block in self.body_blocks or []):
            return mark_safe(under_entry_headline(self.body))  # sanitized at save (live.services)
        return mark_safe("".join(
            block["html"] if block.get("kind") in MEDIA_KINDS else under_entry_headline(block["html"])
            for block in render_blocks(self.body_blocks, self.body_photos())
        ))

    def anchor(self) -> str:
        return f"entry-{self.pk}"

    def is_scheduled(self, now=None) -> bool:
        return self.posted_at > (now or timezone.now())


_BODY_HEADING = re.compile(r"<(/?)h([234])(?=[\s>])", re.IGNORECASE)


def under_entry_headline(html: str) -> str:
    """An entry's body is stored like a story body (its editor's subheadings are h2 and h3, h4 is allowed), but on
    a page it sits under the blog's h2 and the entry's h3 headline: its headings are shown two levels down."""
    return _BODY_HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}", html)


class LiveEntryByline(GuardedModel):
    entry = models.ForeignKey(LiveEntry, on_delete=models.CASCADE, related_name="bylines")
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="live_bylines")
    position = models.PositiveSmallIntegerField(default=0)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "reporter"], name="one_live_byline_per_reporter")]


class LiveEntryPhoto(GuardedModel):
    """A photo an entry's body shows (placed alone or in a gallery), written at save time from the body's references,
    like articles.BodyPhoto: pages prefetch these, Photo.story_ids finds the blog through them, and PROTECT keeps
    a placed photo from being deleted."""

    entry = models.ForeignKey(LiveEntry, on_delete=models.CASCADE, related_name="body_photo_links")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="live_body_uses")
    position = models.PositiveSmallIntegerField(default=0)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "photo"], name="one_live_body_use_per_photo")]

    def __str__(self) -> str:
        return f"{self.photo} in {self.entry}"


class LiveRecord(GuardedModel):
    """Every change to a live blog or an entry: who, what, and a snapshot of the entry after it (its history)."""

    class Action(models.TextChoices):
        OPENED = "opened", "Opened"
        CHANGED = "changed", "Blog settings changed"
        POSTED = "posted", "Posted"
        SCHEDULED = "scheduled", "Scheduled"
        EDITED = "edited", "Edited"
        PINNED = "pinned", "Pinned"
        UNPINNED = "unpinned", "Unpinned"
        KEY_EVENT = "key_event", "Marked key event"
        NOT_KEY_EVENT = "not_key_event", "Unmarked key event"
        REMOVED = "removed", "Removed"

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="records")
    entry = models.ForeignKey(LiveEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="records")
    action = models.CharField(max_length=16, choices=Action.choices)
    snapshot = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GuardedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_name}, {reader_datetime(self.created_at)}"
