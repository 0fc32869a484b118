"""The machine check behind "live entries change only through live.services".

The same pattern as the story services' guard (articles/guard.py; both use core/guard.py): service functions run
under `@live_service`, a context variable; the guarded live models refuse `save()`, `delete()` and the bulk
queryset writes outside it. tests/integration/test_live_services.py tries each one.
"""
from django.db import models

from core.guard import GuardedModelMixin, GuardedQuerySetMixin, ServiceMark

_mark = ServiceMark("inside_live_services")
live_service = _mark


class LiveWriteError(RuntimeError):
    """A live blog row was written outside live.services."""


def check(model, operation: str) -> None:
    if not _mark.is_set():
        raise LiveWriteError(f"{model._meta.label}.{operation}() outside live.services: change live blogs through the services.")


class GuardedQuerySet(GuardedQuerySetMixin, models.QuerySet):
    guard_check = staticmethod(check)


class GuardedModel(GuardedModelMixin):
    guard_check = staticmethod(check)
    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True
