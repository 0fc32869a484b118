"""How pages, feeds and exports ask for a picture at a size and shape.

The contract every caller uses; the rendition machinery behind it lives in the photos app.
"""


def rendition_url(photo, ratio: str = "original", width: int = 1200) -> str:
    """URL of `photo` cropped to `ratio` ("16:9", "4:3", "1:1" or "original") at about `width` pixels.

    Until renditions exist this is the original upload.
    """
    return photo.image.url
