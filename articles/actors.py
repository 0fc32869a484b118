"""Who acts on a story, and what they may do: the rules the services enforce and the admin follows.

Every service call names its actor: a staff user, or a named system actor (wire ingest, the scheduler, a
management command). System actors hold every permission; they exist so the audit log can say who acted.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .errors import MissingActor, StoryPermissionError

PUBLISH = "articles.publish_article"
EDITABLE_BY_REPORTERS = ("draft", "review")


@dataclass(frozen=True)
class SystemActor:
    name: str

    NAMES = ("ingest", "scheduler", "command")

    def __post_init__(self):
        if self.name not in self.NAMES:
            raise ValueError(f"Unknown system actor {self.name!r}; one of {', '.join(self.NAMES)}.")

    def has_perm(self, perm: str) -> bool:
        return True

    def __str__(self) -> str:
        return f"system ({self.name})"


INGEST = SystemActor("ingest")
SCHEDULER = SystemActor("scheduler")
COMMAND = SystemActor("command")


def require_actor(actor):
    """The actor, checked: a system actor, or an active staff user. None (or anything else) is refused."""
    if actor is None:
        raise MissingActor("Say who acts: actor=<staff user> or actor=SystemActor('ingest'|'scheduler'|'command').")
    if isinstance(actor, SystemActor):
        return actor
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or not actor.is_staff:
        raise StoryPermissionError("Only active staff users change stories.")
    return actor


def user_of(actor):
    """The user to store in created_by/modified_by columns (None for a system actor)."""
    return None if isinstance(actor, SystemActor) else actor


def actor_name(actor) -> str:
    if isinstance(actor, SystemActor):
        return str(actor)
    return actor.get_full_name() or actor.get_username()


def source_of(actor) -> str:
    """Where a change came from: the admin (people), or the system actor's name."""
    return actor.name if isinstance(actor, SystemActor) else "admin"


def can_publish(actor) -> bool:
    return actor.has_perm(PUBLISH)


def owned_filter(user) -> Q:
    """Stories a reporter may call their own: created by them, or carrying their byline."""
    return Q(created_by=user) | Q(bylines__reporter__user=user)


def is_own(actor, article) -> bool:
    if isinstance(actor, SystemActor) or article.pk is None:
        return True
    return type(article).objects.filter(owned_filter(actor), pk=article.pk).exists()


def may_edit(actor, article) -> bool:
    """May `actor` change this story's content? Editors: any story not in the trash. Reporters: their own
    drafts and stories in review. A new story needs the add permission."""
    if article.pk is None:
        return actor.has_perm("articles.add_article")
    if article.status == "trashed" or not actor.has_perm("articles.change_article"):
        return False
    if can_publish(actor):
        return True
    return article.status in EDITABLE_BY_REPORTERS and is_own(actor, article)


def require_edit(actor, article) -> None:
    if not may_edit(actor, article):
        if article.status == "trashed":
            raise StoryPermissionError("This story is in the trash; restore it before changing it.")
        raise StoryPermissionError(
            "Reporters change only their own stories, and only while they are drafts or in review."
        )


def require_publish(actor) -> None:
    if not can_publish(actor):
        raise StoryPermissionError("Only editors publish, schedule, unpublish and queue updates.")


def viewable_stories(actor, queryset: QuerySet) -> QuerySet:
    """The stories an actor may open in the admin: editors every one, reporters their own."""
    if can_publish(actor):
        return queryset
    return queryset.filter(pk__in=queryset.model.objects.filter(owned_filter(actor)).values("pk"))


def editable_stories(actor, queryset: QuerySet) -> QuerySet:
    """The stories `may_edit` allows, as a queryset (the same rule, for lists)."""
    if can_publish(actor):
        return queryset.exclude(status="trashed") if actor.has_perm("articles.change_article") else queryset.none()
    if not actor.has_perm("articles.change_article"):
        return queryset.none()
    return viewable_stories(actor, queryset).filter(status__in=EDITABLE_BY_REPORTERS)
