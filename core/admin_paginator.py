"""An admin paginator that does not count a large table row by row.

The unfiltered change list of a big table asks PostgreSQL's planner estimate (pg_class.reltuples)
instead of COUNT(*), which grows with the archive. Filtered lists and small tables count exactly.
"""
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 10_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        if getattr(queryset, "query", None) is not None and not queryset.query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table])
                    row = cursor.fetchone()
                if row and row[0] > ESTIMATE_ABOVE:
                    return int(row[0])
        return super().count
