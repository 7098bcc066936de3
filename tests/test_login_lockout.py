"""Login throttling (django-axes): wrong passwords lock a user name out from one address for a while."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client, RequestFactory, override_settings

from ottawa_tracker.security import client_address

PASSWORD = "correct horse battery"  # the staff fixtures' password (tests/conftest.py)
LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str, address: str = "192.0.2.10", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **extra
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(username: str, address: str = "192.0.2.10", **extra) -> Client:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "wrong password", address, **extra)
    return client


def test_five_wrong_passwords_then_the_right_one_is_refused_with_a_clear_message(editor):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    client = Client()
    statuses = [attempt(client, "alice", f"guess {n}").status_code for n in range(1, 6)]
    # Four wrong passwords show the login form again; the fifth locks the pair out.
    assert statuses == [200, 200, 200, 200, 429]

    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "“alice”" in page and "5 times" in page and "15 minutes" in page
    assert "ask an administrator" in page
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert client.get("/admin/").status_code == 302  # still the login page


def test_the_lockout_counts_failures_whatever_the_user_name_exists(db):
    client = lock_out("nobody-by-this-name")
    assert attempt(client, "nobody-by-this-name", "x").status_code == 429


def test_another_user_from_the_same_address_and_the_same_user_elsewhere_still_log_in(editor, viewer):
    lock_out("alice", "192.0.2.10")

    colleague = Client()
    assert attempt(colleague, "bob", PASSWORD, "192.0.2.10").status_code == 302
    assert logged_in(colleague)

    elsewhere = Client()
    assert attempt(elsewhere, "alice", PASSWORD, "198.51.100.7").status_code == 302
    assert logged_in(elsewhere)

    again = Client()
    assert attempt(again, "alice", PASSWORD, "192.0.2.10").status_code == 429
    assert not logged_in(again)


def test_a_success_before_the_limit_starts_the_count_again(editor):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "alice", "wrong").status_code == 200
    assert attempt(client, "alice", PASSWORD).status_code == 302
    fresh = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(fresh, "alice", "wrong").status_code == 200
    assert attempt(fresh, "alice", PASSWORD).status_code == 302


def go_back_in_time(minutes: int) -> None:
    """Age every recorded failure, as if `minutes` had passed since."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_the_lockout_ends_after_the_cool_off(editor):
    client = lock_out("alice")
    go_back_in_time(14)
    assert attempt(client, "alice", PASSWORD).status_code == 429  # 14 minutes on: still locked
    # That try, made while locked out, started the wait again.
    go_back_in_time(14)
    assert attempt(client, "alice", PASSWORD).status_code == 429
    go_back_in_time(16)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


@override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=2))
def test_the_cool_off_follows_the_setting(editor):
    client = lock_out("alice")
    assert attempt(client, "alice", PASSWORD)["Retry-After"] == "120"
    go_back_in_time(3)
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_a_superuser_unlocks_through_the_admin_and_the_user_gets_in(editor):
    lock_out("alice")
    locked = AccessAttempt.objects.get(username="alice")
    admin_user = User.objects.create_superuser("root", password="another long passphrase")
    superuser = Client()
    superuser.force_login(admin_user)

    listing = superuser.get("/admin/axes/accessattempt/", {"locked_out": "yes"})
    assert listing.status_code == 200
    assert "alice" in listing.content.decode()
    assert "Unlock: forget these failed logins" in listing.content.decode()

    response = superuser.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [locked.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Unlocked alice from 192.0.2.10" in response.content.decode()
    assert not AccessAttempt.objects.exists()

    client = Client()
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_editors_and_viewers_cannot_see_or_clear_lockouts(editor_client, viewer_client, viewer):
    lock_out("bob")
    locked = AccessAttempt.objects.get(username="bob")
    for client in (editor_client, viewer_client):
        assert client.get("/admin/axes/accessattempt/").status_code == 403
        response = client.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [locked.pk]})
        assert response.status_code == 403
        assert client.post(f"/admin/axes/accessattempt/{locked.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=locked.pk).exists()


def test_a_spoofed_forwarded_for_does_not_escape_the_lockout_when_not_behind_a_proxy(editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_a_proxy_the_address_the_proxy_saw_counts_not_the_clients_claims(editor):
    client = Client()
    proxy = "10.0.0.1"
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The client makes up a new left-hand entry each time; the proxy appends the real address.
        attempt(client, "alice", "wrong", proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10")
    assert attempt(client, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10").status_code == 429
    # Another client behind the same proxy is someone else.
    other = Client()
    assert attempt(other, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.10", "6.6.6.6", "192.0.2.10"),
        (1, "10.0.0.1", "6.6.6.6, 192.0.2.10", "192.0.2.10"),
        (2, "10.0.0.1", "6.6.6.6, 192.0.2.10, 10.0.0.2", "192.0.2.10"),
        (2, "10.0.0.1", "192.0.2.10", "10.0.0.1"),  # fewer entries than proxies: the peer
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not an address", "10.0.0.1"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),  # an IPv6 client is its /64
        (0, "::ffff:192.0.2.10", "", "192.0.2.10"),  # an IPv4 client on an IPv6 socket
    ],
)
def test_client_address(hops, remote, forwarded, expected):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_HOPS=hops):
        assert client_address(request) == expected


def test_the_lockout_page_needs_no_inline_script_or_style(editor):
    client = lock_out("alice")
    page = attempt(client, "alice", PASSWORD).content.decode()
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_an_ipv6_client_cannot_escape_by_moving_within_its_64(editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "alice", "wrong", f"2001:db8:1:2::{n + 1}")
    assert attempt(client, "alice", PASSWORD, "2001:db8:1:2:ffff::99").status_code == 429
    neighbour = Client()
    assert attempt(neighbour, "alice", PASSWORD, "2001:db8:1:3::1").status_code == 302
