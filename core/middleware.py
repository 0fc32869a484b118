import base64
import hashlib
import re

IMPORTMAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.S)


class ImportMapCSPMiddleware:
    """Allow the admin's inline import maps (the rich-text editor's) under a strict script-src.

    Import maps must be inline; instead of 'unsafe-inline', each one on the page is allowed by
    its own sha256 hash. Sits inside django-csp's middleware, which reads `_csp_update`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only the admin has import maps; public pages (and cached hits) skip the scan.
        if (
            not request.path.startswith("/admin/")
            or "text/html" not in response.get("Content-Type", "")
            or getattr(response, "streaming", False)
        ):
            return response
        hashes = [
            "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for body in IMPORTMAP.findall(response.content)
        ]
        if hashes:
            update = getattr(response, "_csp_update", None) or {}
            update["script-src"] = [*update.get("script-src", []), *hashes]
            response._csp_update = update
        return response
