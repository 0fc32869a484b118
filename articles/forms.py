"""Admin form for stories: ordered bylines, tag autocomplete that can create tags, IST times, edit conflicts."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from taggit.models import Tag

from core.instants import InstantField
from core.validators import SafeLinkValidator
from photos.models import Photo
from reporters.models import Reporter

from . import actors, services
from .models import Article
from .revisions import describe_conflict

IST_HELP = "Indian Standard Time (IST, UTC+05:30)."


class OrderedAutocomplete(AutocompleteSelectMultiple):
    """Autocomplete that shows the selection in the order it was made (bylines are ordered).

    With `creatable`, values that are not existing rows (new tag names) are kept as options,
    so a rejected form re-renders exactly what the editor typed.
    """

    def __init__(self, field, admin_site, creatable=False):
        super().__init__(field, admin_site)
        self.creatable = creatable

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.creatable:
            attrs["data-tags"] = "true"
            attrs["data-token-separators"] = '[","]'
        return attrs

    def optgroups(self, name, value, attr=None):
        lookup = [v for v in value if str(v).isdigit()] if self.creatable else value
        groups = super().optgroups(name, lookup, attr)
        options = groups[0][1]
        wanted = [str(v) for v in value if str(v)]
        known = {str(option["value"]) for option in options}
        if self.creatable:
            for extra in wanted:
                if extra not in known:
                    options.append(self.create_option(name, extra, extra, True, len(options)))
        order = {v: i for i, v in enumerate(wanted)}
        options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        for index, option in enumerate(options):
            option["index"] = str(index)
        return groups


class OrderedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Returns the chosen objects as a list in the order submitted."""

    def clean(self, value):
        queryset = super().clean(value)
        by_key = {str(obj.pk): obj for obj in queryset}
        return [by_key[str(v)] for v in dict.fromkeys(value or []) if str(v) in by_key]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return [v.pk if hasattr(v, "pk") else v for v in value]
        return super().prepare_value(value)


