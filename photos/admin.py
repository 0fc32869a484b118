import logging

from django.contrib import admin
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from core.admin_time import instant_column

from . import services
from .disk import DISK_FULL, is_disk_full
from .forms import PhotoAdminForm
from .models import Credit, Photo, Rendition
from .renditions import best_rendition

logger = logging.getLogger(__name__)
THUMBNAIL_RATIO = "1:1"


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "prefix", "label", "photo_count"]
    list_editable = ["prefix"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "prefix"]

    def get_queryset(self, request):
        # Annotating drops Meta.ordering from the query; keep the list (and its autocomplete) ordered.
        return super().get_queryset(request).annotate(photo_count=Count("photos")).order_by("name")

    def save_model(self, request, obj, form, change):
        services.save_credit(obj, user=request.user)

    @admin.display(description="Printed as")
    def label(self, credit):
        return credit.label

    @admin.display(description="Photos", ordering="photo_count")
    def photo_count(self, credit):
        return credit.photo_count


def _count(model_related_field: str, relation):
    """Subquery: how many rows of `relation` point at the photo (no articles import: the relation is reverse)."""
    model = Photo._meta.get_field(relation).related_model
    return Coalesce(
        Subquery(
            model.objects.filter(**{model_related_field: OuterRef("pk")})
            .order_by()
            .values(model_related_field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _story_link(pk) -> str:
    try:
        return reverse("admin:articles_article_change", args=[pk])
    except NoReverseMatch:  # pragma: no cover - articles admin not installed
        return "#"


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "__str__", "credit_label", "dimensions", "used_in", instant_column("uploaded_at", "Uploaded")]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["credit__kind", "credit"]
    search_fields = ["caption", "alt_text", "credit__name"]
    autocomplete_fields = ["credit"]
    list_select_related = ["credit"]
    readonly_fields = ["preview", "usage", "rendition_summary"]
    fieldsets = [
        (None, {"fields": ["image", "preview", ("focal_x", "focal_y")]}),
        ("Description and credit", {"fields": ["alt_text", "caption", "credit"]}),
        ("In use", {"fields": ["usage", "rendition_summary"]}),
    ]

    class Media:
        js = ["photos/focal_point.js"]
        css = {"all": ["photos/focal_point.css"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("renditions")
        return queryset.annotate(
            hero_uses=_count("hero_photo", "hero_of"), inline_uses=_count("photo", "article_uses"),
            body_placements=_count("photo", "body_uses"),
        )

    def get_urls(self):
        from django.urls import path

        from . import chooser

        view = self.admin_site.admin_view
        return [
            path("chooser/", view(chooser.search), name="photos_photo_chooser"),
            path("chooser/upload/", view(chooser.upload), name="photos_photo_chooser_upload"),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing is in use before the first save
            return [(None, {"fields": ["image", "preview", ("focal_x", "focal_y")]}), self.fieldsets[1]]
        return self.fieldsets

    @admin.display(description="")
    def thumbnail(self, photo):
        rendition = best_rendition(photo, THUMBNAIL_RATIO, 160, "webp") or best_rendition(photo, THUMBNAIL_RATIO, 160, "jpeg")
        if rendition:
            return format_html(
                '<img src="{}" alt="" width="64" height="64" loading="lazy" style="object-fit:cover;">', rendition.file.url
            )
        return format_html('<img src="{}" alt="" style="height:64px;width:auto;">', photo.image.url) if photo.image else ""

    @admin.display(description="Credit", ordering="credit__name")
    def credit_label(self, photo):
        return photo.credit.label

    @admin.display(description="Used in", ordering=F("hero_uses") + F("inline_uses") + F("body_placements"))
    def used_in(self, photo):
        # A story using a photo twice (listed and placed in the body) counts twice here; "Used in" on the form is exact.
        n = getattr(photo, "hero_uses", 0) + getattr(photo, "inline_uses", 0) + getattr(photo, "body_placements", 0)
        return f"{n} stor{'y' if n == 1 else 'ies'}" if n else "—"

    @admin.display(description="Preview")
    def preview(self, photo):
        """The picture to click on: the click sets the focal point (static/photos/focal_point.js)."""
        src = ""
        if photo and photo.pk and photo.image:
            rendition = best_rendition(photo, "original", 960, "jpeg")
            src = rendition.file.url if rendition else photo.image.url
        return format_html(
            '<div class="focal-picker" data-focal-picker data-has-image="{}">'
            '<img src="{}" alt="" class="focal-picker__image">'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the main subject: the 16:9, 4:3 and square crops keep it in frame.</p>',
            "1" if src else "0", src,
        )

    @admin.display(description="Used in")
    def usage(self, photo):
        ids = sorted(photo.story_ids(), reverse=True) if photo.pk else []
        if not ids:
            return "Not used in any story yet."
        stories = list(photo.hero_of.model.objects.filter(pk__in=ids).order_by("-pk").values_list("pk", "headline")[:50])

        def link(pk):
            try:
                return reverse("admin:articles_article_change", args=[pk])
            except NoReverseMatch:  # pragma: no cover - articles admin not installed
                return "#"

        items = format_html_join("", '<li><a href="{}">{}</a></li>', ((link(pk), headline) for pk, headline in stories))
        return format_html(
            "<strong>Used in {} stor{}</strong><ul>{}</ul>", len(ids), "y" if len(ids) == 1 else "ies", items
        )

    @admin.display(description="Renditions")
    def rendition_summary(self, photo):
        renditions = list(photo.renditions.all()) if photo.pk else []
        if not renditions:
            return "None yet: pages show the original until `manage.py rebuild_renditions` makes them."
        rows = []
        for ratio, _ in Rendition.Ratio.choices:
            widths = sorted({r.width for r in renditions if r.ratio == ratio})
            if widths:
                rows.append((ratio, ", ".join(str(w) for w in widths)))
        return format_html(
            "{} files, WebP and JPEG<ul>{}</ul>",
            len(renditions),
            format_html_join("", "<li>{}: {} px wide</li>", rows),
        )

    @admin.display(description="Size")
    def dimensions(self, photo):
        return f"{photo.width}×{photo.height}" if photo.width else ""

    # The same rule as photos.services.save_photo: the admin offers editing only where the service allows it.
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.may_change_photo(request.user, obj)

    def save_model(self, request, obj, form, change):
        services.save_photo(obj, user=request.user)

    # A full media disk: the save raised inside the admin's transaction (rolled back, and Photo.save deleted the
    # file it wrote), so the form is shown again, with what was typed and the reason as its error.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OSError as error:
            if not is_disk_full(error) or getattr(request, "media_disk_full", False):
                raise
            logger.error("media disk full: photo save by %s refused (%s)", request.user.get_username(), error)
            request.media_disk_full = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not getattr(request, "media_disk_full", False):
            return form

        class DiskFullForm(form):
            def clean(self):
                self.add_error(None, DISK_FULL)
                return super().clean()

        return DiskFullForm

    def get_deleted_objects(self, objs, request):
        """A photo any story uses (hero or inline) cannot be deleted: name the stories instead of the rows."""
        deleted, counts, perms_needed, _ = super().get_deleted_objects(objs, request)
        protected = []
        for photo in objs:
            for pk, headline, live in services.stories_using(photo):
                protected.append(format_html(
                    '“{}” is used by the story <a href="{}">{}</a>{}', photo, _story_link(pk), headline,
                    " (live)" if live else "",
                ))
        return deleted, counts, perms_needed, protected
