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
