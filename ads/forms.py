from django import forms
from django.contrib.admin import widgets as admin_widgets

from core.instants import InstantField
from core.validators import SafeLinkValidator

from .models import Campaign, Creative
from .services import may_enter_html
from .targeting import section_choices

HTML_REFUSED = "Only Ad operations may enter HTML or third-party tag creatives."


class CampaignForm(forms.ModelForm):
    starts_at = InstantField(
        label="Starts (IST)", widget=admin_widgets.AdminSplitDateTime,
        help_text="Indian Standard Time (UTC+05:30), to the second: HH:MM:SS. The campaign runs from this instant.",
    )
    ends_at = InstantField(
        label="Ends (IST)", widget=admin_widgets.AdminSplitDateTime,
        help_text="Indian Standard Time (UTC+05:30), to the second. The campaign stops at this instant.",
    )
    sections = forms.MultipleChoiceField(
        label="Sections", required=False, choices=section_choices, widget=forms.CheckboxSelectMultiple,
        help_text="Runs only on these sections' pages (their stories and listings). None ticked: runs everywhere, "
                  "including pages without a section (home, tags, reporters).",
    )

    class Meta:
        model = Campaign
        fields = ["advertiser", "name", "active", "starts_at", "ends_at", "priority", "weight", "slots", "sections"]
        widgets = {"slots": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A slug kept from a section that was since renamed or deleted is shown, and refused until unticked.
        known = {slug for slug, _ in self.fields["sections"].choices}
        stale = [slug for slug in (self.instance.sections or []) if slug not in known]
        if stale:
            self.fields["sections"].help_text += f" No longer a section (untick to save): {', '.join(stale)}."

    def clean_sections(self) -> list[str]:
        return sorted(set(self.cleaned_data["sections"]))


class CreativeForm(forms.ModelForm):
    """The admin's creative form. `user` is set per request (CampaignAdmin.get_formset): without the
    ``ads.add_html_creative`` permission the HTML kind is not offered, an HTML creative opens read-only, and a
    forged submission is refused here and again by services.save_creative."""

    user = None
    click_url = forms.URLField(
        label="Click URL", required=False, max_length=1000, assume_scheme="https",
        validators=[SafeLinkValidator()], help_text=Creative._meta.get_field("click_url").help_text,
    )

    class Meta:
        model = Creative
        fields = ["name", "kind", "image", "alt_text", "click_url", "html", "active"]
        widgets = {"html": forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.html_allowed = may_enter_html(self.user)
        if self.html_allowed:
            return
        if self.instance.pk and self.instance.kind == Creative.Kind.HTML:
            for field in self.fields.values():
                field.disabled = True
            self.fields["html"].help_text = HTML_REFUSED
        else:
            self.fields["kind"].choices = [(Creative.Kind.IMAGE, Creative.Kind.IMAGE.label)]
            self.fields["html"].disabled = True
            self.fields["html"].help_text = HTML_REFUSED

    def clean(self):
        cleaned = super().clean()
        if not self.html_allowed and not self.fields["kind"].disabled:
            asked = self.data.get(self.add_prefix("kind"))
            if asked == Creative.Kind.HTML or cleaned.get("kind") == Creative.Kind.HTML:
                raise forms.ValidationError(HTML_REFUSED)
        return cleaned
