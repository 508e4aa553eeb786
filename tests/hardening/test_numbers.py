"""Numbers from requests go through `core.numbers.parse_int`: ASCII digits only, bounded, never a 500.

`"²".isdigit()` is true and `int("²")` fails: every place that did `isdigit()` then `int()` answered 500."""

import re
from pathlib import Path

import pytest
from django.test import Client

from core.numbers import BIGINT_MAX, INT_MAX, parse_int
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value, expected", [
    ("12", 12), ("0", 0), (" 2024 ", 2024), ("-5", -5), ("007", 7), (12, 12), (str(BIGINT_MAX), BIGINT_MAX),
])
def test_it_reads_ascii_digits(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [
    None, "", " ", "-", "²", "²²²²", "١٢", "１２", "12a", "1_000", "1.5", "1e3", "+5", "--5", "0x10", "1\x002",
    "\x00", "12\n", "½", str(BIGINT_MAX + 1), "9" * 5000, "-" + "9" * 30, True, 1.0, b"12", ["12"],
])
def test_it_refuses_anything_else_without_raising(value):
    assert parse_int(value) is None
    assert parse_int(value, default=7) == 7


def test_it_gives_the_default_outside_the_bounds():
    assert parse_int("1944", minimum=1945, maximum=2100) is None
    assert parse_int("2101", minimum=1945, maximum=2100, default=0) == 0
    assert parse_int("2024", minimum=1945, maximum=2100) == 2024
    assert parse_int(str(INT_MAX + 1), maximum=INT_MAX) is None
    assert parse_int("-1", minimum=1) is None


# ------------------------------------------------------------------ the requests that answered 500


@pytest.mark.django_db
@pytest.mark.parametrize("host, url", [
    ("localhost", "/tim-kiem/?q=dak&xa=²"),
    ("localhost", "/tim-kiem/?q=dak&xa=99999999999999999999999"),
    ("localhost", "/tim-kiem/?q=dak&trang=²"),
    ("localhost", "/xa-dak-la/van-ban/?nam=²²²²"),
    ("dak-la.localhost", "/van-ban/?nam=²²²²"),
    ("dak-la.localhost", "/van-ban/?nam=٢٠٢٤"),
    ("dak-la.localhost", "/van-ban/?trang=99999999999999999999999"),
    ("localhost", "/hoi-dap/?xa=²"),
    ("localhost", "/hoi-dap/gui-cau-hoi/?xa=²"),
    ("localhost", "/hoi-dap/gui-cau-hoi/?xa=99999999999999999999999"),
])
def test_it_answers_a_unicode_digit_or_a_huge_number_in_a_public_query_without_a_500(district, host, url):
    response = Client(HTTP_HOST=host).get(url)

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_document_lookup_says_a_unicode_year_is_invalid(district):
    html = Client(HTTP_HOST="dak-la.localhost").get("/van-ban/", {"nam": "²²²²"}).content.decode()

    assert "Năm ban hành “²²²²” không hợp lệ" in html


ADMIN_ID_URLS = [
    "/quan-tri/choose-page/chosen-multiple/?id=²",
    "/quan-tri/choose-page/chosen-multiple/?id=99999999999999999999",
    "/quan-tri/choose-page/?target_pages[]=²",
    "/quan-tri/images/chooser/chosen-multiple/?id=²",
    "/quan-tri/documents/chooser/chosen-multiple/?id=abc",
    "/quan-tri/images/chooser/chosen/%C2%B2/",
    "/quan-tri/documents/chooser/chosen/abc/",
    "/quan-tri/bulk/wagtailcore/page/delete/?id=%C2%B2",
    "/quan-tri/bulk/wagtailcore/page/delete/?id=all&childOf=%C2%B2",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_ID_URLS)
@pytest.mark.parametrize("who", ["district_admin", "editor_a"])
def test_it_refuses_an_admin_id_that_is_no_number_with_400_not_500(district, url, who):
    response = client_for(getattr(district, who)).get(url)

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_page_chooser_still_returns_pages_chosen_by_real_ids(district):
    home = district.a.home
    response = client_for(district.editor_a).get("/quan-tri/choose-page/chosen-multiple/", {"id": [home.pk]})

    assert response.status_code == 200
    assert [page["id"] for page in response.json()["result"]] == [home.pk]


# -------------------------------------------------------------- no other parse slips past the helper

# `int(` on a value that came from a request; `isdigit()` deciding whether to call int() just after it.
INT_OF_REQUEST = re.compile(r"(?<![\w.])int\((request|params|self\.request|selected)\b|(?<![\w.])int\([^)]*\.GET")
ISDIGIT = re.compile(r"\.isdigit\(\)")
INT_CALL = re.compile(r"(?<![\w.])int\(")
PROJECT_CODE = [
    "accounts", "broadcasts", "cms", "communes", "core", "home", "ops", "provisioning", "questions", "search", "sites",
]


def test_no_view_parses_a_number_from_a_request_without_the_helper():
    found = []
    for app in PROJECT_CODE:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative == "core/numbers.py":
                continue
            lines = [line.split("  # ")[0] for line in path.read_text(encoding="utf-8").splitlines()]
            for index, code in enumerate(lines):
                guarded_int = ISDIGIT.search(code) and any(INT_CALL.search(after) for after in lines[index:index + 3])
                if INT_OF_REQUEST.search(code) or guarded_int:
                    found.append(f"{relative}:{index + 1}: {code.strip()}")
    assert not found, "parse request numbers with core.numbers.parse_int:\n" + "\n".join(found)
