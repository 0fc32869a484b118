from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from taggit.models import Tag

from articles.models import Section
from core.text import clean_text
from distribution import links, structured_data
from reporters.models import Reporter

register = template.Library()


@register.filter
def ld_json(data):
    """`<script type="application/ld+json">` with the data escaped like Django's json_script."""
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(structured_data.ld_json_text(data)))


@register.filter
def xml_text(value):
    """Text XML 1.0 can carry (core.text.clean_text): the sitemap must stay valid whatever a headline held."""
    return clean_text(value)


@register.filter
def news_language(code):
    """Google News wants an ISO 639 code ("en", "hi"); Chinese keeps its script ("zh-cn", "zh-tw")."""
    code = (code or "en").strip().lower().replace("_", "-")
    if code == "zh" or code.startswith("zh-"):
        return "zh-tw" if code in ("zh-tw", "zh-hk", "zh-hant") else "zh-cn"
    return code.split("-", 1)[0] or "en"


@register.simple_tag(takes_context=True)
def feed_links(context):
    """Autodiscovery links for the page: its section, reporter or tag feeds first, then the site's."""
    found = []
    section, reporter, tag = context.get("section"), context.get("reporter"), context.get("tag")
    if isinstance(section, Section):
        found += links.feed_links(f"{section.name} — {settings.SITE_NAME}", "section", section.slug)
    if isinstance(reporter, Reporter):
        found += links.feed_links(f"{reporter.name} — {settings.SITE_NAME}", "reporter", reporter.slug)
    if isinstance(tag, Tag):
        found += links.feed_links(f"{tag.name} — {settings.SITE_NAME}", "tag", tag.slug)
    found += links.feed_links(settings.SITE_NAME)
    return format_html_join(
        "\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((link["type"], link["title"], link["href"]) for link in found),
    )


@register.simple_tag
def article_sharing(article, bylines=None):
    """{'json_ld': dict, 'meta': [(attribute, name, content)]} for one story's <head>."""
    return {
        "json_ld": structured_data.news_article(article, bylines),
        "meta": structured_data.sharing_meta(article, bylines),
    }
