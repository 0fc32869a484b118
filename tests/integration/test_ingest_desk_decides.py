"""The wire never overrules the desk (issue 20 item 7), through the real `ingest_ninjs` command.

A story the desk took off the site stays off whatever version the agency sends next (`held`); a trashed story is
not touched; the agency's kill (pubStatus canceled / withheld) takes a story off the site at once (`killed`), and a
kill of an item we never took creates nothing (`ignored`).
"""
import re
import unicodedata
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles import services
from articles.models import Article, AuditEntry, Revision
from tests.factories import test_setup_writes
from tests.integration.test_ingest_ninjs import run, story_v3, write

URL = "http://testserver/story/monsoon-reaches-kerala/"
PATH = "/story/monsoon-reaches-kerala/"


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("desk", "desk@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def ingest(folder, capture, *args, **item):
    """Write one version of the item and run the command (on-commit work, purges included, runs)."""
    write(folder, "a.json", story_v3(**item))
    with capture(execute=True):
        return run(*args, folder)


def live_story(folder, capture, client):
    lines, error = ingest(folder, capture, "--publish")
    assert error is None and lines == [f"created urn:test:1 {URL}"]
    assert client.get(PATH).status_code == 200
    assert client.get(PATH)["X-Page-Cache"] == "hit"  # cached, so taking it down must purge
    return Article.objects.get(wire_uri="urn:test:1")


def history(client, editor, story):
    client.force_login(editor)
    html = client.get(f"/admin/articles/article/{story.pk}/revisions/").content.decode()
    client.logout()
    return unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html)))


@pytest.mark.django_db
def test_a_wire_update_after_the_desk_unpublished_is_held(wire, client, editor, django_capture_on_commit_callbacks):
    story = live_story(wire, django_capture_on_commit_callbacks, client)
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(story, actor=editor)  # a legal takedown
    lines, error = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2",
                          headline="Monsoon covers Kerala", versionCreated="2021-03-25T06:00:00Z")
    assert error is None
    assert lines == [f"held urn:test:1 {URL} (unpublished by the desk)"]
    story.refresh_from_db()
    assert story.status == "unpublished" and client.get(PATH).status_code == 404
    # The agency's copy is kept as the story's content (a revision the desk can compare or restore), status not.
    assert story.headline == "Monsoon covers Kerala" and story.wire_version == "2"
    assert story.revisions.filter(kind=Revision.Kind.INGESTED).count() == 2
    entry = AuditEntry.objects.get(story_id=story.pk, action=services.WIRE_HELD)
    assert entry.source == "ingest" and entry.changes["wire_version"] == ["1", "2"]
    assert "Wire version 2 is the story's content now, but the story stays off the site (unpublished by the desk)" \
        in history(client, editor, story)
    # The story form says so too.
    client.force_login(editor)
    form = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "From the wire:" in form and "stays off the site (unpublished by the desk)" in unescape(form)
    # And the desk home lists it.
    home = unescape(client.get("/admin/").content.decode())
    assert "From the wire: held and killed" in home
    assert "Monsoon covers Kerala</a>" in home and "stays off the site (unpublished by the desk)" in home
    client.logout()
    # The same version again is unchanged, and still off the site.
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2",
                      headline="Monsoon covers Kerala", versionCreated="2021-03-25T06:00:00Z")
    assert lines == [f"unchanged urn:test:1 {URL}"]
    assert Article.objects.get().status == "unpublished"