class TagNamesField(forms.ModelMultipleChoiceField):
    """Existing tags arrive as ids from the autocomplete; new ones as the text the editor typed."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Tag.objects.all(), **kwargs)

    def clean(self, value):
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        ids = [v for v in values if str(v).isdigit()]
        names_by_id = {str(t.pk): t.name for t in Tag.objects.filter(pk__in=ids)}
        names = [names_by_id.get(str(v), str(v)).strip() for v in values]
        for name in names:
            if len(name) > 100:
                raise ValidationError("A tag can be at most 100 characters long.")
        return list(dict.fromkeys(n for n in names if n))

    def prepare_value(self, value):
        return list(value) if isinstance(value, (list, tuple)) else value


def _wrap(widget, field_name, admin_site):
    rel = Article._meta.get_field(field_name).remote_field
    return RelatedFieldWidgetWrapper(widget, rel, admin_site, can_add_related=True, can_change_related=False)


# Form field -> the story relation its autocomplete searches, and whether typing creates a new value.
RELATED_AUTOCOMPLETES = (("byline_reporters", "reporters", False), ("story_photos", "photos", False), ("tags", "tags", True))


def attach_autocompletes(fields, admin_site, *, add_buttons: bool) -> None:
    """Give the bylines, photos and tags fields their ordered autocomplete widgets (with "+" buttons if asked)."""
    for name, model_field, creatable in RELATED_AUTOCOMPLETES:
        field = fields[name]
        widget = OrderedAutocomplete(Article._meta.get_field(model_field), admin_site, creatable=creatable)
        widget.choices = field.choices
        field.widget = _wrap(widget, model_field, admin_site) if add_buttons and not creatable else widget


class ArticleAdminForm(forms.ModelForm):
    byline_reporters = OrderedModelMultipleChoiceField(
        queryset=Reporter.objects.all(), required=True, label="Bylines",
        help_text="In the order they appear: “Reported by: A, B and C”. Drag a name in the list, or use its arrows.",
    )
    tags = TagNamesField(required=False, help_text="Pick existing tags or type a new one and press Enter.")
    story_photos = OrderedModelMultipleChoiceField(
        queryset=Photo.objects.all(), required=False, label="Photos in the story",
        help_text="Pictures the story uses but does not show in the body; their credits form the line at the foot. "
        "To show a picture, place it in the body (Insert photo).",
    )
    # The trash is reached with "Delete" and left with "Restore from the trash", not from this list.
    workflow = forms.ChoiceField(label="Status", choices=[c for c in Article.Status.choices if c[0] != "trashed"])
    publish_at = InstantField(
        label="Publish at (IST)", required=False, widget=admin.widgets.AdminSplitDateTime,
        help_text="Leave empty to publish now. A future time schedules the story. " + IST_HELP,
    )
    minor_change = forms.BooleanField(
        required=False, label="Minor fix (does not move “Updated”)",
        help_text="For a typo or a broken link. Any real change to a live story moves “Updated”.",
    )
    schedule_update_at = InstantField(
        label="Schedule these changes for (IST)", required=False, widget=admin.widgets.AdminSplitDateTime,
        help_text="Live stories only: keep the current version public and put these changes live at this time. "
        "Leave empty to update the story now. " + IST_HELP,
    )
    edit_version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    canonical_url = forms.URLField(
        label="Canonical URL", required=False, max_length=500, assume_scheme="https", validators=[SafeLinkValidator()],
        help_text=Article._meta.get_field("canonical_url").help_text,
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "section", "hero_photo",
            "expires_at", "correction_note", "language",
            "seo_headline", "meta_description", "social_headline", "social_image", "canonical_url", "noindex",
        ]
        widgets = {
            # A textarea so a long headline wraps and stays fully visible; it is one line (clean_headline).
            "headline": forms.Textarea(attrs={"rows": 2, "maxlength": 250}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "meta_description": forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        }
        labels = {"expires_at": "Unpublish at (IST)"}
        help_texts = {"expires_at": "Optional: the story leaves the site at this time. " + IST_HELP}

    def __init__(self, *args, admin_site=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = user
        self.status_before = self.instance.status  # for the admin's change message: did Status move?
        site = admin_site or admin.site
        attach_autocompletes(self.fields, site, add_buttons=True)
        instance = self.instance
        if instance.pk and not self.is_bound:
            self.initial.update(
                byline_reporters=[b.reporter_id for b in instance.bylines.all()],
                story_photos=[p.photo_id for p in instance.inline_photos.all()],
                tags=[t.pk for t in instance.tags.all()],
                workflow=instance.status,
                publish_at=instance.published_at,
                edit_version_seen=instance.edit_version,
            )
        elif not instance.pk:
            self.initial.setdefault("workflow", Article.Status.DRAFT)
        self._label_states(instance)
        if user is not None and not actors.can_publish(user) and "workflow" in self.fields:
            allowed = {Article.Status.DRAFT, Article.Status.REVIEW}
            self.fields["workflow"].choices = [c for c in Article.Status.choices if c[0] in allowed | {instance.status}]
            # A story the reporter may only view is shown read-only by the admin: these fields are not in the form.
            for name in ("publish_at", "expires_at", "schedule_update_at"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Editors set this."

    def _label_states(self, instance) -> None:
        """Say "Scheduled" or "Expired" where the list does: a published story whose instant is ahead is scheduled,
        one whose expiry has passed is expired (Article.state())."""
        if "workflow" not in self.fields:
            return
        state = instance.state() if instance.pk else "draft"
        label = {"scheduled": "Scheduled", "expired": "Expired"}
        self.fields["workflow"].choices = [
            (value, label.get(state, text) if value == Article.Status.PUBLISHED else text)
            for value, text in self.fields["workflow"].choices
        ]
        self.fields["workflow"].help_text = (
            "Published with a future “Publish at” is Scheduled until then; past “Unpublish at” it is Expired."
        )

    def clean_headline(self):
        return " ".join(self.cleaned_data.get("headline", "").split())

    def clean_schedule_update_at(self):
        when = self.cleaned_data.get("schedule_update_at")
        if when and self.instance.status != Article.Status.PUBLISHED:
            raise ValidationError("Only a published story can have scheduled updates; save this one directly.")
        return when

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            seen = cleaned.get("edit_version_seen")
            current = Article.objects.filter(pk=self.instance.pk).values_list("edit_version", flat=True).first()
            if seen is not None and current is not None and seen != current:
                raise ValidationError(describe_conflict(self.instance.pk, seen))
        self._check_with_services(cleaned)
        return cleaned

    def _check_with_services(self, cleaned) -> None:
        """Ask the services now whether the save will be allowed, so a refusal re-renders the form with
        everything typed (they check again under the row lock when the admin saves)."""
        if self.actor is None or "workflow" not in cleaned:
            return
        stored = Article.objects.get(pk=self.instance.pk) if self.instance.pk else Article()
        try:
            if self.instance.pk and cleaned.get("schedule_update_at"):
                services.check_queue_update(stored, self.actor)
            else:
                services.check_transition(stored, cleaned["workflow"], self.actor, at=cleaned.get("publish_at"))
        except services.StoryError as error:
            raise ValidationError(str(error), code="story") from error
