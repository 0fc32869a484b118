"""Instants staff may type: from 1 January 1900 to 31 December 2999, refused with a form error outside that.

A year-1 "Unpublish at" used to reach the database: on SQLite the conversion to UTC overflowed (500), on PostgreSQL
it was stored as a date before year 1 that Python cannot read back, so every page showing the story failed. The
range keeps every instant well inside what Python, both databases and core.timefmt handle (no overflow when a
day is added, no local mean time offsets), and is wide enough for any archive and any schedule.

Every date-and-time field of the admin is an InstantField: the desk's own forms declare them, and `use_in_admin`
(core.apps, after the admin's autodiscovery) makes it the form field of every model DateTimeField of every
registered admin and its inlines. tests/functional/test_bad_values.py fails when one is not.
"""
from datetime import UTC, datetime

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db import models

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 18, 29, 59, tzinfo=UTC)  # 31 December 2999, 23:59:59 IST
OUT_OF_RANGE = "Choose a date between 1 January 1900 and 31 December 2999."


def check_instant(value) -> None:
    if isinstance(value, datetime) and value.tzinfo is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class InstantField(forms.SplitDateTimeField):
    """The admin's date + time pair, read in IST, refused outside EARLIEST..LATEST."""

    default_validators = [check_instant]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", admin_widgets.AdminSplitDateTime)
        super().__init__(*args, **kwargs)

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (OverflowError, ValueError) as error:  # a date the time zone cannot place at all
            raise ValidationError(OUT_OF_RANGE, code="out_of_range") from error


class InstantInputField(forms.DateTimeField):
    """One text or datetime-local input (the live desk's "Post at"), with the same range."""

    default_validators = [check_instant]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as error:
            raise ValidationError(OUT_OF_RANGE, code="out_of_range") from error


INSTANT_FIELD_KINDS = (InstantField, InstantInputField)


def use_in_admin(site) -> None:
    """Make InstantField the form field of every model DateTimeField in `site`'s admins and their inlines."""
    override = {"form_class": InstantField, "widget": admin_widgets.AdminSplitDateTime}
    for model_admin in site._registry.values():
        model_admin.formfield_overrides[models.DateTimeField] = {
            **model_admin.formfield_overrides.get(models.DateTimeField, {}), **override,
        }
        for inline in model_admin.inlines:  # instantiated per request from the class: its class attribute
            inline.formfield_overrides = {**inline.formfield_overrides, models.DateTimeField: override}
