from django.contrib import admin

from .models import Reporter


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    list_display = ["name", "designation", "user"]
    search_fields = ["name", "designation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
