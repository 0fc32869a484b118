"""Admin paginators that do not count a large table row by row.

The unfiltered change list of a big table asks PostgreSQL's planner estimate (pg_class.reltuples)
instead of COUNT(*), which grows with the archive. Filtered lists and small tables count exactly.

`CappedCountPaginator` bounds filtered lists too: it counts at most COUNT_UP_TO + 1 rows and, past
that, says so (`capped`); its pages reach as far as the rows it counted. A list may instead be
given an `estimate` (a callable returning a row count or None) for a view whose size can be
estimated honestly; `estimated` then says the count is one.
"""
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 10_000


def table_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table, when it is a large table; else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] > ESTIMATE_ABOVE else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        if getattr(queryset, "query", None) is not None and not queryset.query.where:
            estimate = table_estimate(queryset)
            if estimate is not None:
                return estimate
        return super().count


class CappedCountPaginator(EstimatedCountPaginator):
    COUNT_UP_TO = 1_000

    def __init__(self, *args, estimate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._estimate = estimate
        self.estimated = False
        self.capped = False

    @cached_property
    def count(self):
        if self._estimate is not None:
            estimate = self._estimate()
            if estimate is not None:
                self.estimated = True
                return estimate
        queryset = self.object_list
        if getattr(queryset, "query", None) is None or not queryset.query.where:
            return super().count
        found = queryset.order_by()[: self.COUNT_UP_TO + 1].count()
        if found > self.COUNT_UP_TO:
            self.capped = True
            return self.COUNT_UP_TO
        return found
