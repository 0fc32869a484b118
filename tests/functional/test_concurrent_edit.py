"""Two editors on one story: the later save of an older form is refused, and nothing typed is lost."""
import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.factories import make_story
from tests.functional.test_admin_editing import story_form


@pytest.fixture
def two_editors(db, client, django_user_model):
    from django.test import Client

    a = get_user_model().objects.create_superuser("anita", "a@example.com", "pw-for-tests-only")
    b = get_user_model().objects.create_superuser("bharat", "b@example.com", "pw-for-tests-only")
    client_a, client_b = Client(), Client()
    client_a.force_login(a)
    client_b.force_login(b)
    return client_a, client_b


def test_second_save_is_refused_with_what_changed_and_keeps_typed_text(two_editors):
    client_a, client_b = two_editors
    story = make_story(headline="Original headline", body="<p>Original body.</p>")
    reporter_id = str(story.ordered_reporters()[0].pk)
    opened_at = str(story.edit_version)  # both open the form now
    change_url = f"/admin/articles/article/{story.pk}/change/"
    assert f'name="edit_version_seen" value="{opened_at}"' in client_b.get(change_url).content.decode()

    response = client_a.post(change_url, story_form(
        headline="Anita's headline", slug=story.slug, body="<p>Anita's body.</p>", workflow="draft",
        byline_reporters=[reporter_id], edit_version_seen=opened_at))
    assert response.status_code == 302

    response = client_b.post(change_url, story_form(
        headline="Bharat's headline", slug=story.slug, body="<p>Bharat typed this paragraph.</p>", workflow="draft",
        byline_reporters=[reporter_id], edit_version_seen=opened_at))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved: anita changed this story" in html
    assert "headline" in html and "Anita&#x27;s headline" in html  # what A changed
    assert "Bharat&#x27;s headline" in html and "Bharat typed this paragraph." in html  # B's text is kept
    assert Article.objects.get(pk=story.pk).headline == "Anita's headline"  # no silent overwrite
