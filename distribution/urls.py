"""Feeds, sitemaps and robots.txt.

Feeds: /feeds/rss/ and /feeds/atom/ for the site; /<scope>/<slug>/rss/ and /<scope>/<slug>/atom/ for a section,
a reporter or a tag, beside the page they follow (/section/world/ → /section/world/rss/).
Sitemaps: /sitemap.xml (index), /sitemap-<name>.xml for articles, news, sections, reporters, tags (?p=2 …).
"""
from django.urls import path

from articles.views import follows_old_listing_slug

from . import views
from .feeds import ReporterFeed, SectionFeed, StoryFeed, TagFeed

app_name = "distribution"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", views.sitemap, name="sitemap"),
    path("feeds/rss/", StoryFeed("rss"), name="site-rss"),
    path("feeds/atom/", StoryFeed("atom"), name="site-atom"),
]

for _scope, _feed in (("section", SectionFeed), ("reporter", ReporterFeed), ("tag", TagFeed)):
    urlpatterns += [
        # A renamed section, reporter or tag: the feed at its old slug answers 301 (articles.views).
        path(f"{_scope}/<slug:slug>/rss/", follows_old_listing_slug(_scope, _feed("rss")), name=f"{_scope}-rss"),
        path(f"{_scope}/<slug:slug>/atom/", follows_old_listing_slug(_scope, _feed("atom")), name=f"{_scope}-atom"),
    ]
