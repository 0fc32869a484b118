from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Reporter


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    list_display = ["name", "designation", "user"]
    search_fields = ["name", "designation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


# --- The user's page: which reporter's byline is theirs --------------------------------------------------------

User = get_user_model()


class UserWithReporterForm(UserAdmin.form):
    byline = forms.ModelChoiceField(
        queryset=Reporter.objects.all(), required=False, label="Byline (reporter)",
        help_text="The reporter whose byline is this user's: their own stories are the ones carrying it. "
        "Saved automatically when the full name matches exactly one reporter without a user.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["byline"].queryset = Reporter.objects.filter(user__isnull=True) | Reporter.objects.filter(user=self.instance)
            self.initial["byline"] = Reporter.objects.filter(user=self.instance).values_list("pk", flat=True).first()

    def clean_byline(self):
        reporter = self.cleaned_data.get("byline")
        if reporter and reporter.user_id not in (None, self.instance.pk):
            raise forms.ValidationError(f"{reporter} is already linked to another user.")
        return reporter


class UserWithReporterAdmin(UserAdmin):
    form = UserWithReporterForm
    fieldsets = [
        *UserAdmin.fieldsets[:2],
        ("Newsroom", {
            "fields": ["byline"],
            "description": "A staff user writes stories when “Staff status” is ticked and they are in the Reporter "
            "or Editor group. Link their byline here so their stories are theirs.",
        }),
        *UserAdmin.fieldsets[2:],
    ]
    list_display = [*UserAdmin.list_display, "reporter"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "byline" in form.cleaned_data:
            chosen = form.cleaned_data["byline"]
            Reporter.objects.filter(user=obj).exclude(pk=getattr(chosen, "pk", None)).update(user=None)
            if chosen is not None and chosen.user_id != obj.pk:
                chosen.user = obj
                chosen.save(update_fields=["user"])


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserWithReporterAdmin)
