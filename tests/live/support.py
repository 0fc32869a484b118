"""Builders for the live blog tests: people in the roles, a published story made a live blog, entries."""
import json
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from live import services
from live.models import LiveEntry
from tests.factories import make_reporter, publish_story


def member(role: str, username: str, reporter_name: str | None = None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if reporter_name:
        reporter = make_reporter(reporter_name)
        reporter.user = user
        reporter.save()
    return user


def live_story(headline="Counting day live", start=None, end=None, reporters=(), editor=None):
    article = publish_story(headline=headline, at=timezone.now() - timedelta(hours=2))
    editor = editor or member("Editor", f"ed-{article.pk}", None)
    blog = services.open_blog(article, actor=editor, coverage_start=start or timezone.now() - timedelta(hours=1),
                              coverage_end=end, reporters=reporters)
    return article, blog, editor


def post(blog, actor, text="An update.", **kwargs) -> LiveEntry:
    kwargs.setdefault("reporters", [make_reporter("Akanksha Arora")])
    return services.post_entry(blog, actor=actor, body=text, **kwargs)


def json_ld(html: str, kind: str) -> dict:
    """The page's JSON-LD block of this @type."""
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == kind:
            return data
    raise AssertionError(f"no {kind} JSON-LD")
