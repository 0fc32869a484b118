"""Issue 15 through the admin (Django test client): preview links, the desk home, roles that read well, statuses,
SEO and sharing fields on the story page, byline order, and the small fixes (messages, history, favicon)."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles import preview_links, services
from articles.models import Article, AuditEntry, PreviewLink
from reporters.models import Reporter
from tests.factories import make_reporter, make_story, publish_story
from tests.functional.test_admin_editing import story_form
from tests.functional.test_roles import login, member


@pytest.fixture
def editor(db):
    return member("Editor", "neha")


@pytest.fixture
def reporter_user(db):
    user = member("Reporter", "ritu")
    make_reporter("Ritu Sharma", user=user)
    return user


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


# --- shareable preview links ------------------------------------------------------------------------------------


def make_link(client, story, hours="24", note="Legal: A. Rao"):
    page = reverse("admin:articles_article_preview_links", args=[story.pk])
    response = client.post(page, {"hours": hours, "note": note}, follow=True)
    assert response.status_code == 200
    return PreviewLink.objects.filter(article=story).first(), response.content.decode()


def test_an_editor_shares_a_draft_and_revokes_the_link(client, editor):
    story = make_story(headline="Budget leaks ahead of the session", body="<p>Secret figures.</p>")
    login(client, editor)
    link, html = make_link(client, story)
    assert link.note == "Legal: A. Rao" and link.state() == "active"
    assert timedelta(hours=23, minutes=59) < link.expires_at - timezone.now() <= timedelta(hours=24)
    url = preview_links.url_for(link)
    assert url in html and url == preview_links.url_for(link)  # shown to copy; one address per link
    entry = AuditEntry.objects.get(story_id=story.pk, action="preview link created")
    assert entry.actor_user == editor and entry.note == "Legal: A. Rao"

    reader = client.__class__()  # no login
    page = reader.get(url)
    assert page.status_code == 200
    assert "Secret figures." in page.content.decode() and '<meta name="robots" content="noindex">' in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in page["Cache-Control"]
    assert reader.get(url[:-3] + "xx/").status_code == 404  # an altered signature is refused

    revoke = reverse("admin:articles_article_preview_links_revoke", args=[story.pk, link.pk])
    assert client.get(revoke).status_code == 405
    client.post(revoke)
    gone = reader.get(url)
    assert gone.status_code == 404 and "no longer works" in gone.content.decode()
    assert gone["X-Robots-Tag"] == "noindex, nofollow"
    assert AuditEntry.objects.filter(story_id=story.pk, action="preview link revoked", actor_user=editor).exists()


def test_a_preview_link_stops_at_the_expiry_the_editor_chose(client, editor):
    story = make_story(headline="Embargoed results")
    login(client, editor)
    link, _ = make_link(client, story, hours="1")
    url = preview_links.url_for(link)
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert client.__class__().get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert client.__class__().get(url).status_code == 404


def test_preview_links_refuse_other_reporters_and_bad_expiries(client, reporter_user):
    theirs = make_story(headline="Not Ritu Sharma’s", reporters=[make_reporter("Arjun Mehta")])
    with pytest.raises(services.StoryError):
        preview_links.create_preview_link(theirs, expires_at=timezone.now() + timedelta(hours=1), actor=reporter_user)
    with pytest.raises(preview_links.PreviewLinkError):
        preview_links.create_preview_link(theirs, expires_at=timezone.now() - timedelta(hours=1), actor=services.COMMAND)
    with pytest.raises(preview_links.PreviewLinkError):
        preview_links.create_preview_link(theirs, expires_at=timezone.now() + timedelta(days=31), actor=services.COMMAND)
    login(client, reporter_user)
    assert client.post(reverse("admin:articles_article_preview_links", args=[theirs.pk]), {"hours": "1"}).status_code == 404
    mine = make_story(headline="Ritu Sharma’s draft", reporters=[reporter_user.reporter])
    link, _ = make_link(client, mine)
    assert link.created_by == reporter_user


# --- the desk home ------------------------------------------------------------------------------------------------


def test_the_desk_home_for_a_reporter_and_an_editor(client, reporter_user, editor):
    mine = make_story(headline="Ritu Sharma’s harbour draft", reporters=[reporter_user.reporter])
    services.submit_for_review(make_story(headline="Ritu Sharma’s piece in review", reporters=[reporter_user.reporter]), actor=reporter_user)
    arjun = make_reporter("Arjun Mehta")
    services.submit_for_review(make_story(headline="Arjun Mehta’s piece in review", reporters=[arjun]), actor=services.COMMAND)
    later = timezone.now() + timedelta(minutes=30)
    services.publish(make_story(headline="Going live shortly", reporters=[arjun]), at=later, actor=services.COMMAND)
    live = publish_story(headline="Live with an update due", reporters=[arjun], at=timezone.now() - timedelta(hours=3))
    services.queue_update(live, services.snapshot(live), go_live_at=timezone.now() - timedelta(minutes=5),
                          actor=services.COMMAND, note="Add the toll")
    mine.headline = "Ritu Sharma’s harbour draft, edited by the desk"
    services.save_story(mine, services.Related([reporter_user.reporter], [], []), actor=editor)

    home = login(client, reporter_user).get("/admin/").content.decode()
    assert "Your stories" in home and "Ritu Sharma’s harbour draft, edited by the desk" in home
    assert "Ritu Sharma’s piece in review" in home and "Arjun Mehta’s piece in review" not in home
    assert "Going live shortly" not in home and "Live with an update due" not in home
    assert "Recent changes by others" in home and "Saved by neha" in home
    assert "/admin/taggit/" not in home and "/admin/axes/" not in home

    home = login(client, editor).get("/admin/").content.decode()
    assert "Arjun Mehta’s piece in review" in home and "Ritu Sharma’s piece in review" in home
    assert "Going live shortly" in home and "IST" in home
    assert "Live with an update due" in home and "Add the toll" in home  # overdue
    assert "/admin/axes/" not in home and "/admin/taggit/" not in home


def test_technical_sections_are_for_administrators(client, editor):
    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    assert "/admin/axes/" in login(client, admin_user).get("/admin/").content.decode()
    login(client, editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert client.get("/admin/taggit/tag/1/delete/").status_code in (403, 302)


# --- roles --------------------------------------------------------------------------------------------------------


def test_a_refused_page_is_styled_and_says_what_to_ask_for(client, reporter_user):
    theirs = make_story(headline="Arjun Mehta’s scoop", reporters=[make_reporter("Arjun Mehta")])
    response = login(client, reporter_user).get(change_url(theirs))
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>You can't open this page</h1>" in html and "ask an administrator for the Editor role" in html
    assert "ritu" in html and "Reporter" in html


def test_reporters_see_only_their_own_work_on_the_schedule(client, reporter_user, editor):
    soon = timezone.now() + timedelta(hours=5)
    services.publish(make_story(headline="Ritu Sharma’s embargoed report", reporters=[reporter_user.reporter]), at=soon, actor=services.COMMAND)
    services.publish(make_story(headline="Arjun Mehta’s embargoed report", reporters=[make_reporter("Arjun Mehta")]), at=soon, actor=services.COMMAND)
    schedule = reverse("admin:articles_article_schedule")
    html = login(client, reporter_user).get(schedule).content.decode()
    assert "Ritu Sharma’s embargoed report" in html and "Arjun Mehta’s embargoed report" not in html
    html = login(client, editor).get(schedule).content.decode()
    assert "Ritu Sharma’s embargoed report" in html and "Arjun Mehta’s embargoed report" in html


def test_cancel_on_the_schedule_returns_to_the_schedule(client, editor):
    live = publish_story(headline="Live story", at=timezone.now() - timedelta(hours=1))
    services.queue_update(live, services.snapshot(live), go_live_at=timezone.now() + timedelta(hours=2), actor=services.COMMAND)
    schedule = reverse("admin:articles_article_schedule")
    html = login(client, editor).get(schedule).content.decode()
    assert f'name="next" value="{schedule}"' in html
    update = live.scheduled_updates.get()
    response = client.post(reverse("admin:articles_scheduledupdate_cancel", args=[update.pk]), {"next": schedule})
    assert response.status_code == 302 and response["Location"] == schedule


def test_linking_a_staff_user_to_a_reporter(client, db):
    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    ritu = make_reporter("Ritu Sharma")
    make_reporter("Arjun Mehta")
    # Automatically, by full name, once the user is staff.
    user = get_user_model().objects.create_user("rsharma", first_name="Ritu", last_name="Sharma", is_staff=True)
    ritu.refresh_from_db()
    assert ritu.user == user
    # Two reporters with the same name: no guess.
    Reporter.objects.create(name="Sam Roy", slug="sam-roy"), Reporter.objects.create(name="Sam Roy", slug="sam-roy-2")
    sam = get_user_model().objects.create_user("sroy", first_name="Sam", last_name="Roy", is_staff=True)
    assert not Reporter.objects.filter(user=sam).exists()
    # On the user's page.
    login(client, admin_user)
    page = client.get(reverse("admin:auth_user_change", args=[sam.pk])).content.decode()
    assert "Byline (reporter)" in page
    chosen = Reporter.objects.filter(name="Sam Roy").first()
    response = client.post(reverse("admin:auth_user_change", args=[sam.pk]), {
        "username": "sroy", "first_name": "Sam", "last_name": "Roy", "email": "", "is_active": "on", "is_staff": "on",
        "byline": chosen.pk, "date_joined_0": "02/12/2026", "date_joined_1": "10:00:00", "initial-date_joined_0": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    chosen.refresh_from_db()
    assert chosen.user == sam


# --- statuses, SEO, messages, history ---------------------------------------------------------------------------


def test_scheduled_and_expired_in_the_filter_and_on_the_form(client, editor):
    now = timezone.now()
    scheduled = services.publish(make_story(headline="Scheduled one"), at=now + timedelta(days=1), actor=services.COMMAND)
    expired = publish_story(headline="Expired one", at=now - timedelta(days=2))
    expired.expires_at = now - timedelta(hours=1)
    services.save_story(expired, services.Related(expired.ordered_reporters(), [], []), actor=services.COMMAND)
    live = publish_story(headline="Live one", at=now - timedelta(hours=1))
    login(client, editor)
    for state, shown, hidden in [("scheduled", scheduled, live), ("expired", expired, live), ("published", live, scheduled)]:
        html = client.get(f"/admin/articles/article/?status={state}").content.decode()
        assert shown.headline in html and hidden.headline not in html, state
    form = client.get(change_url(scheduled)).content.decode()
    assert '<option value="published" selected>Scheduled</option>' in form
    form = client.get(change_url(expired)).content.decode()
    assert '<option value="published" selected>Expired</option>' in form


def test_seo_and_sharing_fields_reach_the_story_page(client, editor):
    story = publish_story(headline="Chennai port reopens", standfirst="Ships queue outside.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Chennai port reopens" in page and f'<link rel="canonical" href="{story.public_url}">' in page
    assert 'content="noindex"' not in page
    login(client, editor)
    form = client.get(change_url(story)).content.decode()
    assert 'class="serp__title">Chennai port reopens<' in form
    response = client.post(change_url(story), story_form(
        headline="Chennai port reopens", slug=story.slug, byline_reporters=[str(story.ordered_reporters()[0].pk)],
        section=str(story.section_id), edit_version_seen=str(story.edit_version), minor_change="on",
        seo_headline="Chennai port reopens after cyclone", meta_description="Ships queue outside Chennai.",
        social_headline="Back in business", canonical_url="https://wire.example/chennai", noindex="on",
    ))
    assert response.status_code == 302
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Chennai port reopens after cyclone" in page
    assert '<meta name="description" content="Ships queue outside Chennai.">' in page
    assert '<link rel="canonical" href="https://wire.example/chennai">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert 'content="Back in business"' in page  # og:title / twitter:title
    bad = client.post(change_url(story), story_form(
        headline="Chennai port reopens", slug=story.slug, byline_reporters=[str(story.ordered_reporters()[0].pk)],
        edit_version_seen=str(Article.objects.get().edit_version), canonical_url="javascript:alert(1)",
    ))
    assert bad.status_code == 200 and "Enter a valid URL" in bad.content.decode() or "Enter an http" in bad.content.decode()


def test_queuing_an_update_says_only_what_happened(client, editor):
    live = publish_story(headline="Live headline", at=timezone.now() - timedelta(hours=1))
    login(client, editor)
    when = (timezone.now() + timedelta(days=1)).astimezone(timezone.get_current_timezone())
    response = client.post(change_url(live), story_form(
        headline="Not yet live headline", slug=live.slug, byline_reporters=[str(live.ordered_reporters()[0].pk)],
        section=str(live.section_id), edit_version_seen=str(live.edit_version),
        schedule_update_at_0=when.strftime("%d/%m/%Y"), schedule_update_at_1="10:00",
    ), follow=True)
    html = response.content.decode()
    assert "Update queued" in html and "was changed successfully" not in html


def test_django_history_names_only_what_changed(client, editor):
    story = make_story(headline="Plain draft")
    login(client, editor)
    client.post(change_url(story), story_form(
        headline="Plain draft, retitled", slug=story.slug, byline_reporters=[str(story.ordered_reporters()[0].pk)],
        section=str(story.section_id), edit_version_seen=str(story.edit_version), workflow="draft", tags=[],
    ))
    message = LogEntry.objects.get().get_change_message()
    assert "Headline" in message and "edit_version_seen" not in message and "Status" not in message
    form = client.get(change_url(story)).content.decode()
    assert form.count(">History") == 1 and "/history/" not in form


def test_byline_order_is_the_order_submitted(client, editor):
    ritu, arjun, sam = make_reporter("Ritu Sharma"), make_reporter("Arjun Mehta"), make_reporter("Sam Roy")
    story = make_story(headline="Three bylines", reporters=[ritu, arjun, sam])
    login(client, editor)
    client.post(change_url(story), story_form(
        headline="Three bylines", slug=story.slug, byline_reporters=[str(sam.pk), str(ritu.pk), str(arjun.pk)],
        section=str(story.section_id), edit_version_seen=str(story.edit_version), workflow="draft",
    ))
    assert Article.objects.get().byline_text == "Sam Roy, Ritu Sharma and Arjun Mehta"
    form = client.get(change_url(story)).content.decode()
    assert form.index(">Sam Roy<") < form.index(">Ritu Sharma<") < form.index(">Arjun Mehta<")


def test_django_prints_instants_in_the_site_form(db):
    from django.utils import formats
    from django.utils.timezone import localtime

    from core.timefmt import reader_datetime

    instant = timezone.now()
    assert formats.date_format(localtime(instant), "DATETIME_FORMAT") == reader_datetime(instant)
    assert formats.localize(localtime(instant)) == reader_datetime(instant)
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"  # inputs stay day/month/year


def test_favicon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".ico")


def test_the_scheduled_updates_list_says_what_changes(client, editor):
    live = publish_story(headline="Live headline", at=timezone.now() - timedelta(hours=1))
    snap = services.snapshot(live)
    services.queue_update(live, {**snap, "headline": "Sharper headline"}, go_live_at=timezone.now() + timedelta(hours=1),
                          actor=services.COMMAND)
    services.queue_update(live, {**snap, "body": "<p>More.</p>"}, go_live_at=timezone.now() + timedelta(hours=2),
                          actor=services.COMMAND, note="Adds a paragraph")
    html = login(client, editor).get(reverse("admin:articles_scheduledupdate_changelist")).content.decode()
    assert "New headline: “Sharper headline”" in html
    assert "Body · (Adds a paragraph)" in html
