"""The story's "Share a preview" page: make a signed link with an expiry, see who has one, revoke it.

Mounted by ArticleAdmin before its catch-all URLs, like the revision pages. The rows are written by
articles.preview_links (services), which also records each step in the audit log.
"""
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.timefmt import machine_datetime, reader_datetime

from . import preview_links
from .errors import StoryError
from .models import Article, PreviewLink

LIST_NAME = "articles_article_preview_links"
REVOKE_NAME = "articles_article_preview_links_revoke"

EXPIRY_CHOICES = [("1", "1 hour"), ("24", "24 hours"), ("72", "3 days"), ("168", "7 days"), ("720", "30 days")]


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(label="Works for", choices=EXPIRY_CHOICES, coerce=int, initial="24")
    note = forms.CharField(
        label="Who it is for", max_length=120, required=False,
        help_text="Optional, for the desk and the History page, e.g. “Legal: A. Rao”.",
    )


def preview_link_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path("<int:pk>/preview-links/", wrap(_list_view(model_admin)), name=LIST_NAME),
        path("<int:pk>/preview-links/<int:link_id>/revoke/", wrap(require_POST(_revoke_view(model_admin))),
             name=REVOKE_NAME),
    ]


def list_url(article) -> str:
    return reverse(f"admin:{LIST_NAME}", args=[article.pk])


def _article(model_admin, request, pk) -> Article:
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not model_admin.has_view_permission(request, article):
        raise PermissionDenied
    return article


def _row(request, link: PreviewLink, now) -> dict:
    state = link.state(now)
    return {
        "link": link,
        "state": state,
        "url": request.build_absolute_uri(preview_links.url_for(link)) if state == "active" else "",
        "expires": reader_datetime(link.expires_at),
        "expires_machine": machine_datetime(link.expires_at),
        "created": reader_datetime(link.created_at),
        "by": (link.created_by.get_full_name() or link.created_by.get_username()) if link.created_by else "System",
        "revoke_url": reverse(f"admin:{REVOKE_NAME}", args=[link.article_id, link.pk]),
    }


def _list_view(model_admin):
    def view(request, pk):
        article = _article(model_admin, request, pk)
        form = PreviewLinkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                link = preview_links.create_preview_link(
                    article, expires_at=timezone.now() + timedelta(hours=form.cleaned_data["hours"]),
                    actor=request.user, note=form.cleaned_data["note"],
                )
            except (StoryError, preview_links.PreviewLinkError) as error:
                messages.error(request, f"No link made: {error}")
            else:
                messages.success(request, f"Preview link made; it works until {reader_datetime(link.expires_at)}. "
                                          "Copy it from the list below.")
                return redirect(list_url(article))
        now = timezone.now()
        return TemplateResponse(request, "admin/articles/preview_links.html", {
            **model_admin.admin_site.each_context(request),
            "opts": Article._meta,
            "title": f"Share a preview: {article.headline}",
            "article": article,
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            "form": form,
            "rows": [_row(request, link, now) for link in article.preview_links.select_related("created_by")],
        })

    return view


def _revoke_view(model_admin):
    def view(request, pk, link_id):
        article = _article(model_admin, request, pk)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        try:
            preview_links.revoke_preview_link(link, actor=request.user)
        except StoryError as error:
            messages.error(request, f"Not revoked: {error}")
        else:
            messages.success(request, "Revoked: that preview link no longer works.")
        return redirect(list_url(article))

    return view
