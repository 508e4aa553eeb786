"""Many citizens submitting at the same moment: nothing lost, nothing doubled, codes unique.

Each thread is a separate request with its own database connection, as gunicorn workers would be.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from questions import ratelimit
from questions.models import Question, QuestionContact, RateLimitCounter
from tests.questions.conftest import form_data

SUBMISSIONS = 24

pytestmark = [
    # serialized_rollback brings back what migrations seeded (locales, holidays) for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer, so concurrency is only meaningful on PostgreSQL "
        "(run with DATABASE_URL=postgres://…)",
    ),
]


def run_at_once(count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(n):
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_concurrent_submissions_are_each_stored_exactly_once_with_unique_codes(district):
    def submit(n):
        client = Client(HTTP_HOST="dak-la.localhost")
        response = client.post(
            "/hoi-dap/gui-cau-hoi/",
            form_data(title=f"Câu hỏi đồng thời số {n:03d}", email=f"nguoi{n}@example.vn"),
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        return response.status_code

    statuses = run_at_once(SUBMISSIONS, submit)

    assert statuses == [302] * SUBMISSIONS
    titles = list(Question.objects.values_list("title", flat=True))
    assert sorted(titles) == sorted(f"Câu hỏi đồng thời số {n:03d}" for n in range(SUBMISSIONS))
    assert len(set(Question.objects.values_list("tracking_code", flat=True))) == SUBMISSIONS
    assert QuestionContact.objects.count() == SUBMISSIONS


def test_a_burst_from_one_address_cannot_slip_past_the_limit(district, settings):
    settings.QUESTIONS_RATE_LIMITS = {"submit-ip-hour": (5, 3600)}

    allowed = run_at_once(20, lambda n: ratelimit.hit("submit-ip-hour", "203.0.113.99"))

    assert allowed.count(True) == 5
    assert RateLimitCounter.objects.get(key__startswith="submit-ip-hour:203.0.113.99").count == 20
