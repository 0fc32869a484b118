"""Staff users and the Reporter records their bylines use.

A staff user works as a reporter when a Reporter is linked to them (Reporter.user): then "their own stories" are
the ones carrying that byline (articles.actors.owned_filter). The link is made on the user's admin page
("Byline (reporter)"), on the reporter's page ("User"), or automatically when a staff user is saved whose full name
matches exactly one reporter that has no user yet.
"""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Reporter


def link_by_name(user) -> Reporter | None:
    """Link `user` to the one unlinked reporter with their full name (case-insensitive), if there is exactly one."""
    name = " ".join(user.get_full_name().split())
    if not user.is_staff or not name or Reporter.objects.filter(user=user).exists():
        return None
    matches = list(Reporter.objects.filter(name__iexact=name, user__isnull=True)[:2])
    if len(matches) != 1:
        return None
    reporter = matches[0]
    reporter.user = user
    reporter.save(update_fields=["user"])
    return reporter


@receiver(post_save, sender=get_user_model(), dispatch_uid="reporters.link_by_name")
def _link_on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        link_by_name(instance)
