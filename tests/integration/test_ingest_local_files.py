"""Local wire pictures are read only from inside the item's folder (issue 12, point 2), through `ingest_ninjs`."""
import pytest

from articles.models import Article
from photos.models import Photo
from tests.factories import image_bytes
from tests.hostile import corpus
from tests.integration.test_ingest_ninjs import run, story_v3, write

REFUSED = "not inside the item's folder"


def local_story(href, uri):
    return story_v3(uri=uri, associations=[
        {"name": "featureimage", "type": "picture", "copyrightHolder": "AP",
         "renditions": [{"name": "original", "href": href, "contentType": "image/jpeg"}]},
    ])


@pytest.fixture
def layout(tmp_path):
    """tmp/outside.jpg, tmp/secret.txt and tmp/wire/ (the folder ingested) with a symlink pointing out."""
    wire = tmp_path / "wire"
    (wire / "images").mkdir(parents=True)
    (wire / "images" / "inside.jpg").write_bytes(image_bytes(colour=(9, 9, 9)))
    (tmp_path / "outside.jpg").write_bytes(image_bytes(colour=(250, 0, 0)))
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    (wire / "link-out.jpg").symlink_to(tmp_path / "outside.jpg")
    return tmp_path, wire


@pytest.mark.django_db
def test_every_traversal_name_is_rejected_alike_and_nothing_is_written(layout):
    root, wire = layout
    names = corpus("path_traversal.txt", outside=root / "outside.jpg", secret=root / "secret.txt")
    for i, href in enumerate(names):
        write(wire, f"{i:02}.json", local_story(href, f"urn:path:{i}"))
    lines, error = run(wire)
    assert error is not None and str(error) == f"{len(names)} of {len(names)} items rejected"
    for line, href in zip(lines, names):
        assert line == f"rejected urn:path:{names.index(href)} picture {href}: {REFUSED}", line
    assert Article.objects.count() == 0 and Photo.objects.count() == 0


@pytest.mark.django_db
def test_missing_outside_file_reads_like_an_existing_one(layout):
    root, wire = layout
    hrefs = [str(root / "outside.jpg"), str(root / "no-such.jpg")]
    for i, href in enumerate(hrefs):
        write(wire, f"{i}.json", local_story(href, f"urn:e:{i}"))
    lines, _ = run(wire)
    assert [line.replace(href, "HREF") for line, href in zip(lines, hrefs)] == [
        f"rejected urn:e:{i} picture HREF: {REFUSED}" for i in range(2)]


@pytest.mark.django_db
def test_inside_the_folder_is_read(layout):
    _, wire = layout
    write(wire, "a.json", local_story("images/inside.jpg", "urn:in:1"))
    write(wire, "b.json", local_story("images/../images/inside.jpg", "urn:in:2"))
    lines, error = run(wire)
    assert error is None, lines
    assert Photo.objects.count() == 1  # the same bytes, de-duplicated


@pytest.mark.django_db
def test_operator_root_allows_absolute_paths_inside_it_only(layout, settings):
    root, wire = layout
    settings.INGEST_LOCAL_ROOT = str(root)
    write(wire, "a.json", local_story(str(root / "outside.jpg"), "urn:root:1"))
    write(wire, "b.json", local_story(f"file://{root / 'outside.jpg'}", "urn:root:2"))
    write(wire, "c.json", local_story("file:///etc/passwd", "urn:root:3"))
    lines, error = run(wire)
    assert lines[0].startswith("created urn:root:1") and lines[1].startswith("created urn:root:2")
    assert lines[2] == f"rejected urn:root:3 picture file:///etc/passwd: {REFUSED}"
