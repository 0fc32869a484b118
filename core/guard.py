"""The write checks that articles.guard and live.guard share: a guarded model refuses `save()`, `delete()` and
the bulk queryset writes unless its layer's service functions are running.

Each layer keeps its own mark (a ServiceMark), error and concrete classes (module-level, so querysets and instances
pickle into the page cache's fragments); these mixins only call the layer's `check(model, operation)`.

Under the mixins sits a backstop at the ORM's last step: every INSERT, UPDATE and DELETE the ORM sends is built by
one of Django's three write compilers, whatever built the query (a plain `QuerySet(Article)`, `Article._base_manager`,
a many-to-many manager, the deletion collector's cascades and SET_NULLs, `save_base` as `loaddata` calls it).
`guard_writes(model, check, operations)` makes those compilers call `check(model, "SQL <operation>")` for that
model; every concrete GuardedModelMixin subclass is registered for all three (class_prepared). Migrations' historical
models are other classes and are not checked. One exception: an UPDATE that only sets foreign keys to the user
model to NULL (Django's SET_NULL when a staff account is deleted) changes nothing a reader sees and is let through.
Raw SQL (`cursor.execute`) is not covered.
"""
import contextlib
import contextvars
import functools

from django.conf import settings
from django.db import models
from django.db.models.signals import class_prepared
from django.db.models.sql import compiler as sql_compiler


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


# --- The backstop: Django's write compilers ------------------------------------------------------------------------

_GUARDED: dict[type, tuple] = {}  # model -> (check, operations)
OPERATIONS = ("insert", "update", "delete")


def guard_writes(model, check, operations=OPERATIONS) -> None:
    """Make every ORM INSERT/UPDATE/DELETE (those in `operations`) of `model`'s table call `check` first."""
    _GUARDED[model] = (check, frozenset(operations))


def _only_clears_users(query) -> bool:
    values = getattr(query, "values", None)
    return bool(values) and all(
        value is None and field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL
        for field, _model, value in values
    )


def _check_compiled(compiler, operation: str) -> None:
    entry = _GUARDED.get(compiler.query.model)
    if entry is None or operation not in entry[1]:
        return
    if operation == "update" and _only_clears_users(compiler.query):
        return
    entry[0](compiler.query.model, f"SQL {operation}")


def _install() -> None:
    for compiler_class, operation in (
        (sql_compiler.SQLInsertCompiler, "insert"),
        (sql_compiler.SQLUpdateCompiler, "update"),
        (sql_compiler.SQLDeleteCompiler, "delete"),
    ):
        if getattr(compiler_class.execute_sql, "guarded", False):
            continue
        original = compiler_class.execute_sql

        def execute_sql(self, *args, _original=original, _operation=operation, **kwargs):
            _check_compiled(self, _operation)
            return _original(self, *args, **kwargs)

        execute_sql.guarded = True
        compiler_class.execute_sql = execute_sql


def _register_guarded(sender, **kwargs) -> None:
    if issubclass(sender, GuardedModelMixin) and not sender._meta.abstract and sender.guard_check is not None:
        guard_writes(sender, sender.guard_check)


_install()
class_prepared.connect(_register_guarded, dispatch_uid="core-guard-register")
