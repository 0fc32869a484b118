"""Admin columns and read-only fields for instants, written by core.timefmt like every other time on the site.

Django would print a bare DateTimeField in its own format ("Dec. 2, 2026, 10 a.m.", no zone); list it as
``instant_column("modified_at", "Modified")`` instead, in list_display or readonly_fields.
"""
from django.contrib import admin

from core.timefmt import reader_datetime


def instant_column(field_name: str, description: str):
    @admin.display(description=f"{description} (IST)", ordering=field_name)
    def column(obj):
        value = getattr(obj, field_name, None)
        return reader_datetime(value) if value else "—"

    column.__name__ = f"{field_name}_ist"
    return column
