from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "photos"

    def ready(self) -> None:
        from core import pagecache

        from .models import Credit, Photo, Rendition

        # Pages name each photo they show as photo:<id> (articles.cache_keys).
        pagecache.register_model_keys(Photo, lambda p: {f"photo:{p.pk}"})
        pagecache.register_model_keys(Rendition, lambda r: {f"photo:{r.photo_id}"})
        pagecache.register_model_keys(
            Credit, lambda c: {f"photo:{pk}" for pk in Photo.objects.filter(credit=c).values_list("pk", flat=True)}
        )
