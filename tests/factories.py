"""Small builders for tests. Stories are made through the services, as the admin and ingest do."""
import io
from datetime import datetime

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import related as related_lists
from articles import services
from articles.models import Article, Section
from articles.service_mark import service_writes
from photos.models import Credit, Photo
from reporters.models import Reporter


def image_bytes(width=320, height=180, fmt="JPEG", colour=(180, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, fmt)
    return buffer.getvalue()


def make_photo(credit="AP", alt="A test picture", caption="", name="test.jpg", **credit_fields) -> Photo:
    credit_obj = Credit.objects.filter(name=credit).first() or Credit.objects.create(name=credit, **credit_fields)
    return Photo.objects.create(
        image=SimpleUploadedFile(name, image_bytes(), content_type="image/jpeg"),
        alt_text=alt, caption=caption, credit=credit_obj,
    )


def make_reporter(name="Akanksha Arora", **fields) -> Reporter:
    return Reporter.objects.filter(name=name).first() or Reporter.objects.create(
        name=name, slug=Reporter.unique_slug(name), **fields
    )


def section(slug="world") -> Section:
    return Section.objects.get(slug=slug)


def make_story(
    headline="A story",
    body="<p>One.</p><p>Two.</p><p>Three.</p>",
    reporters=None,
    tags=(),
    photos=(),
    hero=None,
    section_slug="world",
    standfirst="",
    user=None,
) -> Article:
    """A draft, saved by `user` (a staff user) or else by the "command" system actor."""
    article = Article(headline=headline, standfirst=standfirst, body=body, section=section(section_slug), hero_photo=hero)
    related = services.Related(reporters=reporters or [make_reporter()], tags=list(tags), photos=list(photos))
    return settled(services.save_story(article, related, actor=user or services.COMMAND))


def settled(result):
    """`result`, once the related lists a service queued for after its commit are computed (articles.related.settle):
    a test's own transaction never commits, so the factories do it where the commit would."""
    related_lists.settle()
    return result


def publish_story(at: datetime | None = None, **kwargs) -> Article:
    article = make_story(**kwargs)
    return settled(services.publish(article, at=at, actor=services.COMMAND))


def clear_cache() -> None:
    cache.clear()


def change_story(article: Article, **fields) -> Article:
    """Set stored fields of a story (expiry, language, slug, wire uri …) through the services, as a save would."""
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    related = services.Related(
        reporters=article.ordered_reporters(), tags=list(article.tags.names()),
        photos=[use.photo for use in article.inline_photos.all()],
    )
    return settled(services.save_story(article, related, actor=services.COMMAND, minor=True))


# For test set-ups that fake what no service does (a revision written at another instant, an update already
# applied, rows deleted to simulate a second site): explicit, so every bypass of the guard is greppable.
def test_setup_writes():
    return service_writes()


test_setup_writes.__test__ = False  # a helper, not a test, wherever it is imported
