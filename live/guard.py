"""The machine check behind "live entries change only through live.services".

The same pattern as the story services' guard (articles/guard.py on the actors branch): service functions run
under `@live_service`, a context variable; the guarded live models refuse `save()`, `delete()` and the bulk
queryset writes outside it. tests/integration/test_live_services.py tries each one.
"""
import contextvars
import functools

from django.db import models

_inside = contextvars.ContextVar("inside_live_services", default=False)


class LiveWriteError(RuntimeError):
    """A live blog row was written outside live.services."""


def live_service(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        token = _inside.set(True)
        try:
            return function(*args, **kwargs)
        finally:
            _inside.reset(token)

    return wrapper


def check(model, operation: str) -> None:
    if not _inside.get():
        raise LiveWriteError(f"{model._meta.label}.{operation}() outside live.services: change live blogs through the services.")


class GuardedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        check(self.model, "update")
        return super().update(**kwargs)

    def delete(self):
        check(self.model, "delete")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        check(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        check(self.model, "bulk_update")
        return super().bulk_update(objs, *args, **kwargs)


class GuardedModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        check(type(self), "save")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        check(type(self), "delete")
        return super().delete(*args, **kwargs)
