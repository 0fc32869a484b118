from django import forms
from django.core.files.uploadedfile import UploadedFile

from .checks import BadImage, prepare_upload, read_upload
from .models import Photo


class PhotoAdminForm(forms.ModelForm):
    """The photo library's form: the upload goes through photos.checks, as wire pictures do."""

    class Meta:
        model = Photo
        fields = ["image", "focal_x", "focal_y", "alt_text", "caption", "credit"]
        # A plain file field: our checks decide what is an image, not Django's ImageField (which trusts Pillow's
        # guess from any parser and decodes nothing).
        field_classes = {"image": forms.FileField}
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "class": "focal-input"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "class": "focal-input"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = None
        for name in ("focal_x", "focal_y"):
            if name in self.fields:
                # Left empty (or not sent at all by an older client), the crop centres on the middle.
                self.fields[name].required = False
        if "image" in self.fields:
            self.fields["image"].help_text = (
                "JPEG, PNG, WebP or GIF. Location and camera details are removed and the picture is turned upright. "
                "Click the preview to choose the focal point the crops keep."
            )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged on an edit
        try:
            self.prepared = prepare_upload(read_upload(upload), upload.name)
        except BadImage as exc:
            raise forms.ValidationError(str(exc), code="bad_image") from exc
        return self.prepared.file

    def _clean_focal(self, name):
        value = self.cleaned_data.get(name)
        return 0.5 if value is None else value

    def clean_focal_x(self):
        return self._clean_focal("focal_x")

    def clean_focal_y(self):
        return self._clean_focal("focal_y")

    def _post_clean(self):
        super()._post_clean()
        if self.prepared is not None:
            self.instance.checksum = self.prepared.checksum
