"""The desk home (the admin's index): what each person needs after logging in.

Their own stories by state, what waits in review, what goes live today (IST), scheduled updates that are overdue,
recent changes by others, and what the wire sent that was held or killed — each list limited to the stories the person may open (articles.actors).
"""
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.timefmt import IST, machine_datetime, reader_clock, reader_date, reader_datetime

from . import actors, services
from .models import Article, AuditEntry, Revision, ScheduledUpdate

SHOWN = 8
OWN_STATES = [("draft", "Drafts"), ("review", "In review"), ("scheduled", "Scheduled"), ("published", "Published")]


def _end_of_today_ist(now: datetime) -> datetime:
    today = now.astimezone(IST).date()
    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=IST)


def _story(article: Article, when: datetime | None = None, clock=False, who="") -> dict:
    return {
        "headline": article.headline,
        "url": reverse("admin:articles_article_change", args=[article.pk]),
        "when": (reader_clock(when) if clock else reader_datetime(when)) if when else "",
        "when_machine": machine_datetime(when) if when else "",
        "who": who,
    }


def _own_by_state(user, now) -> list[dict]:
    own = Article.objects.filter(pk__in=Article.objects.filter(actors.owned_filter(user)).values("pk"))
    queries = {
        "draft": own.filter(status=Article.Status.DRAFT).order_by("-modified_at"),
        "review": own.filter(status=Article.Status.REVIEW).order_by("-modified_at"),
        "scheduled": own.scheduled(now).order_by("published_at"),
        "published": own.live(now).order_by("-published_at"),
    }
    groups = []
    for state, title in OWN_STATES:
        stories = list(queries[state][:SHOWN])
        groups.append({
            "state": state, "title": title, "count": queries[state].count(),
            "stories": [_story(a, a.published_at if state in ("scheduled", "published") else a.modified_at)
                        for a in stories],
            "list_url": reverse("admin:articles_article_changelist") + f"?status={state}",
        })
    return groups


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "System"


def desk_for(user, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    viewable = actors.viewable_stories(user, Article.objects.all())
    tonight = _end_of_today_ist(now)
    in_review = viewable.filter(status=Article.Status.REVIEW).select_related("modified_by").order_by("modified_at")
    going_live = viewable.filter(status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=tonight)
    updates = ScheduledUpdate.objects.pending().filter(article__in=viewable).select_related("article")
    changes = (
        Revision.objects.filter(article__in=viewable.exclude(status=Article.Status.TRASHED))
        .filter(~Q(created_by=user) | Q(created_by__isnull=True))
        .select_related("article", "created_by").order_by("-created_at", "-id")[:SHOWN]
    )
    # The wire's held updates and kills of stories that are still off the site (articles.ingest).
    wire = (
        AuditEntry.objects.filter(services.WIRE_DECISIONS, article__in=viewable.exclude(status=Article.Status.PUBLISHED))
        .select_related("article").order_by("-id")[:SHOWN]
    )
    return {
        "wire": [{**_story(e.article, e.created_at, who=e.actor_name), "what": e.action, "note": e.note} for e in wire],
        "own": _own_by_state(user, now),
        "in_review": [_story(a, a.modified_at, who=_who(a.modified_by)) for a in in_review[:SHOWN]],
        "in_review_count": in_review.count(),
        "going_live": [_story(a, a.published_at, clock=True) for a in going_live.order_by("published_at")[:SHOWN]],
        "updates_today": [
            {**_story(u.article, u.go_live_at, clock=True), "note": u.note}
            for u in updates.filter(go_live_at__gt=now, go_live_at__lt=tonight).order_by("go_live_at")[:SHOWN]
        ],
        "overdue": [
            {**_story(u.article, u.go_live_at), "note": u.note}
            for u in updates.filter(go_live_at__lte=now).order_by("go_live_at")[:SHOWN]
        ],
        "changes": [
            {**_story(r.article, r.created_at, who=_who(r.created_by)), "what": r.get_kind_display()}
            for r in changes
        ],
        "today": reader_date(now),
        "can_publish": actors.can_publish(user),
        "can_add": user.has_perm("articles.add_article"),
        "is_desk": user.has_perm("articles.view_article") or user.has_perm("articles.change_article"),
    }
