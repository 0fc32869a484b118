from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.forms import Textarea
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_time import instant_column
from core.timefmt import IST, reader_datetime

from . import services
from .forms import CampaignForm, CreativeForm
from .models import AdSlot, AdsTxt, Advertiser, Campaign, Creative, DailyStat, HouseCreative
from .report import campaign_report, ctr, format_count, format_percent

STATE_COLOURS = {"live": "#15803d", "scheduled": "#1d4ed8", "ended": "#6b7280", "paused": "#b45309"}


class HouseCreativeInline(admin.StackedInline):
    model = HouseCreative
    extra = 0


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "placement", "width", "height", "after_paragraph", "repeat_every", "min_paragraphs", "label"]
    list_filter = ["placement"]
    fieldsets = [
        (None, {"fields": ["name", "key", "placement", "label", "width", "height"]}),
        ("Inline placement in story bodies", {
            "fields": ["after_paragraph", "repeat_every", "min_paragraphs"],
            "description": "After paragraph N, then every K paragraphs; none in stories with fewer than M paragraphs. "
                           "An ad only follows a paragraph (never a subheading), never the last one, and two ads "
                           "always have text between them.",
        }),
    ]
    inlines = [HouseCreativeInline]


@admin.register(Advertiser)
class AdvertiserAdmin(admin.ModelAdmin):
    list_display = ["name", "contact"]
    search_fields = ["name"]


class CreativeInline(admin.StackedInline):
    model = Creative
    form = CreativeForm
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("CreativeForm", (CreativeForm,), {"user": request.user})
        return super().get_formset(request, obj, **kwargs)


def _stat_total(field: str) -> Subquery:
    per_campaign = DailyStat.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
    return Subquery(per_campaign.annotate(total=Sum(field)).values("total")[:1])


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    inlines = [CreativeInline]
    change_form_template = "admin/ads/campaign/change_form.html"
    list_display = [
        "name", "advertiser", "state_badge", "starts_ist", "ends_ist", "priority", "weight", "targeting",
        "impressions_total", "clicks_total", "ctr_total",
    ]
    list_filter = ["active", "advertiser", "slots"]
    list_select_related = ["advertiser"]
    search_fields = ["name", "advertiser__name"]
    fieldsets = [
        (None, {"fields": ["advertiser", "name", "active"]}),
        ("When (IST)", {"fields": ["starts_at", "ends_at"]}),
        ("Where", {"fields": ["slots", "sections"]}),
        ("Rotation", {
            "fields": ["priority", "weight"],
            "description": "A slot shows the highest priority that has something live now; among those, "
                           "campaigns share views in proportion to their weight. With nothing live, the slot's "
                           "house creative runs.",
        }),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            total_impressions=_stat_total("impressions"), total_clicks=_stat_total("clicks")
        )

    @admin.display(description="State")
    def state_badge(self, campaign):
        state = campaign.state(timezone.now())
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 8px;border-radius:9px;font-size:11px">{}</span>',
            STATE_COLOURS[state], state.capitalize(),
        )

    @admin.display(description="Starts (IST)", ordering="starts_at")
    def starts_ist(self, campaign):
        return reader_datetime(campaign.starts_at)

    @admin.display(description="Ends (IST)", ordering="ends_at")
    def ends_ist(self, campaign):
        return reader_datetime(campaign.ends_at)

    @admin.display(description="Sections")
    def targeting(self, campaign):
        return ", ".join(campaign.sections) if campaign.sections else "Everywhere"

    @admin.display(description="Impressions", ordering="total_impressions")
    def impressions_total(self, campaign):
        return format_count(campaign.total_impressions or 0)

    @admin.display(description="Clicks", ordering="total_clicks")
    def clicks_total(self, campaign):
        return format_count(campaign.total_clicks or 0)

    @admin.display(description="CTR")
    def ctr_total(self, campaign):
        return format_percent(ctr(campaign.total_impressions or 0, campaign.total_clicks or 0))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if object_id:
            campaign = self.get_object(request, unquote(object_id))
            if campaign is not None and self.has_view_or_change_permission(request, campaign):
                extra_context["report"] = campaign_report(campaign)
        # Dates are entered and shown in IST whatever TIME_ZONE says; rendered inside the override.
        with timezone.override(IST):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def save_formset(self, request, form, formset, change):
        if formset.model is not Creative:
            return super().save_formset(request, form, formset, change)
        creatives = formset.save(commit=False)
        for creative in formset.deleted_objects:
            creative.delete()
        for creative in creatives:
            services.save_creative(creative, user=request.user)  # refuses HTML without the permission
        formset.save_m2m()


@admin.register(AdsTxt)
class AdsTxtAdmin(admin.ModelAdmin):
    fields = ["content", "updated_ist"]
    readonly_fields = ["updated_ist"]
    updated_ist = staticmethod(instant_column("updated_at", "Updated"))
    formfield_overrides = {
        models.TextField: {"widget": Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false", "class": "vLargeTextField"})},
    }

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AdsTxt.objects.exists()

    def changelist_view(self, request, extra_context=None):
        """One file: the list opens it (or the form to write it)."""
        existing = AdsTxt.objects.first()
        if existing is not None and self.has_view_or_change_permission(request, existing):
            return redirect(reverse("admin:ads_adstxt_change", args=[existing.pk]))
        if existing is None and self.has_add_permission(request):
            return redirect(reverse("admin:ads_adstxt_add"))
        raise PermissionDenied

    def view_on_site(self, obj):
        return reverse("ads:ads_txt")
