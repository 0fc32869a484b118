import hashlib

from django.contrib import admin
from django.utils.html import format_html

from .models import Credit, Photo


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "label"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "credit", "dimensions", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["credit__kind", "credit"]
    search_fields = ["caption", "alt_text", "credit__name"]
    autocomplete_fields = ["credit"]
    list_select_related = ["credit"]
    readonly_fields = ["preview"]
    fields = ["image", "preview", "alt_text", "caption", "credit"]

    @admin.display(description="")
    def thumbnail(self, photo):
        return format_html('<img src="{}" alt="" style="height:48px;width:auto;">', photo.image.url) if photo.image else ""

    @admin.display(description="Preview")
    def preview(self, photo):
        return format_html('<img src="{}" alt="" style="max-height:240px;width:auto;">', photo.image.url) if photo.image else "—"

    @admin.display(description="Size")
    def dimensions(self, photo):
        return f"{photo.width}×{photo.height}" if photo.width else ""

    def save_model(self, request, obj, form, change):
        if "image" in form.changed_data and obj.image:
            digest = hashlib.sha256()
            for chunk in obj.image.chunks():
                digest.update(chunk)
            obj.checksum = digest.hexdigest()
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