@pytest.mark.django_db
def test_a_wire_update_after_the_desk_trashed_is_held_and_touches_nothing(
        wire, client, editor, django_capture_on_commit_callbacks):
    story = live_story(wire, django_capture_on_commit_callbacks, client)
    with django_capture_on_commit_callbacks(execute=True):
        services.trash(story, actor=editor)
    before = Article.objects.get(pk=story.pk)
    for _ in range(2):  # a re-delivery is held again, and recorded once
        lines, error = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2",
                              headline="Monsoon covers Kerala", versionCreated="2021-03-25T06:00:00Z")
        assert error is None and lines == [f"held urn:test:1 {URL} (trashed by the desk)"]
    after = Article.objects.get(pk=story.pk)
    assert (after.status, after.headline, after.wire_version, after.edit_version) == (
        "trashed", "Monsoon reaches Kerala", "1", before.edit_version)
    assert client.get(PATH).status_code == 404
    entries = AuditEntry.objects.filter(story_id=story.pk, action=services.WIRE_HELD)
    assert entries.count() == 1 and "not applied: the story is in the trash" in entries.get().note
    client.force_login(editor)
    assert "not applied: the story is in the trash" in unescape(client.get("/admin/").content.decode())
    client.logout()
    # A newer version still gets its own entry.
    ingest(wire, django_capture_on_commit_callbacks, "--publish", version="3", versionCreated="2021-03-25T07:00:00Z")
    assert entries.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("moves", "status", "why"), [
    (["return_to_draft"], "draft", "returned to draft by the desk"),
    (["unpublish", "submit_for_review"], "review", "in review at the desk"),
])
def test_a_story_the_desk_moved_to_draft_or_review_is_not_published_by_the_wire(
        wire, client, editor, django_capture_on_commit_callbacks, moves, status, why):
    story = live_story(wire, django_capture_on_commit_callbacks, client)
    with django_capture_on_commit_callbacks(execute=True):
        for move in moves:
            story = getattr(services, move)(story, actor=editor)
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2")
    assert lines == [f"held urn:test:1 {URL} ({why})"]
    assert Article.objects.get().status == status and client.get(PATH).status_code == 404


@pytest.mark.django_db
def test_a_draft_the_ingest_made_is_still_published_by_a_later_publish_run(wire, client,
                                                                           django_capture_on_commit_callbacks):
    ingest(wire, django_capture_on_commit_callbacks)  # no --publish: a draft, no desk decision
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2")
    assert lines == [f"updated urn:test:1 {URL}"]
    assert client.get(PATH).status_code == 200


@pytest.mark.django_db
def test_a_kill_takes_a_live_story_off_the_site_at_once(wire, client, editor, django_capture_on_commit_callbacks):
    story = live_story(wire, django_capture_on_commit_callbacks, client)
    assert "Monsoon reaches Kerala" in client.get("/").content.decode()
    lines, error = ingest(wire, django_capture_on_commit_callbacks, version="2", pubStatus="canceled",
                          versionCreated="2021-03-25T06:00:00Z")
    assert error is None and lines == [f"killed urn:test:1 {URL} (canceled by the agency)"]
    # Hard purge: the very next reader gets the 404, not the cached page.
    response = client.get(PATH)
    assert response.status_code == 404
    assert "Monsoon reaches Kerala" not in client.get("/").content.decode()
    story.refresh_from_db()
    assert story.status == "unpublished" and story.wire_version == "2"
    unpublish = AuditEntry.objects.get(story_id=story.pk, action="unpublish")
    assert unpublish.source == "ingest" and unpublish.note == "Canceled by the agency (wire version 2)"
    assert unpublish.changes["status"] == ["published", "unpublished"]
    # The agency's next version does not bring it back.
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="3",
                      versionCreated="2021-03-25T07:00:00Z")
    assert lines == [f"held urn:test:1 {URL} (unpublished after a kill by the agency)"]
    assert client.get(PATH).status_code == 404
    client.force_login(editor)
    form = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "From the wire:" in form and "(unpublished after a kill by the agency)" in form


@pytest.mark.django_db
def test_withheld_in_ninjs_2_kills_too_and_a_second_kill_writes_nothing(wire, client,
                                                                        django_capture_on_commit_callbacks):
    live_story(wire, django_capture_on_commit_callbacks, client)
    kill = {"uri": "urn:test:1", "version": "2", "pubstatus": "withheld"}  # 1.x / 2.x spelling, no headline
    write(wire, "a.json", kill)
    with django_capture_on_commit_callbacks(execute=True):
        lines, error = run(wire)
    assert error is None and lines == [f"killed urn:test:1 {URL} (withheld by the agency)"]
    entries = AuditEntry.objects.count()
    lines, _ = run(wire)
    assert lines == [f"killed urn:test:1 {URL} (withheld by the agency: already off the site)"]
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_kill_of_a_draft_is_recorded_and_a_later_version_is_held(wire, django_capture_on_commit_callbacks):
    ingest(wire, django_capture_on_commit_callbacks)  # a draft
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, version="2", pubStatus="canceled")
    assert lines == [f"killed urn:test:1 {URL} (canceled by the agency: it was not on the site)"]
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="3")
    assert lines == [f"held urn:test:1 {URL} (canceled by the agency)"]
    assert Article.objects.get().status == "draft"


