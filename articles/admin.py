from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from core.admin_paginator import CappedCountPaginator
from core.admin_time import instant_column
from core.timefmt import reader_datetime

from . import actors, admin_search, services, tag_admin
from .admin_previews import list_url as preview_links_url
from .admin_previews import preview_link_urls
from .admin_revisions import history_link, revision_urls
from .forms import ArticleAdminForm
from .ingest import wire_note
from .models import Article, AuditEntry, Byline, ScheduledUpdate, Section
from .schedule import schedule_urls
from .update_forms import ScheduledUpdateForm


def can_publish(user) -> bool:
    return actors.can_publish(user)


class StatusFilter(admin.SimpleListFilter):
    """By the state a person sees (the list's State column): Scheduled and Expired are published stories whose
    instant is still ahead or whose expiry has passed. The trash is listed only when asked for, so "All" means the
    desk's stories."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return STATE_CHOICES

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled(now)
        if value == "published":
            return queryset.live(now)
        if value == "expired":
            return queryset.filter(status=Article.Status.PUBLISHED, expires_at__lte=now)
        if value:
            return queryset.filter(status=value)
        return queryset.exclude(status=Article.Status.TRASHED)


def badge(colour: str, text: str) -> str:
    """A small coloured label for a state in a change list."""
    return format_html(
        '<span style="color:#fff;background:{};padding:2px 8px;border-radius:9px;font-size:11px">{}</span>', colour, text
    )


# The states a person sees (Article.state()), in the order a story usually moves through them.
STATE_CHOICES = [
    ("draft", "Draft"), ("review", "In review"), ("scheduled", "Scheduled"), ("published", "Published"),
    ("expired", "Expired"), ("unpublished", "Unpublished"), ("trashed", "In the trash"),
]
STATE_LABELS = dict(STATE_CHOICES)


def update_line(update) -> str:
    """One queued update for the story's form: link, go-live time, what it changes, and a failure in red."""
    line = format_html(
        '<a href="{}">{}</a> — {}',
        reverse("admin:articles_scheduledupdate_change", args=[update.pk]),
        reader_datetime(update.go_live_at), update.note or update.snapshot.get("headline", ""),
    )
    if update.failed_attempts:
        line = format_html("{} {}", line, failure_note(update))
    return line


def failure_note(update) -> str:
    """'Failed 2 times, last at …: <error>. Next try …' in red (the scheduler's record, articles/scheduler.py)."""
    return format_html(
        '<strong class="update-failure" style="color:#b91c1c">Failed {} time{}, last {}: {} Next try {}.</strong>',
        update.failed_attempts, "" if update.failed_attempts == 1 else "s", reader_datetime(update.last_failed_at),
        update.last_error, reader_datetime(update.retry_at),
    )


