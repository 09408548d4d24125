"""Sign-in throttling through the real sign-in pages: counts per username and per client address,
refusals with the right password, the sliding window (on a moved clock), clearing on success, and
the counts living in the database rather than in one process."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, RequestFactory

from linlab.web.learning import throttle
from linlab.web.learning.models import SignInFailure

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RIGHT = "a-long-passphrase-1"  # the learner fixture's password (tests/web/conftest.py)
T0 = datetime(2030, 5, 17, 10, 0, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, starting at T0; ``clock.at(seconds)`` moves it to T0 + seconds."""

    class Clock:
        now = T0

        def at(self, seconds: float) -> None:
            self.now = T0 + timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: c.now)
    return c


def _sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def _signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _window() -> int:
    return settings.LINLAB_SIGNIN_WINDOW_SECONDS


def _expected_message(reason: str, until: datetime, now: datetime) -> str:
    seconds = math.ceil((until - now).total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    why = {"username": "Too many failed sign-ins for this username.",
           "client": "Too many failed sign-ins from your network address."}[reason]
    unit = "minute" if minutes == 1 else "minutes"
    return f"{why} Try again in {minutes} {unit}, after {until:%H:%M} UTC."


def _assert_refused(response, reason: str, until: datetime, now: datetime) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(math.ceil((until - now).total_seconds()))
    html = response.content.decode()
    assert f'data-throttled="true">{_expected_message(reason, until, now)}</div>' in html
    assert 'name="password"' in html  # the form is there to try again later


def test_limits_are_the_documented_numbers():
    assert (settings.LINLAB_SIGNIN_USERNAME_LIMIT, settings.LINLAB_SIGNIN_IP_LIMIT, settings.LINLAB_SIGNIN_WINDOW_SECONDS) == (5, 20, 900)


def test_n_failures_refuse_the_right_password_until_the_window_has_passed(client, learner, clock):
    limit, window = settings.LINLAB_SIGNIN_USERNAME_LIMIT, _window()
    for i in range(limit):
        clock.at(i)
        response = _sign_in(client, "ada", f"wrong-{i}")
        assert response.status_code == 200 and "correct username and password" in response.content.decode()
    assert SignInFailure.objects.filter(username="ada").count() == limit

    clock.at(limit + 10)
    refused = _sign_in(client, "ada", RIGHT)
    _assert_refused(refused, "username", T0 + timedelta(seconds=window), clock.now)  # the first failure leaves then
    assert _signed_in_as(client) is None
    assert SignInFailure.objects.count() == limit  # a refused attempt is not counted

    clock.at(window - 1)  # the first failure is still in the window
    _assert_refused(_sign_in(client, "ada", RIGHT), "username", T0 + timedelta(seconds=window), clock.now)

    clock.at(window + 0.5)  # it has left: four failures remain, one under the limit
    response = _sign_in(client, "ada", RIGHT)
    assert response.status_code == 302 and _signed_in_as(client) == str(learner.pk)
    assert not SignInFailure.objects.filter(username="ada").exists()  # success cleared them


def test_case_and_width_variants_count_as_one_username(client, learner, clock):
    for name in ["ada", "ADA", "Ada", "ａｄａ", " ada "]:
        _sign_in(client, name, "nope")
    response = _sign_in(client, "ada", RIGHT)
    assert response.status_code == 429


def test_success_clears_the_usernames_failures(client, learner, clock):
    limit = settings.LINLAB_SIGNIN_USERNAME_LIMIT
    for i in range(limit - 1):
        _sign_in(client, "ada", f"wrong-{i}")
    assert _sign_in(client, "ada", RIGHT).status_code == 302
    assert not SignInFailure.objects.exists()
    client.post("/accounts/logout/")
    for i in range(limit - 1):  # limit - 1 again: 2 * (limit - 1) >= limit would refuse without the clearing
        _sign_in(client, "ada", f"again-{i}")
    assert _sign_in(client, "ada", RIGHT).status_code == 302


def test_other_usernames_work_until_the_client_limit(client, learner, other_learner, clock):
    user_limit, ip_limit = settings.LINLAB_SIGNIN_USERNAME_LIMIT, settings.LINLAB_SIGNIN_IP_LIMIT
    for i in range(user_limit):
        _sign_in(client, "ada", f"wrong-{i}")
    assert _sign_in(client, "ada", RIGHT).status_code == 429
    assert _sign_in(client, "bob", "a-long-passphrase-2").status_code == 302  # same address, another name
    client.post("/accounts/logout/")

    # more failures from this address, each name once (no name reaches its own limit)
    for i in range(ip_limit - user_limit - 1):
        clock.at(10 + i)
        assert _sign_in(client, f"guess-{i}", "x").status_code == 200
    assert _sign_in(client, "bob", "a-long-passphrase-2").status_code == 302  # one below the limit
    client.post("/accounts/logout/")
    clock.at(100)
    _sign_in(client, "one-more", "x")  # the limit-th failure from 127.0.0.1
    assert SignInFailure.objects.filter(client="127.0.0.1").count() == ip_limit

    clock.at(101)
    refused = _sign_in(client, "bob", "a-long-passphrase-2")
    _assert_refused(refused, "client", T0 + timedelta(seconds=_window()), clock.now)  # oldest of the 20: ada's first
    assert _signed_in_as(client) is None

    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert _sign_in(elsewhere, "bob", "a-long-passphrase-2").status_code == 302


def test_the_counts_live_in_the_database_and_are_shared_by_clients(learner, clock):
    """Two browsers (separate clients, separate cookies) add to one count; no cache holds it."""
    first, second = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    for i in range(3):
        _sign_in(first, "ada", f"a-{i}")
    for i in range(2):
        _sign_in(second, "ada", f"b-{i}")
    for alias in settings.CACHES:
        caches[alias].clear()
    assert sorted(SignInFailure.objects.values_list("client", flat=True)) == ["203.0.113.1"] * 3 + ["203.0.113.2"] * 2
    assert _sign_in(first, "ada", RIGHT).status_code == 429
    assert _sign_in(Client(REMOTE_ADDR="192.0.2.50"), "ada", RIGHT).status_code == 429


def test_old_failures_are_deleted_as_new_ones_come(client, clock):
    for i in range(4):
        clock.at(i)
        _sign_in(client, f"name-{i}", "x")
    clock.at(_window() + 2)  # failures at 0, 1 and 2 s have left the window; the one at 3 s has not
    _sign_in(client, "late", "x")
    assert sorted(SignInFailure.objects.values_list("username", flat=True)) == ["late", "name-3"]


def test_the_admin_sign_in_is_throttled_too(client, django_user_model, clock):
    django_user_model.objects.create_user(username="root", password="staff-passphrase-9", is_staff=True, is_superuser=True)
    for i in range(settings.LINLAB_SIGNIN_USERNAME_LIMIT):
        client.post("/admin/login/", {"username": "root", "password": f"wrong-{i}", "next": "/admin/"})
    assert SignInFailure.objects.filter(username="root").count() == settings.LINLAB_SIGNIN_USERNAME_LIMIT
    response = client.post("/admin/login/", {"username": "root", "password": "staff-passphrase-9", "next": "/admin/"})
    assert response.status_code == 200 and _signed_in_as(client) is None  # the form again, not the admin
    assert _sign_in(client, "root", "staff-passphrase-9").status_code == 429


def test_blank_fields_are_not_counted(client, clock):
    client.post(LOGIN, {"username": "ada", "password": ""})
    client.post(LOGIN, {"username": "", "password": "x"})
    assert not SignInFailure.objects.exists()


def test_the_api_takes_no_passwords(client):
    """The throttle covers password sign-ins; an API endpoint taking a password would need it too."""
    schema = client.get("/api/v1/openapi.json").json()
    fields = set()

    def walk(node):
        if isinstance(node, dict):
            fields.update(k.lower() for k in node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert "answer" in fields  # the walk does see request bodies
    assert not {f for f in fields if "password" in f or "passwd" in f or f == "secret"}


# -- the client address ------------------------------------------------------------------------------------


@pytest.mark.parametrize("remote, forwarded, trusted, expected", [
    ("192.0.2.1", "", [], "192.0.2.1"),
    ("192.0.2.1", "203.0.113.9", [], "192.0.2.1"),  # an untrusted peer cannot name another address
    ("10.0.0.2", "203.0.113.9", ["10.0.0.2"], "203.0.113.9"),
    ("10.0.0.2", "1.1.1.1, 203.0.113.9", ["10.0.0.2"], "203.0.113.9"),  # the client's own claim is left of it
    ("10.0.0.2", "203.0.113.9, 10.0.0.3", ["10.0.0.2", "10.0.0.3"], "203.0.113.9"),  # two proxies
    ("10.0.0.2", "203.0.113.9, junk", ["10.0.0.2"], "10.0.0.2"),  # malformed: keep what is known
    ("10.0.0.2", "", ["10.0.0.2"], "10.0.0.2"),
    ("2001:db8:1:2:aaaa::1", "", [], "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.7", "", [], "192.0.2.7"),
    ("not-an-address", "", [], ""),
])
def test_client_address(settings, remote, forwarded, trusted, expected):
    settings.LINLAB_TRUSTED_PROXIES = trusted
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_of(request) == expected


def test_clients_of_one_ipv6_network_share_a_count(learner, clock):
    for i in range(settings.LINLAB_SIGNIN_IP_LIMIT):
        _sign_in(Client(REMOTE_ADDR=f"2001:db8:5:6::{i + 1:x}"), f"n{i}", "x")
    assert _sign_in(Client(REMOTE_ADDR="2001:db8:5:6:ffff::1"), "ada", RIGHT).status_code == 429
    assert _sign_in(Client(REMOTE_ADDR="2001:db8:5:7::1"), "ada", RIGHT).status_code == 302
