"""The tag table in the admin, replacing taggit's TagAdmin: every change goes through the tag services.

taggit's own admin writes its generic TaggedItem rows directly and its "merge tags" view checks only that the user is
staff (any Reporter could rewrite the tags of live stories). Here:
- viewing (the story form's tag autocomplete searches through this admin) needs taggit's view permission; the table
  itself is listed, and tags are added, renamed, merged and deleted, by administrators (superusers) only, as for
  the other technical tables (core/admin.py);
- a rename (the change form), a delete and a merge call articles.tags, which records the change in every story
  carrying the tag; the merge view checks the same rights as the action, so a POST to it by anyone else is a 403.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from taggit.models import Tag

from . import tags
from .errors import StoryError


def administrators(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "name" in cleaned:
            try:
                tags.check_rename(self.instance, cleaned["name"])
            except (ValidationError, StoryError) as error:
                raise ValidationError(getattr(error, "message_dict", None) or str(error)) from None
        return cleaned


class MergeTagsForm(forms.Form):
    new_tag_name = forms.CharField(label="Merge into", max_length=100, help_text="A new or existing tag name.")


class StoryTagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]

    # --- who may -----------------------------------------------------------------------------------------------
    def has_module_permission(self, request):
        return administrators(request)

    def has_add_permission(self, request):
        return administrators(request)

    def has_change_permission(self, request, obj=None):
        return administrators(request)

    def has_delete_permission(self, request, obj=None):
        return administrators(request)

    def has_view_permission(self, request, obj=None):
        return administrators(request) or (request.user.is_active and request.user.has_perm("taggit.view_tag"))

    # --- through the services ------------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        if change:
            tags.rename_tag(obj, name=obj.name, slug=obj.slug, actor=request.user)
        else:
            obj.save()  # a new tag shows nowhere until a story carries it

    def delete_model(self, request, obj):
        tags.delete_tag(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset.order_by("pk"):
            tags.delete_tag(tag, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except tags.TagChangeTooLarge as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(reverse("admin:taggit_tag_change", args=[object_id]))

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except tags.TagChangeTooLarge as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(request.get_full_path())

    # --- merging -------------------------------------------------------------------------------------------------
    def get_urls(self):
        merge = path("merge-tags/", self.admin_site.admin_view(self.merge_view), name="taggit_tag_merge_tags")
        return [merge, *super().get_urls()]

    @admin.action(description="Merge selected tags", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        request.session["selected_tag_ids"] = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        return redirect(reverse("admin:taggit_tag_merge_tags"))

    def merge_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        ids = [pk for pk in request.session.get("selected_tag_ids", []) if str(pk).isdigit()]
        selected = list(Tag.objects.filter(pk__in=ids).order_by("name"))
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not selected:
                self.message_user(request, "Select the tags to merge first.", messages.ERROR)
                return redirect(reverse("admin:taggit_tag_changelist"))
            try:
                target = tags.merge_tags(selected, into=form.cleaned_data["new_tag_name"], actor=request.user)
            except (tags.TagChangeTooLarge, ValidationError) as error:
                form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
            else:
                request.session.pop("selected_tag_ids", None)
                self.message_user(request, f"Merged into “{target.name}”.", messages.SUCCESS)
                return redirect(reverse("admin:taggit_tag_changelist"))
        context = {
            **self.admin_site.each_context(request), "title": "Merge tags", "form": form, "selected": selected,
            "opts": self.model._meta,
        }
        return render(request, "admin/articles/merge_tags.html", context)


def register(site) -> None:
    if site.is_registered(Tag):
        site.unregister(Tag)
    site.register(Tag, StoryTagAdmin)
