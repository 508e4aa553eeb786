"""A request with a Host header no site claims logs one short line, not a traceback."""

import logging

import pytest
from django.test import Client

LOGGER = "django.security.DisallowedHost"


@pytest.mark.django_db
def test_a_disallowed_host_is_logged_in_one_line_without_a_traceback(caplog):
    with caplog.at_level(logging.INFO):
        response = Client(HTTP_HOST="evil.example.com:8080").get("/xa-dak-la/?q=1")

    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == LOGGER]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert "\n" not in line and len(line) < 300
    assert "evil.example.com:8080" in line and "/xa-dak-la/" in line
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_flood_of_disallowed_hosts_logs_one_short_line_each(caplog):
    hosts = [f"scanner-{i}.example.net" for i in range(20)] + ["x" * 5000 + ".example.net"]
    with caplog.at_level(logging.INFO):
        for host in hosts:
            Client(HTTP_HOST=host).get("/")

    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(lines) == len(hosts)
    assert all("\n" not in line and len(line) < 300 for line in lines)
    assert "Traceback" not in caplog.text


def test_a_forged_host_cannot_write_extra_lines_into_the_log():
    from django.test import RequestFactory

    from cms.log_filters import DisallowedHostOneLine

    request = RequestFactory().get("/", HTTP_HOST="evil.example\nFAKE LOG LINE")
    record = logging.LogRecord(LOGGER, logging.ERROR, __file__, 1, "Invalid HTTP_HOST header", (), None)
    record.request = request
    DisallowedHostOneLine().filter(record)

    assert "\n" not in record.getMessage()
