from django import forms
from django.contrib.auth import get_user_model
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.models import BODY_EDITOR_EXTENSIONS
from core.instants import InstantField, InstantInputField
from core.sanitize import refuse_remote_images
from photos.models import Photo
from reporters.models import Reporter

from .models import LiveBlog

RECENT_PHOTOS = 60


class LiveBlogForm(forms.ModelForm):
    """Opening or changing a blog (editors); saved through live.services, never by ModelForm.save()."""

    class Meta:
        model = LiveBlog
        fields = ["article", "coverage_start", "coverage_end", "reporters", "poll_seconds"]
        field_classes = {"coverage_start": InstantField, "coverage_end": InstantField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A reporter sees the blog read-only: the admin builds this form without the fields it shows as text.
        if "reporters" in self.fields:
            self.fields["reporters"].queryset = get_user_model().objects.filter(is_staff=True, is_active=True)
            self.fields["reporters"].required = False
        if "poll_seconds" in self.fields:
            self.fields["poll_seconds"].min_value = 5

    def clean(self):
        data = super().clean()
        start, end = data.get("coverage_start"), data.get("coverage_end")
        if start and end and end <= start:
            self.add_error("coverage_end", "Coverage ends after it starts.")
        if data.get("poll_seconds") is not None and data["poll_seconds"] < 5:
            self.add_error("poll_seconds", "Pages poll every 5 seconds at most often.")
        return data


class EntryForm(forms.Form):
    """The live desk's form: a new entry, or (with `entry`/`version`) a correction."""

    headline = forms.CharField(required=False, max_length=200)
    # The story body's editor, with the story body's extensions (photo chooser, gallery, embed: articles.models).
    # Without JavaScript it is a plain textarea, read by live.text; live.services sanitizes either way.
    body = ProseEditorFormField(
        extensions=BODY_EDITOR_EXTENSIONS, required=False, widget=AdminProseEditorWidget(attrs={"rows": 6}),
        label="Text",
        help_text="Subheadings, links, photos, galleries and embeds from the editor's toolbar, as in a story.",
    )
    reporters = forms.ModelMultipleChoiceField(queryset=Reporter.objects.all(), required=False,
                                               help_text="Default: you.")
    photo = forms.ModelChoiceField(queryset=Photo.objects.none(), required=False, empty_label="No photo")
    pinned = forms.BooleanField(required=False, label="Pin above the stream")
    key_event = forms.BooleanField(required=False, label="Key event")
    post_time = InstantInputField(required=False, label="Post at (IST)",
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  help_text="Empty: now. A later instant schedules the entry.")
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recent = list(Photo.objects.order_by("-id").values_list("pk", flat=True)[:RECENT_PHOTOS])
        self.fields["photo"].queryset = Photo.objects.select_related("credit").filter(pk__in=recent).order_by("-id")
        self.fields["photo"].label_from_instance = lambda p: f"{p.alt_text or p.caption or p.image.name} ({p.credit.label})"

    def clean_photo(self):
        return self.cleaned_data.get("photo")

    def clean_body(self):
        """A remote picture is refused with a message, as in the story form (core.sanitize.refuse_remote_images)."""
        body = self.cleaned_data["body"]
        refuse_remote_images(body)
        return body
