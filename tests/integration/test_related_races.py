"""Two desks publish stories with the same neighbours at the same moment: the second change waits for the first to
commit (articles.related._serialize), neither fails, and every list, the two new stories' included, ends as
computed from everything committed.

PostgreSQL only: that is where two writing transactions interleave (on SQLite every writer holds the whole database).
"""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from articles import related, services
from articles.models import Article, RelatedStory
from tests.factories import make_reporter, make_story

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
]
ROUNDS = 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_two_stories_with_shared_neighbours_at_once_fails_neither():
    reporter = make_reporter()
    neighbours = [
        services.publish(make_story(headline=f"Neighbour {i}", tags=["rain"], reporters=[reporter]), actor=services.COMMAND)
        for i in range(10)
    ]
    errors = []

    def publish(story, barrier):
        try:
            barrier.wait(timeout=30)
            services.publish(story, actor=services.COMMAND)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
        finally:
            connection.close()

    for n in range(ROUNDS):
        drafts = [make_story(headline=f"Round {n} {side}", tags=["rain"], reporters=[reporter]) for side in "ab"]
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=publish, args=(draft, barrier)) for draft in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    now = timezone.now()
    assert len(neighbours) + 2 * ROUNDS == Article.objects.count()
    for story in Article.objects.all():
        inputs = related.inputs_of([story.pk])[story.pk]
        expected = related.rank(related.candidates(story.pk, inputs, now))
        kept = list(RelatedStory.objects.filter(story=story).order_by("position").values_list("related_id", flat=True))
        assert kept == expected, story.headline
