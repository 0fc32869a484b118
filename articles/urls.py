from django.urls import path

from . import rails, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("reporter/<slug:slug>/", views.reporter, name="reporter"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("story/<slug:slug>/", views.article_detail, name="detail"),
    path("rails/most-recent/<int:story_id>/", rails.most_recent_rail, name="most_recent_rail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
]
