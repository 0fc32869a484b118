"""One time policy: the site's zone is Asia/Kolkata (IST), fixed, and every human-readable instant comes from
core.timefmt.

- TIME_ZONE is not read from the environment, and a system check refuses any other value (core.checks).
- Even with TIME_ZONE overridden (the check bypassed), what the code writes stays IST: the messages that used
  to print `localtime()` with a literal "IST" (a 10:00 IST update shown as "04:30 IST" under UTC) now ask
  core.timefmt.
- A source scan fails when code outside core/timefmt.py formats a time of day itself.
"""
import ast
import os
import re
import subprocess
import sys
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from articles import services
from articles.models import Article, Revision, ScheduledUpdate
from core.timefmt import IST, SITE_TIME_ZONE, machine_datetime, reader_clock, reader_datetime
from photos.models import Photo
from tests.factories import make_photo, make_story

ROOT = Path(__file__).resolve().parents[2]
TEN_IST = datetime(2026, 12, 2, 4, 30, tzinfo=dt_timezone.utc)  # 10:00 IST
TEN_IST_TEXT = "December 2nd, 2026 at 10:00 IST"


# --- the zone is fixed, and another value is refused -----------------------------------------------------------


def test_the_site_zone_is_asia_kolkata_and_its_abbreviation_comes_from_the_zone():
    assert settings.TIME_ZONE == SITE_TIME_ZONE == "Asia/Kolkata"
    assert TEN_IST.astimezone(IST).tzname() == "IST"
    assert reader_datetime(TEN_IST) == TEN_IST_TEXT
    assert reader_clock(TEN_IST) == "10:00 IST" and reader_clock(TEN_IST, seconds=True) == "10:00:00 IST"
    assert machine_datetime(TEN_IST) == "2026-12-02T10:00:00+05:30"
    assert not [e for e in run_checks() if e.id.startswith("core.")]


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Asia/Calcutta"])
def test_another_time_zone_is_refused_by_the_system_check(zone):
    with override_settings(TIME_ZONE=zone):
        errors = [e for e in run_checks() if e.id == "core.E001"]
        assert len(errors) == 1 and zone in errors[0].msg
        with pytest.raises(SystemCheckError, match="core.E001"):
            call_command("check")


def test_time_zone_in_the_environment_is_not_read_and_is_refused():
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "SECRET_KEY": "check-only", "DEBUG": "1",
        "TIME_ZONE": "UTC",
    }
    zone = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert zone.stdout.strip() == "Asia/Kolkata", zone.stderr
    check = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert check.returncode != 0
    assert "core.E002" in check.stderr and "Remove TIME_ZONE from the environment" in check.stderr


