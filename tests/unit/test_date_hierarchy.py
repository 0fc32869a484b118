"""The admin's date hierarchy periods come from MIN and MAX, in IST."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles import services
from articles.models import Article
from tests.factories import make_story

IST = ZoneInfo("Asia/Kolkata")


@pytest.mark.django_db
def test_years_months_and_days_between_first_and_last_in_ist(django_assert_max_num_queries):
    # 2024-12-31 20:00 UTC is already 2025 in IST.
    services.publish(make_story(headline="a"), at=datetime(2024, 12, 31, 20, 0, tzinfo=ZoneInfo("UTC")), actor=services.COMMAND)
    services.publish(make_story(headline="b"), at=datetime(2025, 2, 3, 9, 0, tzinfo=IST), actor=services.COMMAND)
    with django_assert_max_num_queries(1):
        years = Article.objects.datetimes("published_at", "year")
    assert [d.year for d in years] == [2025]
    months = Article.objects.filter(published_at__year=2025).datetimes("published_at", "month")
    assert [(d.year, d.month) for d in months] == [(2025, 1), (2025, 2)]
    days = Article.objects.filter(published_at__year=2025, published_at__month=1).datetimes("published_at", "day")
    assert [d.day for d in days] == [1]
    assert all(d.utcoffset().total_seconds() == 19800 for d in years + months + days)


def test_admin_change_list_date_hierarchy_renders(admin_client):
    services.publish(make_story(headline="c"), at=datetime(2023, 5, 1, 9, 0, tzinfo=IST), actor=services.COMMAND)
    services.publish(make_story(headline="d"), at=datetime(2025, 5, 1, 9, 0, tzinfo=IST), actor=services.COMMAND)
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert "published_at__year=2023" in html and "published_at__year=2024" in html and "published_at__year=2025" in html
