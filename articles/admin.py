from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.timefmt import reader_datetime

from . import services
from .forms import ArticleAdminForm
from .models import Article, Byline, Section

STATE_COLOURS = {
    "draft": "#6b7280", "review": "#b45309", "scheduled": "#1d4ed8",
    "published": "#15803d", "expired": "#6b21a8", "unpublished": "#b91c1c",
}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "state_badge", "section", "bylines_display", "published_ist", "updated_ist", "modified_at"]
    list_filter = ["status", "section", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["headline", "standfirst", "reporters__name", "tags__name"]
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    list_per_page = 50
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["hero_photo", "section"]
    readonly_fields = ["preview_link", "published_ist", "updated_ist"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Bylines, section and tags", {"fields": ["byline_reporters", "section", "tags"]}),
        ("Photos", {"fields": ["hero_photo", "story_photos"]}),
        ("Publishing", {"fields": [
            "workflow", "publish_at", "expires_at", "minor_change", "correction_note",
            "preview_link", "published_ist", "updated_ist", "edit_version_seen",
        ]}),
        ("Advanced", {"classes": ["collapse"], "fields": ["language"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("reporter"))
        )

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
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 8px;border-radius:9px;font-size:11px">{}</span>',
            STATE_COLOURS.get(state, "#444"), state.capitalize(),
        )

    @admin.display(description="Bylines")
    def bylines_display(self, article):
        return ", ".join(b.reporter.name for b in article.bylines.all())

    @admin.display(description="Published (IST)", ordering="published_at")
    def published_ist(self, article):
        return reader_datetime(article.published_at) if article.published_at else "—"

    @admin.display(description="Updated (IST)", ordering="updated_at")
    def updated_ist(self, article):
        return reader_datetime(article.updated_at) if article.updated_at else "—"

    @admin.display(description="Preview")
    def preview_link(self, article):
        if not article.pk:
            return "Save the story to preview it."
        return format_html('<a href="{}" target="_blank">Preview as readers will see it</a>', reverse("articles:preview", args=[article.pk]))

    def view_on_site(self, article):
        if article.state() == "published":
            return article.get_absolute_url()
        return reverse("articles:preview", args=[article.pk])

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        related = services.Related(reporters=data["byline_reporters"], tags=data["tags"], photos=data["story_photos"])
        services.save_story(
            obj, related, user=request.user,
            expected_version=data.get("edit_version_seen") if change else None,
            minor=data.get("minor_change", False),
        )
        self._apply_workflow(request, obj, data)

    def _apply_workflow(self, request, article, data):
        target, user = data["workflow"], request.user
        if target == Article.Status.PUBLISHED:
            publish_at = data.get("publish_at")
            state = article.state()
            if state != "published" or (publish_at and publish_at != article.published_at and state == "scheduled"):
                article = services.publish(article, user=user, at=publish_at)
                if article.state() == "scheduled":
                    messages.info(request, f"Scheduled for {reader_datetime(article.published_at)}.")
        elif target == Article.Status.UNPUBLISHED and article.status == Article.Status.PUBLISHED:
            services.unpublish(article, user=user)
        elif target == Article.Status.REVIEW and article.status != Article.Status.REVIEW:
            services.submit_for_review(article, user=user)
        elif target == Article.Status.DRAFT and article.status != Article.Status.DRAFT:
            services.return_to_draft(article, user=user)

    def save_related(self, request, form, formsets, change):
        # Bylines, tags and photos were written by services.save_story; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change)
