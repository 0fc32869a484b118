"""The write checks that articles.guard and live.guard share: a guarded model refuses `save()`, `delete()` and
the bulk queryset writes unless its layer's service functions are running.

Each layer keeps its own mark (a ServiceMark), error and concrete classes (module-level, so querysets and instances
pickle into the page cache's fragments); these mixins only call the layer's `check(model, operation)`.
"""
import contextlib
import contextvars
import functools

from django.db import models


class ServiceMark:
    """A layer's "inside the services" mark, per thread and task (a context variable): set while a function
    decorated with the mark runs, or inside `with mark.block():`."""

    def __init__(self, name: str):
        self._var = contextvars.ContextVar(name, default=False)

    def is_set(self) -> bool:
        return self._var.get()

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.block():
                return function(*args, **kwargs)

        return wrapper

    @contextlib.contextmanager
    def block(self):
        token = self._var.set(True)
        try:
            yield
        finally:
            self._var.reset(token)


class GuardedQuerySetMixin:
    """Calls `guard_check(model, operation)` before every bulk write."""

    guard_check = None  # set by the layer: a staticmethod(check)

    def update(self, **kwargs):
        self.guard_check(self.model, "update")
        return super().update(**kwargs)

    def delete(self):
        self.guard_check(self.model, "delete")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        self.guard_check(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        self.guard_check(self.model, "bulk_update")
        return super().bulk_update(objs, *args, **kwargs)


class GuardedModelMixin(models.Model):
    """Calls `guard_check(model, operation)` before a row is saved or deleted."""

    guard_check = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.guard_check(type(self), "save")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.guard_check(type(self), "delete")
        return super().delete(*args, **kwargs)