# --- with TIME_ZONE overridden anyway, every text is still IST ------------------------------------------------


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("desk", "desk@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@override_settings(TIME_ZONE="UTC")
def test_model_texts_are_ist_whatever_time_zone_says():
    update = ScheduledUpdate(go_live_at=TEN_IST, snapshot={"headline": "Cyclone nears coast"})
    assert str(update) == f"Update of “Cyclone nears coast” at {TEN_IST_TEXT}"  # was "at 02 Dec 04:30 IST"
    assert str(Revision(kind=Revision.Kind.SAVED, created_at=TEN_IST)) == f"Saved {TEN_IST_TEXT}"  # was UTC, no zone


@override_settings(TIME_ZONE="UTC")
def test_service_and_conflict_messages_are_ist_whatever_time_zone_says(editor):
    with time_machine.travel(TEN_IST, tick=False):
        story = make_story(headline="Ferry to continue", user=editor)
    first = story.revisions.get()
    seen = story.edit_version

    with time_machine.travel(datetime(2026, 12, 2, 4, 31, 7, tzinfo=dt_timezone.utc), tick=False):
        story.standfirst = "A second look."
        services.save_story(story, services.Related(reporters=story.ordered_reporters(), tags=[], photos=[]), actor=editor)

    with time_machine.travel(datetime(2026, 12, 2, 4, 35, 9, tzinfo=dt_timezone.utc), tick=False):
        restored = services.restore_revision(first, actor=editor)
    assert restored.revisions.first().note == f"Restored the version of {TEN_IST_TEXT}"  # was "02 Dec 2026 04:30 IST"

    story = Article.objects.get(pk=story.pk)
    story.standfirst = "A third look."
    with pytest.raises(services.EditConflict) as refused:
        services.save_story(
            story, services.Related(reporters=story.ordered_reporters(), tags=[], photos=[]),
            actor=editor, expected_version=seen,
        )
    assert "changed this story at 10:05:09 IST on December 2nd, 2026" in str(refused.value)


@override_settings(TIME_ZONE="UTC")
def test_admin_lists_show_instants_in_ist_whatever_time_zone_says(client, editor):
    with time_machine.travel(TEN_IST, tick=False):
        story = services.publish(make_story(headline="Ferry to continue", hero=make_photo(name="ferry.jpg"), user=editor), actor=editor)
    Photo.objects.update(uploaded_at=TEN_IST)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(admin)

    stories = client.get("/admin/articles/article/").content.decode()
    assert "Modified (IST)" in stories and "Published (IST)" in stories
    assert stories.count(TEN_IST_TEXT) >= 3  # published, updated and modified of the one story
    assert "04:30" not in stories

    photos = client.get("/admin/photos/photo/").content.decode()
    assert "Uploaded (IST)" in photos and TEN_IST_TEXT in photos

    # Django's own history page of any object (templates/admin/object_history.html).
    LogEntry.objects.create(
        user=admin, content_type=ContentType.objects.get_for_model(Photo), object_id=str(story.hero_photo_id),
        object_repr="ferry.jpg", action_flag=CHANGE, change_message="Changed caption.", action_time=TEN_IST,
    )
    history = client.get(f"/admin/photos/photo/{story.hero_photo_id}/history/").content.decode()
    assert f'<time datetime="2026-12-02T10:00:00+05:30">{TEN_IST_TEXT}</time>' in history
    assert "Changed caption." in history


# --- nothing outside core/timefmt formats a time of day ---------------------------------------------------------

SOURCE_PACKAGES = ["core", "articles", "reporters", "photos", "ads", "distribution", "search", "newsroom"]
TIMEFMT = ROOT / "core" / "timefmt.py"
TIME_DIRECTIVE = re.compile(r"%[-_0^#]?[HIMSpXcTRrZzk]")  # strftime directives for a time of day or a zone
CLOCK_EXPRESSION = re.compile(r"localtime|\.hour\b|\.minute\b|\.second\b|\.tzname\(")
# Django date-format characters that print a time of day or a zone ("j F Y" prints a day and is fine).
TEMPLATE_TIME_CHARS = set("aAfgGhHiOPrsTuUcZeI")
TEMPLATE_DATE_FILTER = re.compile(r"""\|\s*(date|time)\b(?:\s*:\s*(?:"([^"]*)"|'([^']*)'|(\w+)))?""")
TEMPLATE_NOW_TAG = re.compile(r"""\{%\s*now\s+(?:"([^"]*)"|'([^']*)')""")
TEMPLATE_BARE_INSTANT = re.compile(r"\{\{\s*[\w.]+_at\s*\}\}")  # Django's own format, with no zone


def python_violations(path: Path, root: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # A logging call's %-style message ("%s failed: %r") is not a strftime pattern.
    log_messages = {
        id(node.args[0]) for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args
        and node.func.attr in {"debug", "info", "warning", "error", "exception", "critical", "log"}
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in log_messages:
            continue
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
            found.append(f"{where}: strftime()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and TIME_DIRECTIVE.search(node.value):
            found.append(f"{where}: time format {node.value!r}")
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            for value in node.values:
                if not isinstance(value, ast.FormattedValue):
                    continue
                spec = ast.unparse(value.format_spec) if value.format_spec else ""
                if TIME_DIRECTIVE.search(spec):
                    found.append(f"{where}: f-string time format {spec!r}")
                elif re.search(r"\bIST\b", literal) and CLOCK_EXPRESSION.search(ast.unparse(value.value)):
                    found.append(f"{where}: a clock with a literal 'IST'")
    return found


def template_violations(path: Path, root: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.relative_to(root)}:{number}"
        for match in TEMPLATE_DATE_FILTER.finditer(line):
            name, fmt = match.group(1), next((g for g in match.groups()[1:] if g), "")
            unescaped = re.sub(r"\\.", "", fmt)
            if name == "time" or "TIME" in fmt or TEMPLATE_TIME_CHARS & set(unescaped):
                found.append(f"{where}: {match.group(0)!r}")
        for match in TEMPLATE_NOW_TAG.finditer(line):
            if TEMPLATE_TIME_CHARS & set(re.sub(r"\\.", "", match.group(1) or match.group(2))):
                found.append(f"{where}: {match.group(0)!r}")
        found += [f"{where}: {m.group(0)!r}" for m in TEMPLATE_BARE_INSTANT.finditer(line)]
    return found


def scan(root: Path) -> list[str]:
    found = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):  # a missing package yields nothing
            if path != TIMEFMT and "migrations" not in path.parts:
                found += python_violations(path, root)
    for path in sorted((root / "templates").rglob("*")):
        if path.suffix in (".html", ".txt", ".xml"):
            found += template_violations(path, root)
    return found


def test_no_code_outside_timefmt_formats_a_time_of_day():
    assert scan(ROOT) == []


@pytest.mark.parametrize(
    "line",
    [
        'when = timezone.localtime(moment).strftime("%d %b %Y %H:%M IST")\n',
        'label = f"at {timezone.localtime(moment):%d %b %H:%M} IST"\n',
        'label = f"at {local.hour:02}:{local.minute:02} IST"\n',
        'FORMAT = "%H:%M"\n',
    ],
)
def test_the_scan_finds_self_formatted_times_in_python(tmp_path, line):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "probe.py").write_text(f"from django.utils import timezone\n\n{line}", encoding="utf-8")
    assert scan(tmp_path)


@pytest.mark.parametrize(
    "markup",
    ['{{ story.updated_at|date:"j M, H:i" }}', "{{ story.updated_at|time }}", '{{ x|date:"DATETIME_FORMAT" }}',
     "{{ story.updated_at }}", '{% now "H:i" %}'],
)
def test_the_scan_finds_self_formatted_times_in_templates(tmp_path, markup):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.html").write_text(markup, encoding="utf-8")
    assert scan(tmp_path)
