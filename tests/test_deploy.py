"""The production configuration: secure by default, loud about bad values."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT", "STRICT_HOSTNAMES"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "cms.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="x7#kP2m9vQ4rT8wZ1nB6cF3hJ5lS0dG7aY2eU9iO4pK8mN1bV6cX3zQ",
        ALLOWED_HOSTS=".dakha.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", SECRET_KEY="", ALLOWED_HOSTS=".dakha.gov.vn")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_a_malformed_boolean_is_named_in_the_error():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_language_and_time_zone_are_vietnamese(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert ("en", "English") in settings.WAGTAIL_CONTENT_LANGUAGES


def test_the_first_migration_makes_vietnamese_the_default_locale(db):
    from wagtail.models import Locale

    assert Locale.get_default().language_code == "vi"


def redis_reachable():
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


def test_redis_url_switches_the_shared_cache_to_redis():
    import pytest

    if not redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379")
    result = run_manage(
        "shell", "-c",
        "from django.core.cache import caches; cache = caches['default']; cache.set('probe', 'đã lưu', 30); "
        "print(type(cache).__name__, cache.get('probe'))",
        SECRET_KEY="x7#kP2m9vQ4rT8wZ1nB6cF3hJ5lS0dG7aY2eU9iO4pK8mN1bV6cX3zQ", REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert "RedisCache đã lưu" in result.stdout


def test_english_is_enabled_beside_vietnamese(db):
    from wagtail.models import Locale

    assert set(Locale.objects.values_list("language_code", flat=True)) == {"vi", "en"}


def test_no_group_holds_permissions_on_every_commune_out_of_the_box(db):
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
