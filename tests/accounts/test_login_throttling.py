"""Brute force on the admin sign-in: an account locks after a few wrong passwords, from wherever they
come, and an address locks after many, for whichever accounts; both lift after the cool-off.

The counts live in the database (django-axes' handler), so every gunicorn worker sees the same ones.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

PASSWORD = "matkhau-thu-nghiem"
LOGIN = "/quan-tri/login/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(username, password, address="203.0.113.10", **headers):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/quan-tri/"})
    return client, response


def is_signed_in(client):
    return "_auth_user_id" in client.session


def fail(username, times, address="203.0.113.10", **headers):
    for _ in range(times):
        _, response = sign_in(username, "sai-mat-khau", address, **headers)
    return response


def test_it_lets_the_right_password_in_after_a_few_mistakes(district):
    fail("duyet_dakla", 4)
    client, response = sign_in("duyet_dakla", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_it_locks_an_account_after_the_failure_limit_even_for_the_right_password(district):
    fail("duyet_dakla", 5)
    client, response = sign_in("duyet_dakla", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)
    page = response.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert "Vui lòng thử lại sau 15 phút." in page


def test_sixty_guesses_in_a_row_never_get_in(district):
    """The issue's report: 60 wrong passwords in 18 s, then the right one signed in."""
    responses = [sign_in("quantri", f"doan-{n}")[1].status_code for n in range(60)]
    assert responses[:4] == [200] * 4  # the form again, with its error
    assert set(responses[5:]) == {429}
    client, response = sign_in("quantri", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_it_locks_an_account_guessed_from_many_addresses(district):
    for n in range(5):
        fail("duyet_dakla", 1, address=f"198.51.100.{n}")
    client, response = sign_in("duyet_dakla", PASSWORD, address="198.51.100.99")
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_it_counts_a_username_whatever_its_case_and_spaces(district):
    for variant in ["Duyet_Dakla", " duyet_dakla", "DUYET_DAKLA", "duyet_dakla ", "duyet_DAKLA"]:
        fail(variant, 1)
    _, response = sign_in("duyet_dakla", PASSWORD)
    assert response.status_code == 429


def test_one_locked_account_leaves_other_accounts_at_the_same_address_alone(district):
    """A commune office shares one address: one official's typos must not lock their colleagues out."""
    fail("duyet_dakla", 5)
    client, response = sign_in("bientap_dakla", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_it_locks_an_address_that_tries_many_accounts(district):
    for n in range(12):
        fail(f"khong-ton-tai-{n}", 1)
    _, response = sign_in("bientap_dakla", PASSWORD)
    assert response.status_code == 429
    client, response = sign_in("bientap_dakla", PASSWORD, address="203.0.113.77")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_behind_a_trusted_proxy_it_locks_the_visitor_not_the_proxy(district, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(12):
        fail(f"khong-ton-tai-{n}", 1, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    _, response = sign_in("bientap_dakla", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert response.status_code == 429
    # Another visitor behind the same proxy is not locked; a forged leftmost address changes nothing.
    client, response = sign_in(
        "bientap_dakla", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50, 203.0.113.51"
    )
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_it_keeps_an_audit_record_of_every_failure(district):
    fail("duyet_dakla", 6, address="203.0.113.9")
    records = AccessFailureLog.objects.filter(username="duyet_dakla")
    assert records.count() == 6
    assert set(records.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert records.filter(locked_out=True).exists()
    attempt = AccessAttempt.objects.get(username="duyet_dakla")
    assert "sai-mat-khau" not in attempt.post_data  # the guessed password is not kept


def test_the_lock_lifts_after_the_cool_off(district):
    fail("duyet_dakla", 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    client, response = sign_in("duyet_dakla", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_cool_off_and_limits_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.test_settings", LOGIN_LOCKOUT_MINUTES="30", LOGIN_FAILURE_LIMIT="7",
        LOGIN_FAILURE_LIMIT_PER_ADDRESS="40",
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_COOLOFF_TIME.total_seconds(), s.AXES_FAILURE_LIMIT, s.LOGIN_FAILURE_LIMIT_PER_ADDRESS)"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=Path(__file__).resolve().parents[2],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.split() == ["1800.0", "7", "40"], result.stderr
    env["LOGIN_LOCKOUT_MINUTES"] = "mươi"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[2],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "LOGIN_LOCKOUT_MINUTES='mươi' is not a whole number" in result.stderr


def test_force_login_in_tests_is_not_throttled(district):
    from tests.conftest import client_for

    fail("quantri", 10)
    assert client_for(district.district_admin).get("/quan-tri/").status_code == 200
