import pytest

from tests.factories import image_bytes


@pytest.fixture
def wire(tmp_path):
    """A wire folder with two pictures its items may name (images/hero.jpg, images/second.jpg)."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "hero.jpg").write_bytes(image_bytes(colour=(10, 80, 160)))
    (tmp_path / "images" / "second.jpg").write_bytes(image_bytes(colour=(200, 120, 10)))
    return tmp_path