@pytest.mark.django_db
def test_a_kill_of_an_unknown_item_is_reported_and_creates_nothing(wire, django_capture_on_commit_callbacks):
    lines, error = ingest(wire, django_capture_on_commit_callbacks, "--publish", uri="urn:never-seen",
                          pubStatus="canceled")
    assert error is None
    assert lines == ["ignored urn:never-seen (canceled by the agency, but no story has this uri here: nothing created)"]
    assert Article.objects.count() == 0 and AuditEntry.objects.count() == 0


# --- hostile identities, dates and versions through the command ----------------------------------------------

NFC = "urn:agency:caf\u00e9-2026"
NFD = unicodedata.normalize("NFD", NFC)


@pytest.mark.django_db
def test_nfc_and_nfd_forms_of_one_uri_are_one_story(wire, django_capture_on_commit_callbacks):
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", uri=NFD)
    assert lines == [f"created {NFC} {URL}"]
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", uri=NFC, version="2",
                      headline="Monsoon covers Kerala")
    assert lines == [f"updated {NFC} {URL}"]
    assert list(Article.objects.values_list("wire_uri", "headline")) == [(NFC, "Monsoon covers Kerala")]


@pytest.mark.django_db
def test_an_identity_stored_in_nfd_before_normalising_is_found_and_stored_as_nfc(
        wire, django_capture_on_commit_callbacks):
    ingest(wire, django_capture_on_commit_callbacks, "--publish", uri=NFC)
    with test_setup_writes():  # a row written by the ingest before it normalised identities
        Article.objects.update(wire_uri=NFD)
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", uri=NFD, version="2")
    assert lines == [f"updated {NFC} {URL}"]
    assert list(Article.objects.values_list("wire_uri", flat=True)) == [NFC]


@pytest.mark.django_db
@pytest.mark.parametrize(("item", "reason"), [
    ({"versionCreated": "2099-01-01T00:00:00Z"}, "date more than a day ahead in versionCreated: '2099-01-01T00:00:00Z'"),
    ({"firstCreated": "0001-01-01T00:00:00+00:00"}, "date before 1990 in firstCreated: '0001-01-01T00:00:00+00:00'"),
    ({"version": "\u0661\u0661"}, "version '١١' is not written in ASCII digits 0-9"),
    ({"version": "1_000"}, "version '1_000' is not written in ASCII digits 0-9"),
])
def test_hostile_dates_and_versions_are_rejected_and_change_nothing(wire, item, reason,
                                                                    django_capture_on_commit_callbacks):
    ingest(wire, django_capture_on_commit_callbacks, "--publish")
    before = Article.objects.get()
    lines, error = ingest(wire, django_capture_on_commit_callbacks, "--publish", headline="Hijacked", **item)
    assert lines == [f"rejected urn:test:1 {reason}"] and str(error) == "1 of 1 items rejected"
    after = Article.objects.get()
    assert (after.headline, after.wire_version, after.updated_at) == (before.headline, "1", before.updated_at)


@pytest.mark.django_db
def test_a_kill_takes_down_a_scheduled_story_before_its_instant(wire, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    embargo = (timezone.now() + timedelta(hours=2)).replace(microsecond=0).isoformat()
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", embargoedUntil=embargo)
    assert lines == [f"scheduled urn:test:1 {URL}"]
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, version="2", pubStatus="canceled")
    assert lines == [f"killed urn:test:1 {URL} (canceled by the agency)"]
    story = Article.objects.get()
    assert story.status == "unpublished" and not Article.objects.live().exists()


@pytest.mark.django_db
def test_a_desk_takedown_while_the_pictures_are_fetched_still_wins(wire, client, editor, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from articles import ingest as ingest_module

    live_story(wire, django_capture_on_commit_callbacks, client)
    real = ingest_module._read_pictures

    def desk_unpublishes_meanwhile(item, base_dir, notes):
        pictures = real(item, base_dir, notes)  # remote pictures can take seconds
        services.unpublish(Article.objects.get(wire_uri="urn:test:1"), actor=editor)
        return pictures

    monkeypatch.setattr(ingest_module, "_read_pictures", desk_unpublishes_meanwhile)
    lines, _ = ingest(wire, django_capture_on_commit_callbacks, "--publish", version="2")
    assert lines == [f"held urn:test:1 {URL} (unpublished by the desk)"]
    assert Article.objects.get().status == "unpublished"
