from django.contrib import admin

from .models import AdSlot, HouseCreative


class HouseCreativeInline(admin.StackedInline):
    model = HouseCreative
    extra = 0


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "placement", "width", "height", "after_paragraph", "label"]
    list_filter = ["placement"]
    inlines = [HouseCreativeInline]