STATE_COLOURS = {
    "draft": "#6b7280", "review": "#b45309", "scheduled": "#1d4ed8",
    "published": "#15803d", "expired": "#6b21a8", "unpublished": "#b91c1c", "trashed": "#111827",
}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class StoryChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        if self.query:
            # The date bar reads every match (its first and last dates, then its years or months): a search's cost
            # would grow with the archive. A search lists its matches newest first; the Published filter narrows it.
            self.date_hierarchy = None


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "state_badge", "section", "bylines_display", "published_ist", "updated_ist",
        instant_column("modified_at", "Modified"),
    ]
    list_filter = [StatusFilter, "section", ("published_at", admin.DateFieldListFilter)]
    actions = ["trash_selected", "restore_selected"]
    # Django's own search over these when the search app is not installed; with it, its index (get_search_results).
    search_fields = ["headline", "standfirst", "reporters__name", "tags__name"]
    search_help_text = "Words of the headline, standfirst, bylines or tags (whole words or their beginnings), a story number or a slug."
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    list_per_page = 50
    # Large archives: no second COUNT(*) for "N total"; the list's own count is bounded (articles/admin_search.py).
    show_full_result_count = False
    paginator = CappedCountPaginator
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["hero_photo", "section", "social_image"]
    readonly_fields = ["published_ist", "updated_ist", "pending_updates", "sharing_preview"]
    # The writing fields fill the main column; the panels sit beside it (below it on a phone), each heading saying
    # its state (templates/admin/articles/article/change_form.html, static/articles/story-form.js).
    fieldsets = [
        (None, {"classes": ["story-writing"], "fields": ["headline", "standfirst", "body"]}),
        ("Publishing", {"classes": ["story-panel"], "fields": [
            "workflow", "publish_at", "expires_at", "minor_change", "correction_note",
            "published_ist", "updated_ist", "edit_version_seen",
        ]}),
        ("Bylines, section and tags", {"classes": ["story-panel"], "fields": ["byline_reporters", "section", "tags"]}),
        ("Photos", {"classes": ["story-panel"], "fields": ["hero_photo", "story_photos"]}),
        ("Search and sharing", {"classes": ["story-panel", "collapse"], "fields": [
            "slug", "seo_headline", "meta_description", "social_headline", "social_image", "canonical_url", "noindex",
            "sharing_preview",
        ]}),
        ("Scheduled updates", {"classes": ["story-panel", "collapse"], "fields": [
            "schedule_update_at", "pending_updates",
        ]}),
        ("Advanced", {"classes": ["story-panel", "collapse"], "fields": ["language"]}),
    ]

    # What the admin offers follows the services' own rules (articles.actors), so it never offers what they refuse.
    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("reporter"))
        )
        return actors.viewable_stories(request.user, queryset)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or actors.may_edit(request.user, obj)

    def get_changelist(self, request, **kwargs):
        return StoryChangeList

    def get_search_results(self, request, queryset, search_term):
        # The search index when the search app is installed (bounded, no joins, so no DISTINCT); else Django's own.
        found = admin_search.search_stories(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found, False

    # Only the list's own parameters (page, order): the default view, everything but the trash.
    DEFAULT_VIEW_PARAMETERS = {"p", "o"}

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        estimate = None
        if not set(request.GET) - self.DEFAULT_VIEW_PARAMETERS and can_publish(request.user):
            estimate = admin_search.not_trashed_estimate(queryset)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, estimate=estimate)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._allowed(request, obj, Article.Status.TRASHED)

    @staticmethod
    def _allowed(request, article, target) -> bool:
        try:
            return services.check_transition(article, target, request.user) is not None
        except services.StoryError:
            return False

    # "Delete" moves stories to the trash (services.trash): off the site, restorable, history kept.
    # Purging the trash is `manage.py purge_trash`, for an administrator.
    def get_deleted_objects(self, objs, request):
        stories = [str(obj) for obj in objs]
        refused = [str(obj) for obj in objs if not self._allowed(request, obj, Article.Status.TRASHED)]
        return stories, {"stories": len(stories)}, set(refused), []

    def delete_model(self, request, obj):
        services.trash(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.trash(article, actor=request.user)

    def response_delete(self, request, obj_display, obj_id):
        messages.success(request, f"“{obj_display}” is in the trash: it is off the site and an editor can restore it.")
        return redirect(reverse("admin:articles_article_changelist"))

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        if not request.user.has_perm("articles.delete_article"):
            found.pop("trash_selected", None)
        if not can_publish(request.user):
            found.pop("restore_selected", None)
        return found

    def _move_each(self, request, queryset, move, done: str):
        moved, refused = 0, []
        for article in queryset:
            try:
                move(article, actor=request.user)
                moved += 1
            except services.StoryError as error:
                refused.append(f"“{article}”: {error}")
        if moved:
            messages.success(request, f"{moved} stor{'y' if moved == 1 else 'ies'} {done}.")
        for text in refused:
            messages.error(request, text)

    @admin.action(description="Move selected stories to the trash")
    def trash_selected(self, request, queryset):
        self._move_each(request, queryset, services.trash, "moved to the trash")

    @admin.action(description="Restore selected stories from the trash (as drafts)")
    def restore_selected(self, request, queryset):
        self._move_each(request, queryset, services.restore_from_trash, "restored from the trash as drafts")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        site, user = self.admin_site, request.user

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, admin_site=site, user=user, **inner)

        return RequestForm

    @admin.display(description="State", ordering="status")
    def state_badge(self, article):
        state = article.state()
        return badge(STATE_COLOURS.get(state, "#444"), STATE_LABELS.get(state, state.capitalize()))

    @admin.display(description="Bylines")
    def bylines_display(self, article):
        return ", ".join(b.reporter.name for b in article.bylines.all())

    @admin.display(description="Published (IST)", ordering="published_at")
    def published_ist(self, article):
        return reader_datetime(article.published_at) if article.published_at else "—"

    @admin.display(description="Updated (IST)", ordering="updated_at")
    def updated_ist(self, article):
        return reader_datetime(article.updated_at) if article.updated_at else "—"

    @admin.display(description="How it looks")
    def sharing_preview(self, article):
        """A search result and a social card, filled from the fields above as they are typed (story-form.js)."""
        photo = article.social_photo() if article.pk else None
        image = photo.image.url if photo is not None and photo.image else ""
        return format_html(
            '<div class="sharing-preview" data-site-url="{}" data-own-url="{}">'
            '<p class="sharing-preview__label">Search result</p>'
            '<div class="serp"><span class="serp__url">{}</span><span class="serp__title">{}</span>'
            '<span class="serp__description">{}</span></div>'
            '<p class="sharing-preview__label">Social card</p>'
            '<div class="social-card">{}<div class="social-card__text"><span class="social-card__site">{}</span>'
            '<span class="social-card__title">{}</span><span class="social-card__description">{}</span></div></div>'
            '</div>',
            settings.SITE_URL, article.public_url if article.pk and article.slug else "",
            article.canonical() if article.slug else settings.SITE_URL, article.seo_title() or "Headline",
            article.search_description(),
            format_html('<img class="social-card__image" src="{}" alt="">', image) if image
            else mark_safe('<span class="social-card__image social-card__image--none">No picture</span>'),
            settings.SITE_NAME, article.social_title() or "Headline", article.standfirst,
        )

    def get_urls(self):
        return [*schedule_urls(self), *revision_urls(self), *preview_link_urls(self), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is None and str(object_id).isdigit() and Article.objects.filter(pk=object_id).exists():
            # It exists but is not theirs: say so (Django would say "doesn't exist. Perhaps it was deleted?").
            raise PermissionDenied(
                "This story belongs to other reporters. Ask an editor to add your byline to it if you work on it."
            )
        extra = {}
        if article is not None:
            extra = {
                "history_link": history_link(article),
                "share_url": preview_links_url(article),
                "preview_url": reverse("articles:preview", args=[article.pk]),
                "story_state": STATE_LABELS.get(article.state(), ""),
                "wire_note": wire_note(article),  # a held wire update or the agency's kill (articles.ingest)
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def view_on_site(self, article):
        if article.state() == "published":
            return article.get_absolute_url()
        return reverse("articles:preview", args=[article.pk])

    @admin.display(description="Queued")
    def pending_updates(self, article):
        # Headlines and notes are data: format_html_join escapes each one and never reads them as a format string.
        if not article.pk:
            return "—"
        updates = list(article.scheduled_updates.pending())
        if not updates:
            return "No updates queued."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((update_line(update),) for update in updates)),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form asked the services in validation; if the story moved in between, the service refuses under the
        # row lock and the admin's transaction rolls back: say so instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StoryError as error:
            messages.error(request, f"Nothing was saved: {error}")
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        related = services.Related(reporters=data["byline_reporters"], tags=data["tags"], photos=data["story_photos"])
        if change and data.get("schedule_update_at"):
            # The live story stays as it is; the form's content becomes a queued update.
            update = services.queue_update(
                Article.objects.get(pk=obj.pk), services.snapshot_of(obj, related),
                go_live_at=data["schedule_update_at"], actor=request.user,
            )
            request._update_queued = True  # message_user: no "changed successfully" for a story that did not change
            messages.info(request, f"Update queued: it goes live {reader_datetime(update.go_live_at)}. The live story "
                                   "(shown below) stays as it is until then; the queued version is under “Scheduled updates”.")
            return
        # The form asked services.check_transition in validation; the service checks again under the row lock.
        article = services.save_and_move(
            obj, related, actor=request.user, target=data["workflow"], at=data.get("publish_at"),
            expected_version=data.get("edit_version_seen") if change else None,
            minor=data.get("minor_change", False),
        )
        if article.state() == "scheduled":
            messages.info(request, f"Scheduled for {reader_datetime(article.published_at)}.")

    def message_user(self, request, message, *args, **kwargs):
        if getattr(request, "_update_queued", False) and kwargs.get("level", args[0] if args else messages.INFO) == messages.SUCCESS:
            return
        super().message_user(request, message, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's own history says what the editor changed: not the hidden edit-version field, and the status
        only when it moved."""
        if not add and form.changed_data:
            unchanged = {"edit_version_seen"}
            if form.cleaned_data.get("workflow") == form.status_before:
                unchanged.add("workflow")
            form.changed_data[:] = [name for name in form.changed_data if name not in unchanged]
        return super().construct_change_message(request, form, formsets, add)

    def save_related(self, request, form, formsets, change):
        # Bylines, tags and photos were written by services.save_story; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change)


# How a queued update's snapshot keys read on the live story (the same shapes as articles.audit.snapshot).
UPDATE_COMPARED = {
    "standfirst": lambda a: a.standfirst, "body": lambda a: a.body, "section": lambda a: a.section_id,
    "hero_photo": lambda a: a.hero_photo_id, "reporters": lambda a: [b.reporter_id for b in a.bylines.all()],
    "photos": lambda a: [p.photo_id for p in a.inline_photos.all()], "tags": lambda a: sorted(a.tags.names()),
}


@admin.register(ScheduledUpdate)
class ScheduledUpdateAdmin(admin.ModelAdmin):
    form = ScheduledUpdateForm
    list_display = ["story", "headline", "go_live_ist", "state_badge", "created_by"]
    list_select_related = ["article", "created_by"]
    date_hierarchy = "go_live_at"
    search_fields = ["article__headline", "note"]
    fieldsets = [
        ("New version", {"fields": ["headline", "standfirst", "body", "byline_reporters", "section", "tags", "hero_photo", "story_photos"]}),
        ("Going live", {"fields": ["go_live_at", "note", "failure"]}),
    ]
    readonly_fields = ["failure"]

    def get_queryset(self, request):
        # "What changes" compares with the live story's bylines, photos and tags: fetched once for the page.
        return super().get_queryset(request).prefetch_related("article__bylines", "article__inline_photos", "article__tags")

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The content fields are built by the form itself from the snapshot; only these are the model's.
        kwargs["fields"] = ["go_live_at", "note"]
        form_class = super().get_form(request, obj, change, **kwargs)
        site = self.admin_site

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, admin_site=site, **inner)

        return RequestForm

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets

    def has_add_permission(self, request):
        return False  # updates are queued from the story's own form

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead, so the desk can see what was planned

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) and actors.can_publish(request.user)
        return allowed and (obj is None or obj.state in ("queued", "overdue"))

    @admin.display(description="What changes")
    def headline(self, update):
        """The update against the story as it stands: a new headline is quoted, other changes named."""
        live = update.article
        new_headline = update.snapshot.get("headline", "")
        changed = [name for name in ("standfirst", "body", "reporters", "tags", "section", "hero_photo", "photos")
                   if update.snapshot.get(name) != UPDATE_COMPARED[name](live)]
        parts = [f"New headline: “{new_headline}”"] if new_headline != live.headline else []
        if changed:
            parts.append(", ".join(name.replace("_", " ") for name in changed).capitalize())
        if update.note:
            parts.append(f"({update.note})")
        return " · ".join(parts) or "No change from the live story"

    @admin.display(description="Story", ordering="article__headline")
    def story(self, update):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[update.article_id]), update.article.headline)

    @admin.display(description="Goes live (IST)", ordering="go_live_at")
    def go_live_ist(self, update):
        return reader_datetime(update.go_live_at)

    @admin.display(description="State")
    def state_badge(self, update):
        colours = {"queued": "#1d4ed8", "overdue": "#b91c1c", "applied": "#15803d", "cancelled": "#6b7280"}
        label = badge(colours[update.state], update.state.capitalize())
        if update.failed_attempts and update.state in ("queued", "overdue"):
            return format_html("{} {}", label, failure_note(update))
        return label

    @admin.display(description="Scheduler")
    def failure(self, update):
        return failure_note(update) if update.failed_attempts else "No failed attempts."

    def save_model(self, request, obj, form, change):
        services.edit_update(
            obj, form.snapshot(obj.article), go_live_at=form.cleaned_data["go_live_at"],
            actor=request.user, note=form.cleaned_data.get("note", ""),
        )

    def get_urls(self):
        cancel = self.admin_site.admin_view(self.cancel_view)
        return [path("<int:pk>/cancel/", cancel, name="articles_scheduledupdate_cancel"), *super().get_urls()]

    def cancel_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        update = get_object_or_404(ScheduledUpdate, pk=pk)
        if not self.has_change_permission(request, update):
            raise PermissionDenied
        services.cancel_update(update, actor=request.user)
        messages.success(request, f"Cancelled: {update}.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:articles_scheduledupdate_changelist")
        return redirect(target)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The whole audit log, read-only (a story's own entries are on its History page; purged stories' only here)."""

    list_display = [instant_column("created_at", "When"), "story_headline", "story_id", "action", "actor_name", "source"]
    list_filter = ["source", "action"]
    search_fields = ["story_headline", "actor_name", "=story_id"]
    list_select_related = ["actor_user"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# taggit's tag table, with every change through articles.tags (articles/tag_admin.py).
tag_admin.register(admin.site)
