"""Named errors of the story services. The admin turns them into form errors; Django turns a permission one into 403."""
from django.core.exceptions import PermissionDenied


class StoryError(Exception):
    """Base of every refusal by the story services: nothing was written."""


class StoryTransitionError(StoryError):
    """The move is not in the transition table (articles.lifecycle.TRANSITIONS), or not possible right now."""


class StoryPermissionError(StoryError, PermissionDenied):
    """The actor may not do this to this story (a PermissionDenied, so an unhandled one is a 403)."""


class MissingActor(StoryError, TypeError):
    """A service was called without saying who acts."""


class ServiceWriteError(RuntimeError):
    """A guarded story row was written outside the story services (see articles.guard)."""
