"""The demo newsroom's live blog: counting day of the Sundernagar civic polls, 47 entries, coverage ended.

Idempotent: a second run finds the blog and prints "unchanged". Run by `make demo` after the ninjs ingest.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles import services as story_services
from articles.models import Article, Section
from live import services
from live.models import LiveBlog
from photos.models import Photo
from reporters.models import Reporter

SLUG = "sundernagar-civic-polls-counting-day-live"
HEADLINE = "Sundernagar civic polls: counting day live"
WARDS = 48
DECLARED = 40  # the rest are counted the next day
MAJORITY = 25
DESKS = ("Meera Nair", "Arjun Mehta", "Ritu Sharma")


def entries():
    """(minutes after the start, headline, body, key event, pinned) for every entry, oldest first."""
    yield 0, "Counting begins", "<p>Counting of votes for the 48 wards of the Sundernagar municipal council has begun at " \
        "three centres. Postal ballots are counted first.</p>", True, False
    yield 6, "", "<p>Strong rooms were opened in the presence of candidates' agents at 07:55. Security is tight at the " \
        "Government College centre.</p>", False, False
    tally = {"Civic Front": 0, "People's Alliance": 0, "Independents": 0}
    for ward in range(1, DECLARED + 1):
        winner = "Civic Front" if ward % 3 != 1 else ("People's Alliance" if ward % 2 else "Independents")
        tally[winner] += 1
        key = ward in (12, 24) or (winner == "Civic Front" and tally[winner] == MAJORITY)
        headline = f"Ward {ward} goes to the {winner}" if ward % 4 == 0 else ""
        if key:
            headline = f"{ward} of {WARDS} wards declared" + (" — Civic Front reaches 25" if tally["Civic Front"] == MAJORITY and winner == "Civic Front" else "")
        body = (f"<p>Ward {ward}: the {winner} candidate wins by {120 + (ward * 37) % 900} votes after "
                f"{2 + ward % 3} rounds.</p><p>Tally so far — " + ", ".join(f"{p} {c}" for p, c in tally.items()) + ".</p>")
        yield 10 + ward * 7, headline, body, key, False
    civic = tally["Civic Front"]
    yield 300, "Civic Front wins a majority", "<h3>What the result means</h3><p>With " + str(civic) + " wards, past " \
        f"the {MAJORITY} needed in the {WARDS}-ward council, the Civic Front can elect the council chair without support. " \
        "The People's Alliance has asked for a recount in two wards.</p>", True, True
    yield 315, "", "<p>Supporters are celebrating outside the party office on Station Road.</p>", False, False
    yield 330, "Recount request rejected", "<p>The returning officer rejected the recount request in Ward 17; the " \
        "margin of 412 votes stands.</p>", False, False
    yield 345, "", f"<p>Results in the last {WARDS - DECLARED} wards, where counting was adjourned after a power cut, " \
        "are expected on Friday. Turnout: 71.4%, with women voters outnumbering men in 31 wards.</p>", False, False
    yield 360, "That's all from counting day", "<p>Thank you for following our live coverage. Full results and analysis " \
        "are on the Sundernagar civic polls page.</p>", False, False


class Command(BaseCommand):
    help = "Create the demo newsroom's ended live blog (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        existing = LiveBlog.objects.filter(article__slug=SLUG).first()
        if existing is not None:
            self.stdout.write(f"unchanged {SLUG} ({existing.entries.count()} entries)")
            return
        reporters = [Reporter.objects.get_or_create_by_name(name) for name in DESKS]
        section = Section.objects.filter(slug="india").first() or Section.objects.order_by("order").first()
        start = (timezone.now() - timedelta(days=2)).replace(hour=2, minute=30, second=0, microsecond=0)  # 08:00 IST
        article = Article.objects.filter(slug=SLUG).first() or story_services.save_story(
            Article(headline=HEADLINE, slug=SLUG, section=section,
                    standfirst="Results from all 48 wards of the Sundernagar municipal council, as they were declared.",
                    body="<p>Votes were counted on Thursday for the 48 wards of the Sundernagar municipal council, "
                         "a poll that saw a record turnout of women voters.</p>"),
            story_services.Related(reporters=reporters, tags=["Sundernagar", "Civic polls"], photos=[]),
            actor=services.COMMAND,
        )
        story_services.publish(article, at=start - timedelta(minutes=30), actor=services.COMMAND)
        blog = services.open_blog(article, actor=services.COMMAND, coverage_start=start, poll_seconds=15)
        photos = list(Photo.objects.order_by("id")[:3])
        count = 0
        for n, (minutes, headline, body, key, pinned) in enumerate(entries()):
            services.post_entry(
                blog, actor=services.COMMAND, headline=headline, body=body, key_event=key, pinned=pinned,
                reporters=[reporters[n % len(reporters)]], post_at=start + timedelta(minutes=minutes),
                photo=photos[n // 15] if photos and n % 15 == 14 and n // 15 < len(photos) else None,
            )
            count += 1
        services.end_coverage(blog, actor=services.COMMAND, at=start + timedelta(minutes=375))
        self.stdout.write(f"created {SLUG} ({count} entries, coverage ended)")
