"""Live blogs in the admin: editors open and end them; the live desk is where entries are written.

The desk (/admin/live/liveblog/<id>/desk/) is one page per blog: the entry form, then the stream newest first.
static/live/desk.js posts with fetch (CSRF header) and redraws only the stream, so the form keeps focus; without
JavaScript every button is an ordinary form post that comes back to the desk, and Edit is a link (?edit=<id>).
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.pagination import page_of
from core.admin_time import instant_column
from core.timefmt import reader_clock, reader_datetime

from . import services
from .forms import EntryForm, LiveBlogForm
from .models import LiveBlog, LiveEntry, LiveRecord

DESK_ENTRIES = 50


def entry_initial(entry: LiveEntry) -> dict:
    """The desk form's values for correcting `entry` (the same the Edit button loads with JavaScript)."""
    return {
        "entry": entry.pk, "version": entry.version, "headline": entry.headline, "body": entry.body,
        "reporters": [byline.reporter_id for byline in entry.bylines.all()], "photo": entry.photo_id,
        "pinned": entry.pinned, "key_event": entry.key_event,
        "post_time": timezone.localtime(entry.posted_at).replace(tzinfo=None) if entry.is_scheduled() else None,
    }
HISTORY_ROWS = 200


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    form = LiveBlogForm
    list_display = ["article", instant_column("coverage_start", "Coverage starts"), instant_column("coverage_end", "Ends"),
                    "running", "desk_link"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    filter_horizontal = ["reporters"]

    # Who sees what: editors everything; reporters the blogs opened to them, read-only here (they post at the desk).
    def get_queryset(self, request):
        return services.blogs_for(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("live.view_liveblog")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return services.is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return services.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="Running")
    def running(self, blog):
        return blog.is_running()

    @admin.display(description="Desk")
    def desk_link(self, blog):
        return format_html('<a href="{}">Open the live desk</a>', reverse("admin:live_desk", args=[blog.pk]))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = services.change_blog(obj, actor=request.user, coverage_start=data["coverage_start"],
                                             coverage_end=data["coverage_end"], reporters=data["reporters"],
                                             poll_seconds=data["poll_seconds"])
            else:
                saved = services.open_blog(data["article"], actor=request.user, coverage_start=data["coverage_start"],
                                           coverage_end=data["coverage_end"], reporters=data["reporters"],
                                           poll_seconds=data["poll_seconds"])
        except services.LiveError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the services set the reporters

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj else []

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, "Live blog opened. Post the first entry.")
        return redirect("admin:live_desk", obj.pk)

    # The live desk ---------------------------------------------------------------------------------------------
    def get_urls(self):
        desk = self.admin_site.admin_view
        return [
            path("<int:blog_id>/desk/", desk(self.desk_view), name="live_desk"),
            path("<int:blog_id>/desk/stream/", desk(self.stream_view), name="live_desk_stream"),
            path("<int:blog_id>/desk/history/", desk(self.desk_history_view), name="live_desk_history"),
            path("<int:blog_id>/desk/<int:entry_id>/<str:action>/", desk(self.entry_action), name="live_desk_action"),
        ] + super().get_urls()

    def _blog(self, request, blog_id) -> LiveBlog:
        blog = get_object_or_404(LiveBlog.objects.select_related("article"), pk=blog_id)
        if not services.may_post(request.user, blog):
            raise PermissionDenied("Reporters post only to live blogs an editor has opened to them.")
        return blog

    def _stream(self, request, blog, page_param=None):
        page = page_of(LiveEntry.objects.filter(blog=blog).for_stream(), page_param, DESK_ENTRIES, max_page=10_000)
        return render_to_string("live/desk_stream.html", {
            "blog": blog, "entries": page.object_list, "page": page, "now": timezone.now(),
            "is_editor": services.is_editor(request.user),
        }, request=request)

    def desk_view(self, request, blog_id):
        blog = self._blog(request, blog_id)
        wants_json = "application/json" in request.headers.get("Accept", "")
        if request.method == "POST":
            form = EntryForm(request.POST)
            outcome = self._save_entry(request, blog, form)
            if wants_json:
                status = 200 if outcome["ok"] else outcome.get("status", 400)
                return JsonResponse({**outcome, "stream": self._stream(request, blog, request.GET.get("page"))}, status=status)
            if outcome["ok"]:
                messages.success(request, outcome["message"])
                return redirect("admin:live_desk", blog.pk)
            messages.error(request, outcome["message"])
        elif request.GET.get("edit", "").isdigit():  # the Edit link without JavaScript: the form opens on the entry
            entry = get_object_or_404(LiveEntry.objects.prefetch_related("bylines"), blog=blog, pk=request.GET["edit"])
            form = EntryForm(initial=entry_initial(entry))
        else:
            own = getattr(request.user, "reporter", None)
            form = EntryForm(initial={"reporters": [own] if own else []})
        context = {
            **self.admin_site.each_context(request),
            "correcting": bool(form["entry"].value()),
            "title": f"Live desk: {blog.article.headline}",
            "blog": blog,
            "form": form,
            "stream": self._stream(request, blog, request.GET.get("page")),
            "opts": self.model._meta,
            "running": blog.is_running(),
            "ended": blog.has_ended(),
            "is_editor": services.is_editor(request.user),
        }
        return TemplateResponse(request, "live/desk.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """The admin's own History link (…/<id>/history/): the blog's history is the desk's, which has every change."""
        if not str(object_id).isdigit():
            raise Http404
        return redirect("admin:live_desk_history", int(object_id))

    def desk_history_view(self, request, blog_id):
        """Every change to the blog and its entries, newest first (LiveRecord), 200 at a time."""
        blog = self._blog(request, blog_id)
        records = LiveRecord.objects.filter(blog=blog).select_related("entry").order_by("-created_at", "-id")[:HISTORY_ROWS]
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {blog.article.headline}",
            "blog": blog,
            "records": records,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "live/desk_history.html", context)

    def stream_view(self, request, blog_id):
        blog = self._blog(request, blog_id)
        return JsonResponse({"stream": self._stream(request, blog)})

    def _save_entry(self, request, blog, form) -> dict:
        if not form.is_valid():
            return {"ok": False, "message": "Please correct the errors below.", "errors": form.errors.get_json_data()}
        data = form.cleaned_data
        content = {"headline": data["headline"], "body": data["body"], "reporters": list(data["reporters"]),
                   "photo": data["photo"]}
        try:
            if data["entry"]:
                entry = get_object_or_404(LiveEntry, blog=blog, pk=data["entry"])
                entry = services.edit_entry(entry, actor=request.user, expected_version=data["version"],
                                            key_event=data["key_event"], post_at=data["post_time"], **content)
                if data["pinned"] != entry.pinned:
                    entry = services.set_pinned(entry, data["pinned"], actor=request.user)
                return {"ok": True, "entry": entry.pk, "message": f"Correction saved at {reader_clock(timezone.now())}."}
            entry = services.post_entry(blog, actor=request.user, pinned=data["pinned"], key_event=data["key_event"],
                                        post_at=data["post_time"], **content)
        except services.LiveEditConflict as conflict:
            return {"ok": False, "status": 409, "message": str(conflict), "version": conflict.current.version}
        except ValidationError as error:
            errors = {field: [{"message": m} for m in msgs] for field, msgs in error.message_dict.items()}
            return {"ok": False, "message": " ".join(m for msgs in error.message_dict.values() for m in msgs),
                    "errors": errors}
        except services.LiveError as error:
            return {"ok": False, "status": 403 if isinstance(error, PermissionDenied) else 400, "message": str(error)}
        if entry.is_scheduled():
            message = f"Scheduled for {reader_datetime(entry.posted_at)}."
        else:
            message = f"Posted at {reader_clock(entry.posted_at)}."
        return {"ok": True, "entry": entry.pk, "message": message}

    def entry_action(self, request, blog_id, entry_id, action):
        if request.method != "POST":
            raise Http404
        blog = self._blog(request, blog_id)
        entry = get_object_or_404(LiveEntry, blog=blog, pk=entry_id)
        actions = {
            "pin": lambda: services.set_pinned(entry, True, actor=request.user),
            "unpin": lambda: services.set_pinned(entry, False, actor=request.user),
            "key": lambda: services.set_key_event(entry, True, actor=request.user),
            "unkey": lambda: services.set_key_event(entry, False, actor=request.user),
            "remove": lambda: services.remove_entry(entry, actor=request.user),
        }
        if action not in actions:
            raise Http404
        try:
            actions[action]()
            ok, message = True, "Done."
        except services.LiveError as error:
            ok, message = False, str(error)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"ok": ok, "message": message, "stream": self._stream(request, blog, request.GET.get("page"))},
                                status=200 if ok else 403)
        (messages.success if ok else messages.error)(request, message)
        return redirect("admin:live_desk", blog.pk)
