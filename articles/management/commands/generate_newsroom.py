"""Fill the database with a generated newsroom of a given size (for benchmarks and load tests)."""
import random
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm

from articles import services
from articles.blocks import split_blocks
from articles.models import Article, Byline, Section, TaggedArticle
from reporters.models import Reporter

WORDS = (
    "monsoon council budget metro court election river port market cricket hospital farmers rail power "
    "school bridge airport startup festival minister coast city district village highway exports trial"
).split()


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random) -> str:
    parts = []
    for i in range(8):
        if i == 4:
            parts.append(f"<h2>{sentence(rng, 4)[:-1]}</h2>")
        parts.append("<p>" + " ".join(sentence(rng) for _ in range(3)) + "</p>")
    return "".join(parts)


class Command(BaseCommand):
    help = "Generate N published stories (bulk, with a progress bar) with bylines and tags."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=1000)
        parser.add_argument("--reporters", type=int, default=60)
        parser.add_argument("--tags", type=int, default=300)
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, stories, reporters, tags, batch, seed, **options):
        rng = random.Random(seed)
        sections = list(Section.objects.all())
        reporter_rows = [Reporter.objects.get_or_create_by_name(f"Bench Reporter {i:03d}") for i in range(reporters)]
        tag_rows = [Tag.objects.get_or_create(name=f"topic-{i:03d}", defaults={"slug": f"topic-{i:03d}"})[0] for i in range(tags)]
        now = timezone.now()
        start = Article.objects.count()
        with tqdm(total=stories, desc="stories", unit="story") as progress:
            for offset in range(0, stories, batch):
                size = min(batch, stories - offset)
                with transaction.atomic():
                    rows = []
                    for i in range(size):
                        n = start + offset + i
                        html = body(rng)
                        published = now - timedelta(minutes=7 * n + rng.randint(0, 6))
                        rows.append(Article(
                            headline=f"{sentence(rng, 9)[:-1]} ({n})", slug=f"bench-story-{n}",
                            standfirst=sentence(rng, 20), body=html, body_blocks=split_blocks(html),
                            section=rng.choice(sections), status=Article.Status.PUBLISHED,
                            published_at=published, updated_at=published + timedelta(minutes=rng.choice([0, 0, 30])),
                            edit_version=1,
                        ))
                    services.create_generated_stories(
                        rows,
                        lambda made: (
                            Byline(article=a, reporter=r, position=p)
                            for a in made
                            for p, r in enumerate(rng.sample(reporter_rows, rng.choice([1, 1, 2, 3])))
                        ),
                        actor=services.COMMAND,
                        taggings=lambda made: (
                            TaggedArticle(content_object=a, tag=t)
                            for a in made
                            for t in rng.sample(tag_rows, rng.randint(1, 4))
                        ),
                    )
                progress.update(size)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give a live database; before fill_related, whose candidate
            # query the planner otherwise runs as a scan of every story (12 stories/s at 100,000 stories, against about 420 with statistics).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Made without the services: their related stories are computed here (articles.related).
        call_command("fill_related", stdout=self.stdout, verbosity=options.get("verbosity", 1))
        self.stdout.write(f"generated {stories} stories ({Article.objects.count()} in all)")
