"""Revision history in the admin: list a story's revisions, compare two side by side, restore one.

ArticleAdmin mounts these with `[*revision_urls(self), *super().get_urls()]`; they must come first
because ModelAdmin's `<path:object_id>/` catch-all would otherwise swallow them. Restoring goes
through services.restore_revision, so it becomes a new revision and history is never rewritten.
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from core.sanitize import plain_paragraphs
from core.timefmt import machine_datetime, reader_datetime
from reporters.models import Reporter, join_names

from . import services
from .models import Article, AuditEntry, Revision, Section
from .revisions import changed_fields, text_diff

LIST_NAME = "articles_article_revisions"
COMPARE_NAME = "articles_article_revisions_compare"
RESTORE_NAME = "articles_article_revisions_restore"


def revision_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path("<int:pk>/revisions/", wrap(_list_view(model_admin)), name=LIST_NAME),
        path("<int:pk>/revisions/compare/", wrap(_compare_view(model_admin)), name=COMPARE_NAME),
        path(
            "<int:pk>/revisions/<int:revision_id>/restore/",
            wrap(require_http_methods(["GET", "POST"])(_restore_view(model_admin))),
            name=RESTORE_NAME,
        ),
    ]


@admin.display(description="History")
def history_link(article, site_name: str = "admin") -> str:
    if not article.pk:
        return "Save the story to start its history."
    count = article.revisions.count()
    return format_html(
        '<a href="{}">History ({} revision{})</a>',
        reverse(f"{site_name}:{LIST_NAME}", args=[article.pk]), count, "" if count == 1 else "s",
    )


# --- helpers -----------------------------------------------------------------------------------


def _article(model_admin, request, pk, permission) -> Article:
    # The admin's own queryset, so any restriction ArticleAdmin applies also applies here.
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not permission(request, article):
        raise PermissionDenied
    return article


def _url(model_admin, name, *args) -> str:
    return reverse(f"{model_admin.admin_site.name}:{name}", args=args)


def _render(model_admin, request, template, title, article, **context):
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": title,
        "article": article,
        "change_url": _url(model_admin, "articles_article_change", article.pk),
        "history_url": _url(model_admin, LIST_NAME, article.pk),
        **context,
    })


def _who(revision: Revision) -> str:
    user = revision.created_by
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


# --- views -------------------------------------------------------------------------------------


def _list_view(model_admin):
    def view(request, pk):
        article = _article(model_admin, request, pk, model_admin.has_view_permission)
        revisions = list(article.revisions.select_related("created_by").order_by("-created_at", "-id"))
        rows = []
        for i, revision in enumerate(revisions):
            # Newest first, so the previous revision is the next one in the list (none for the oldest).
            previous = revisions[i + 1].snapshot if i + 1 < len(revisions) else {}
            rows.append({
                "index": i,
                "revision": revision,
                "when": reader_datetime(revision.created_at),
                "when_machine": machine_datetime(revision.created_at),
                "who": _who(revision),
                "changed": changed_fields(previous, revision.snapshot),
                "restore_url": _url(model_admin, RESTORE_NAME, article.pk, revision.pk) if i else "",
            })
        return _render(
            model_admin, request, "admin/articles/revisions/list.html", f"History: {article.headline}", article,
            rows=rows,
            timeline=_timeline(article, rows),
            compare_url=_url(model_admin, COMPARE_NAME, article.pk),
            can_restore=model_admin.has_change_permission(request, article),
        )

    return view


def _audit_row(entry: AuditEntry) -> dict:
    return {
        "audit": entry,
        "when": reader_datetime(entry.created_at),
        "when_machine": machine_datetime(entry.created_at),
        "who": entry.actor_name,
        "source": entry.get_source_display(),
        "changes": [(field, old if old is not None else "—", new if new is not None else "—")
                    for field, (old, new) in entry.changes.items()],
    }


def _timeline(article, revision_rows) -> list[dict]:
    """Revisions and audit entries in one list, newest first (the audit log says who, what, when, from where)."""
    entries = [_audit_row(e) for e in AuditEntry.objects.filter(story_id=article.pk).select_related("actor_user")]
    merged = [(row["revision"].created_at, row["revision"].pk, 1, row) for row in revision_rows]
    merged += [(row["audit"].created_at, row["audit"].pk, 0, row) for row in entries]
    return [row for *_, row in sorted(merged, key=lambda item: item[:3], reverse=True)]


def _pick(article, request) -> tuple[Revision, Revision]:
    """The two revisions named by ?a=&b=, oldest first; by default the newest and the one before it."""
    revisions = article.revisions.select_related("created_by")
    try:
        ids = [int(request.GET[key]) for key in ("a", "b") if request.GET.get(key)]
    except ValueError:
        raise Http404("Not a revision.")
    if len(ids) == 2:
        picked = list(revisions.filter(pk__in=ids))
        if len(picked) != len(set(ids)):
            raise Http404("Those revisions are not of this story.")
        picked = picked * (2 // len(picked))  # the same revision twice: compare it with itself
    else:
        picked = list(revisions.order_by("-created_at", "-id")[:2])
        if not picked:
            raise Http404("This story has no revisions yet.")
        picked = picked if len(picked) == 2 else picked * 2
    older, newer = sorted(picked, key=lambda r: (r.created_at, r.pk))
    return older, newer


def _columns(older: Revision, newer: Revision) -> list[dict]:
    snaps = [older.snapshot, newer.snapshot]
    # One query each for bylines and sections across both revisions.
    reporter_names = dict(
        Reporter.objects.filter(pk__in={pk for s in snaps for pk in s.get("reporters", [])}).values_list("pk", "name")
    )
    section_names = dict(Section.objects.filter(pk__in={s.get("section") for s in snaps}).values_list("pk", "name"))
    columns = []
    for revision, snap in zip((older, newer), snaps):
        columns.append({
            "revision": revision,
            "when": reader_datetime(revision.created_at),
            "when_machine": machine_datetime(revision.created_at),
            "who": _who(revision),
            "headline": snap.get("headline", ""),
            "standfirst": snap.get("standfirst", ""),
            "bylines": join_names([reporter_names.get(pk, f"(deleted reporter #{pk})") for pk in snap.get("reporters", [])]),
            "section": section_names.get(snap.get("section"), "—"),
            "tags": ", ".join(snap.get("tags", [])),
            "body_text": plain_paragraphs(snap.get("body", "")),
        })
    return columns


def _compare_view(model_admin):
    def view(request, pk):
        article = _article(model_admin, request, pk, model_admin.has_view_permission)
        older, newer = _pick(article, request)
        columns = _columns(older, newer)
        rows = [
            {"label": label, "old": columns[0][key], "new": columns[1][key], "changed": columns[0][key] != columns[1][key]}
            for key, label in [("headline", "Headline"), ("standfirst", "Standfirst"), ("bylines", "Bylines"),
                               ("section", "Section"), ("tags", "Tags")]
        ]
        return _render(
            model_admin, request, "admin/articles/revisions/compare.html", f"Compare versions: {article.headline}",
            article,
            columns=columns,
            rows=rows,
            headline_diff=text_diff(older.snapshot.get("headline", ""), newer.snapshot.get("headline", "")),
            body_diff=text_diff(older.snapshot.get("body", ""), newer.snapshot.get("body", "")),
            changed=changed_fields(older.snapshot, newer.snapshot),
        )

    return view


def _restore_view(model_admin):
    def view(request, pk, revision_id):
        article = _article(model_admin, request, pk, model_admin.has_change_permission)
        revision = get_object_or_404(Revision, pk=revision_id, article=article)
        if request.method == "GET":
            # Restoring replaces the story's content (what readers see, if it is live): say what changes first.
            current = article.revisions.order_by("-created_at", "-id").first()
            older, newer = (revision, current) if current else (revision, revision)
            return _render(
                model_admin, request, "admin/articles/revisions/restore.html",
                f"Restore an earlier version: {article.headline}", article,
                revision=revision, when=reader_datetime(revision.created_at), who=_who(revision),
                live=article.state() == "published",
                changed=changed_fields(newer.snapshot, older.snapshot) if current else [],
                headline=revision.snapshot.get("headline", ""),
            )
        before = article.revisions.count()
        try:
            # PermissionDenied (restoring a live story without publish rights) propagates: Django renders 403.
            services.restore_revision(revision, actor=request.user)
        except ValidationError as error:
            messages.error(request, "Not restored: " + " ".join(error.messages))
            return redirect(_url(model_admin, LIST_NAME, article.pk))
        except services.StoryTransitionError as error:
            messages.error(request, f"Not restored: {error}")
            return redirect(_url(model_admin, LIST_NAME, article.pk))
        when = reader_datetime(revision.created_at)
        if article.revisions.count() > before:
            messages.success(request, f"Restored the version of {when} as a new revision.")
        else:
            messages.info(request, f"The version of {when} is the same as the current story; nothing changed.")
        return redirect(_url(model_admin, "articles_article_change", article.pk))

    return view
