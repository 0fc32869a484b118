"""Login throttling behind our TLS proxy (django-axes): who the client is, and when they are locked out.

The client address: with TRUSTED_PROXY_COUNT = 0 (direct exposure) it is REMOTE_ADDR. Behind N proxies that each
append the address they saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for), it is the N-th entry from the
right: entries further left were written by the client and prove nothing. A request that did not pass through all N
proxies (too few entries, or a malformed one) is keyed on REMOTE_ADDR.

Lockouts, both for AXES_COOLOFF_TIME: AXES_FAILURE_LIMIT failures for one username from one address (guessing a
password), or AXES_IP_FAILURE_LIMIT failures from one address over any usernames (spraying one password over many
accounts). Axes compares one count with one limit, so the per-address count is scaled onto the per-user limit.
"""
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit per address across usernames.

    Needs AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"], in that order.
    """

    def get_failures(self, request, credentials=None) -> int:
        per_user_and_ip, per_ip = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        user_limit, ip_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_IP_FAILURE_LIMIT
        # per_ip reaches ip_limit exactly when per_ip * user_limit // ip_limit reaches user_limit.
        return max(per_user_and_ip, per_ip * user_limit // ip_limit)
