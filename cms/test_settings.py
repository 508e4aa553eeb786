"""Tests run the production settings module with the environment a test machine gives it."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STRICT_HOSTNAMES", "1")
os.environ.setdefault("ALLOWED_HOSTS", ".localhost,localhost,testserver")
os.environ.setdefault("STATIC_MANIFEST", "0")

from cms.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Background tasks run at once, inside the test (tests/questions/test_mail_failures.py also uses the others).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# One media folder per pytest-xdist worker ("gw0", "gw1"…): tests that clear it must not race each other.
MEDIA_ROOT = VAR_DIR / f"test-media{os.environ.get('PYTEST_XDIST_WORKER', '')}"  # noqa: F405
QUESTIONS_ATTACHMENT_ROOT = f"{MEDIA_ROOT}-private"
# Tests sign staff in with force_login; the two-factor tests (tests/accounts) switch it on themselves.
# A setting, not the environment: the deploy-check tests run manage.py with this process's environment.
TWO_FACTOR_REQUIRED = False
