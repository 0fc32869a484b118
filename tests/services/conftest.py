import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.factories import make_reporter


def member(role, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def editor(db):
    return member("Editor", "editor")


@pytest.fixture
def reporter_user(db):
    user = member("Reporter", "ritu")
    make_reporter("Ritu Sharma", user=user)
    return user


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
