"""Pictures where the wire put them (Superdesk's EMBED markers, an <img> of an association's rendition), and a ninjs
round trip between two Newsrooms that keeps body photos, galleries and embeds in place with captions and credits.

No network: local rendition files, and the export's absolute hrefs are served from the exported folder (as in
test_ninjs_export)."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles import services
from articles.models import Article, BodyPhoto
from photos.models import Credit, Photo
from tests.factories import image_bytes, make_reporter, make_story
from tests.integration.test_ninjs_export import export_to_folder, export_url, picture


def association(name, href, caption="", credit="AP", alt="", extra_renditions=()):
    item = {"name": name, "type": "picture", "copyrightHolder": credit,
            "renditions": [{"name": "original", "href": href, "contentType": "image/jpeg"}, *extra_renditions]}
    descriptions = [d for d in ({"role": "caption", "value": caption} if caption else None,
                                {"role": "alt", "value": alt} if alt else None) if d]
    if descriptions:
        item["descriptions"] = descriptions
    return item


@pytest.fixture
def wire(tmp_path):
    (tmp_path / "images").mkdir()
    for n, colour in enumerate([(200, 20, 20), (20, 200, 20), (20, 20, 200), (200, 200, 20)]):
        (tmp_path / "images" / f"p{n}.jpg").write_bytes(image_bytes(colour=colour))
    return tmp_path


def ingest(folder, item):
    path = folder / "item.json"
    path.write_text(json.dumps(item))
    out = StringIO()
    call_command("ingest_ninjs", "--publish", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_superdesk_markers_and_rendition_images_place_pictures_where_the_wire_put_them(wire):
    body = (
        "<p>First paragraph.</p>"
        '<!-- EMBED START Image {id: "editor_0"} -->'
        '<figure><img src="https://superdesk.example/editor_0-baseImage.jpg" alt="Boats">'
        "<figcaption>Boats on the Adyar, Monday</figcaption></figure>"
        '<!-- EMBED END Image {id: "editor_0"} -->'
        "<p>Second paragraph.</p>"
        '<p>Third <img src="https://cdn.wire.example/p2-small.jpg" alt=""> paragraph.</p>'
        '<!-- EMBED START Video {id: "editor_9"} --><p>A video we do not have.</p><!-- EMBED END Video {id: "editor_9"} -->'
        "<p>Last paragraph.</p>"
    )
    item = {
        "uri": "urn:superdesk:1", "type": "text", "version": "1", "versionCreated": "2026-11-30T04:00:00Z",
        "headlines": [{"role": "main", "value": "Floods in Chennai"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        "by": "Staff Reporter",
        "associations": [
            association("featureimage", "images/p0.jpg", "The hero", credit="PTI"),
            association("editor_0", "images/p1.jpg", "Boats on the Adyar", credit="AP", alt="Boats"),
            association("picture2", "images/p2.jpg", "Rescue teams", credit="Reuters", extra_renditions=[
                {"name": "thumbnail", "href": "https://cdn.wire.example/p2-small.jpg", "contentType": "image/jpeg"}]),
            association("picture3", "images/p3.jpg", "Unreferenced", credit="ANI"),
        ],
    }
    output = ingest(wire, item)
    assert output.startswith("created urn:superdesk:1"), output
    article = Article.objects.get()
    by_caption = {p.caption: p for p in Photo.objects.all()}
    kinds = [(b["kind"], b.get("photo"), b.get("caption")) for b in article.body_blocks]
    assert kinds == [
        ("p", None, None),
        ("photo", by_caption["Boats on the Adyar"].pk, "Boats on the Adyar, Monday"),  # the wire's caption for here
        ("p", None, None),
        ("p", None, None),
        ("photo", by_caption["Rescue teams"].pk, ""),
        ("p", None, None),
        ("p", None, None),  # what the unknown embed wrapped is kept (its markers go)
        ("p", None, None),
    ], article.body_blocks
    assert "EMBED" not in article.body and "superdesk.example" not in article.body
    assert [b["html"] for b in article.body_blocks if b["kind"] == "p"][2:4] == ["<p>Third </p>", "<p> paragraph.</p>"]
    # Associations the body does not reference stay as before: the hero, then the story's photos.
    assert article.hero_photo.caption == "The hero"
    assert [use.photo.caption for use in article.inline_photos.all()] == ["Unreferenced"]
    assert list(BodyPhoto.objects.values_list("photo__caption", flat=True)) == ["Boats on the Adyar", "Rescue teams"]


@pytest.mark.django_db
def test_without_a_feature_image_the_first_unplaced_picture_is_the_hero(wire):
    item = {
        "uri": "urn:wire:2", "type": "text", "version": "1",
        "headlines": [{"role": "main", "value": "Pictures in place"}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": '<p>One.</p><figure><img src="images/p0.jpg"><figcaption>Here</figcaption></figure>'}],
        "associations": [association("p0", "images/p0.jpg", "Placed"), association("p1", "images/p1.jpg", "Left over")],
    }
    ingest(wire, item)
    article = Article.objects.get()
    assert article.hero_photo.caption == "Left over" and not article.inline_photos.exists()
    assert article.body_blocks[1]["kind"] == "photo" and article.body_blocks[1]["caption"] == "Here"


def test_round_trip_keeps_body_photos_galleries_and_embeds_in_place(client, db, tmp_path, monkeypatch):
    Credit.objects.update_or_create(name="PTI", defaults={"kind": "agency", "prefix": "Photo"})
    hero = picture("hero.jpg", "PTI", "Crowd at the gate", "The gate", (200, 30, 30), (640, 360))
    placed = picture("placed.jpg", "AP", "Ballot boxes", "Boxes arrive", (30, 200, 30))
    staff_credit = Credit.objects.create(name="Staff/Pune", kind="staff", prefix="Image")
    first = picture("g1.jpg", "Reuters", "Queue", "Queue at dawn", (30, 30, 200))
    second = Photo.objects.create(image=picture("g2.jpg", "AP", "x", "", (90, 90, 20)).image, alt_text="Counting",
                                  caption="Counting hall", credit=staff_credit)
    story = services.publish(make_story(
        headline="Counting day", reporters=[make_reporter("Asha Rao")], hero=hero, section_slug="india",
        body=(
            "<p>Intro.</p>"
            f'<figure data-photo="{placed.pk}" data-size="right"><figcaption>Boxes reach the hall</figcaption></figure>'
            "<p>Middle.</p>"
            f'<figure data-gallery="{first.pk},{second.pk}"><figcaption>Scenes</figcaption></figure>'
            '<figure data-embed="youtube" data-url="https://youtu.be/dQw4w9WgXcQ"><figcaption>Briefing</figcaption></figure>'
            '<figure data-embed="x" data-url="https://x.com/ANI/status/42"></figure>'
            "<p>End.</p>"
        ),
    ), actor=services.COMMAND)
    document = client.get(export_url(story)).json()
    body = document["bodies"][0]["value"]
    # Any ninjs reader sees real pictures with captions; ours finds the associations by the markers.
    assert '<!-- EMBED START Image {id: "editor_0"} -->' in body and "<figcaption>Boxes reach the hall</figcaption>" in body
    names = [a["name"] for a in document["associations"]]
    assert names == ["featureimage", "editor_0", "editor_1_1", "editor_1_2"]
    first_href = {a["name"]: a["renditions"][0]["href"] for a in document["associations"]}
    assert f'<img src="{first_href["editor_0"]}" alt="Ballot boxes">' in body
    assert "data-photo" not in body and "data-gallery" not in body

    def reader_view(article):
        def photo(p):
            return (p.caption, p.alt_text, p.credit.name, p.credit.picture_label)
        photos = {p.pk: p for p in Photo.objects.all()}
        blocks = []
        for b in article.body_blocks:
            if b["kind"] == "photo":
                blocks.append(("photo", photo(photos[b["photo"]]), b["size"], b["caption"]))
            elif b["kind"] == "gallery":
                blocks.append(("gallery", [photo(photos[pk]) for pk in b["photos"]], b["caption"]))
            elif b["kind"] == "embed":
                blocks.append(("embed", b["provider"], b["url"]))
            else:
                blocks.append(b["html"])
        return {"blocks": blocks, "hero": photo(article.hero_photo)}

    before = reader_view(story)
    json_path, files = export_to_folder(client, story, tmp_path)
    services.trash(story, actor=services.COMMAND)
    services.purge(story, actor=services.COMMAND)
    Photo.objects.all().delete()
    monkeypatch.setattr("articles.ingest.fetch", lambda url: files[url].read_bytes())
    out = StringIO()
    call_command("ingest_ninjs", "--publish", str(json_path), stdout=out)
    assert out.getvalue().startswith("created "), out.getvalue()
    again = Article.objects.get(wire_uri=document["uri"])
    after = reader_view(again)
    assert after == before
    assert before["blocks"][1] == ("photo", ("Boxes arrive", "Ballot boxes", "AP", "(Image Credits: AP)"), "right",
                                   "Boxes reach the hall")
    assert before["blocks"][5] == ("embed", "x", "https://x.com/ANI/status/42")
    assert not again.inline_photos.exists()

    # The reader's page of the copy shows the same credits under the same pictures.
    page = client.get(again.get_absolute_url()).content.decode()
    assert "(Image Credits: AP)" in page and "Image: Staff/Pune" in page and "(Image Credits: Reuters)" in page
