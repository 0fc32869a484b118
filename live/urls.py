from django.urls import path

from . import views
from .feeds import LiveEntryFeed

app_name = "live"

urlpatterns = [
    path("story/<slug:slug>/live/", views.updates, name="updates"),
    path("story/<slug:slug>/live/entry/<int:entry_id>/", views.entry_permalink, name="entry"),
    path("story/<slug:slug>/live/rss/", LiveEntryFeed("rss"), name="rss"),
    path("story/<slug:slug>/live/atom/", LiveEntryFeed("atom"), name="atom"),
]
