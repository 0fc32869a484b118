"""Machine-readable copies of stories. Included before articles.urls (see newsroom/urls.py)."""
from django.urls import path

from . import export

app_name = "articles_export"

urlpatterns = [
    path("story/<slug:slug>.json", export.story_json, name="ninjs"),
]
