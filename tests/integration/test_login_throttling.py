"""Login throttling behind the TLS proxy (issue 12, point 7), through the real admin login view.

The proxy is REMOTE_ADDR 10.0.0.5 and appends the address it saw to X-Forwarded-For; TRUSTED_PROXY_COUNT=1 says so.
"""
import pytest
from django.test import RequestFactory

from core.throttling import client_ip

LOGIN = "/admin/login/?next=/admin/"
PROXY = "10.0.0.5"
ATTACKER, DESK = "203.0.113.9", "198.51.100.7"
PASSWORD = "the-right-password-123"


def attempt(client, username, password, *, via, forwarded_prefix=""):
    forwarded = f"{forwarded_prefix}, {via}" if forwarded_prefix else via
    client.logout()
    response = client.post(LOGIN, {"username": username, "password": password},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    logged_in = "_auth_user_id" in client.session
    return response.status_code, logged_in


@pytest.fixture
def staff(django_user_model, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name in ["desk", *(f"user{i}" for i in range(12))]:
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)


@pytest.mark.django_db
def test_guessing_one_password_locks_out_that_address_only(client, staff):
    for _ in range(4):
        assert attempt(client, "desk", "wrong", via=ATTACKER) == (200, False)
    assert attempt(client, "desk", "wrong", via=ATTACKER) == (429, False)  # the fifth failure locks
    # The attacker is locked out even with the right password, and cannot hide behind a forged header prefix.
    assert attempt(client, "desk", PASSWORD, via=ATTACKER)[0] == 429
    assert attempt(client, "desk", PASSWORD, via=ATTACKER, forwarded_prefix=DESK)[0] == 429
    # The real user, through the same proxy, is not.
    assert attempt(client, "desk", PASSWORD, via=DESK) == (302, True)


@pytest.mark.django_db
def test_spraying_many_usernames_from_one_address_is_locked_out(client, staff):
    for i in range(9):
        assert attempt(client, f"user{i}", "Winter2026!", via=ATTACKER) == (200, False)
    assert attempt(client, "user9", "Winter2026!", via=ATTACKER) == (429, False)  # the tenth address-wide failure
    assert attempt(client, "user11", PASSWORD, via=ATTACKER)[0] == 429
    assert attempt(client, "desk", PASSWORD, via=ATTACKER)[0] == 429
    assert attempt(client, "user11", PASSWORD, via=DESK) == (302, True)


@pytest.mark.django_db
def test_fewer_failures_across_usernames_do_not_lock(client, staff):
    for i in range(9):
        attempt(client, f"user{i}", "wrong", via=ATTACKER)
    assert attempt(client, "user10", PASSWORD, via=ATTACKER) == (302, True)


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_is_ignored(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        client.post(LOGIN, {"username": "desk", "password": "wrong"}, REMOTE_ADDR=ATTACKER,
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    response = client.post(LOGIN, {"username": "desk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER,
                           HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "1.1.1.1", "10.0.0.5"),
    (1, "1.1.1.1", "1.1.1.1"),
    (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
    (2, "6.6.6.6, 1.1.1.1, 172.16.0.2", "1.1.1.1"),
    (2, "1.1.1.1", "10.0.0.5"),  # did not pass through both proxies
    (1, "not-an-ip", "10.0.0.5"),
    (1, "", "10.0.0.5"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
