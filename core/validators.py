"""Links staff type into the admin: web addresses (and site paths or mailto: where a field says so), nothing else.

A link field is rendered as an href on public pages; `javascript:`, `data:` and `vbscript:` there would run in
our origin (only the CSP stood in the way). Browsers forgive a lot — leading spaces, tabs or newlines inside the
scheme, mixed case, backslashes for slashes, `//host` — so the check refuses anything with whitespace, control
characters, backslashes, quotes or angle brackets, then allows only the listed schemes with a host.
"""
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.deconstruct import deconstructible

from .text import has_unwanted

# Not valid unencoded in a URL (RFC 3986), and what breaks out of an attribute or turns / into //.
_NEVER_IN_A_LINK = frozenset('\\"<>`')


@deconstructible
class SafeLinkValidator:
    """http(s) URLs; plus site paths ("/section/india/") and mailto: addresses when asked for."""

    def __init__(self, site_paths: bool = False, mailto: bool = False):
        self.site_paths = site_paths
        self.mailto = mailto

    def __eq__(self, other):
        return isinstance(other, SafeLinkValidator) and (self.site_paths, self.mailto) == (other.site_paths, other.mailto)

    def _allowed(self) -> str:
        kinds = ["an http:// or https:// address"]
        if self.site_paths:
            kinds.append("a site path starting with /")
        if self.mailto:
            kinds.append("a mailto: address")
        return " or ".join(kinds)

    def __call__(self, value) -> None:
        value = value or ""
        refused = ValidationError(f"Enter {self._allowed()}.", code="unsafe_link")
        if value != value.strip() or any(c.isspace() or c in _NEVER_IN_A_LINK for c in value) or has_unwanted(value):
            raise ValidationError(
                "A link may not contain spaces, control characters, backslashes, quotes or angle brackets.",
                code="unsafe_link",
            )
        if value.startswith("/"):
            if not self.site_paths or value.startswith("//"):  # //host is another site
                raise refused
            return
        scheme = urlsplit(value).scheme.lower()
        if scheme in ("http", "https"):
            URLValidator(schemes=["http", "https"], message=f"Enter {self._allowed()}.")(value)
            return
        if scheme == "mailto" and self.mailto:
            EmailValidator(message="Enter a valid mailto: address.")(value[len("mailto:"):].split("?", 1)[0])
            return
        raise refused


web_link = SafeLinkValidator()
