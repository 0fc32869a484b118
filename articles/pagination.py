"""Page-numbered listings without COUNT(*).

Counting every live story costs a full index scan that grows with the archive; readers only
need "newer" and "older". A page fetches one row more than it shows to know whether an older
page exists, so its cost stays flat however many stories there are.
"""
from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(queryset, page_param, per_page: int, max_page: int = 500) -> Page:
    try:
        number = min(max(1, int(page_param or 1)), max_page)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset:offset + per_page + 1])
    return Page(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


# ------------------------------------------------------------------------------ the `page` parameter of listings

MAX_PAGE = 500


class NoSuchPage(Exception):
    """`page` names no page: not a number, 0, or past MAX_PAGE (a 404)."""


class OtherSpelling(Exception):
    """`page` names a page as the site never links to it (`page=1`, `page=02`, `page=`, two values): a 301 to
    `number`."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


def requested_page(values: list[str], max_page: int = MAX_PAGE) -> int:
    """The page number a listing URL asks for (1 without `page`), only in its canonical spelling: each page has one
    URL, so a `page` value can make at most one page-cache entry per page that exists (core.pagecache)."""
    if not values:
        return 1
    raw = values[-1].strip()  # QueryDict.get() reads the last value too
    if not raw:
        raise OtherSpelling(1)  # `?page=`: the first page
    if len(raw) > len(str(max_page)) or not all("0" <= c <= "9" for c in raw):
        raise NoSuchPage(raw)
    number = int(raw)
    if not 1 <= number <= max_page:
        raise NoSuchPage(raw)
    if len(values) > 1 or raw != values[-1] or str(number) != raw or number == 1:
        raise OtherSpelling(number)
    return number
