"""The admin form for a scheduled update: the story's content fields, read from and written to a snapshot."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from core.sanitize import refuse_remote_images
from photos.models import Photo
from reporters.models import Reporter

from . import services
from .body_media import validate_body
from .forms import IST_HELP, OrderedModelMultipleChoiceField, TagNamesField, attach_autocompletes
from .models import Article, ScheduledUpdate

CONTENT_FIELDS = ["headline", "standfirst", "body", "section", "hero_photo"]


class ScheduledUpdateForm(forms.ModelForm):
    """Content fields come first (built from Article's own fields), then when it goes live."""

    class Meta:
        model = ScheduledUpdate
        fields = ["go_live_at", "note"]
        labels = {"go_live_at": "Goes live at (IST)"}
        help_texts = {"go_live_at": "Readers keep seeing the current version until then. " + IST_HELP}

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        site = admin_site or admin.site
        content = forms.fields_for_model(Article, fields=CONTENT_FIELDS)
        content["body"].validators.append(refuse_remote_images)  # as the story form does (its model field's clean)
        content["body"].validators.append(validate_body)  # the story form gets it from the model field
        content["section"].widget = AutocompleteSelect(Article._meta.get_field("section"), site)
        content["hero_photo"].widget = AutocompleteSelect(Article._meta.get_field("hero_photo"), site)
        for widget_field in ("section", "hero_photo"):
            content[widget_field].widget.choices = content[widget_field].choices
        content["byline_reporters"] = OrderedModelMultipleChoiceField(queryset=Reporter.objects.all(), label="Bylines")
        content["tags"] = TagNamesField(required=False)
        content["story_photos"] = OrderedModelMultipleChoiceField(
            queryset=Photo.objects.all(), required=False, label="Photos in the story"
        )
        attach_autocompletes(content, site, add_buttons=False)
        self.fields = {**content, **self.fields}
        snap = self.instance.snapshot if self.instance.pk else {}
        if snap and not self.is_bound:
            self.initial.update(
                headline=snap.get("headline"), standfirst=snap.get("standfirst"), body=snap.get("body"),
                section=snap.get("section"), hero_photo=snap.get("hero_photo"),
                byline_reporters=snap.get("reporters", []), story_photos=snap.get("photos", []),
                tags=snap.get("tags", []),
            )

    def snapshot(self, article: Article) -> dict:
        data = self.cleaned_data
        related = services.Related(reporters=data["byline_reporters"], tags=data["tags"], photos=data["story_photos"])
        return services.new_version_of(
            article, related, headline=data["headline"], standfirst=data["standfirst"], body=data["body"],
            section=data["section"], hero_photo=data["hero_photo"],
        )
