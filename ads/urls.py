from django.urls import path

from . import views

app_name = "ads"

urlpatterns = [
    path("ads/serve/<slug:key>/", views.serve, name="serve"),
    path("ads/impression/<str:token>/", views.impression, name="impression"),
    path("ads/click/<str:token>/", views.click, name="click"),
    path("ads/creative/<int:pk>/frame/", views.creative_frame, name="frame"),
    path("ads.txt", views.ads_txt, name="ads_txt"),
]
