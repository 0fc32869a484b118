from django import template
from django.utils.html import format_html

from core import timefmt

register = template.Library()


@register.filter
def reader_time(instant):
    return timefmt.reader_datetime(instant) if instant else ""


@register.filter
def machine_time(instant):
    return timefmt.machine_datetime(instant) if instant else ""


@register.simple_tag
def time_tag(instant, prefix=""):
    """<time datetime="2021-03-25T08:07:00+05:30">March 25th, 2021 at 08:07 IST</time>"""
    if not instant:
        return ""
    return format_html(
        '<time datetime="{}">{}{}</time>',
        timefmt.machine_datetime(instant),
        prefix,
        timefmt.reader_datetime(instant),
    )
