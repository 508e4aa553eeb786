"""Answer deadlines in working days: Vietnam's public holidays come from the `holidays` package for any
year; the Holiday table (a commune's row, then a national row) decides first."""

from datetime import date, datetime

import pytest

from questions.models import Holiday
from questions.workdays import add_working_days, is_working_day, public_holidays
from tests.conftest import client_for


def vn(text):
    """A date written the Vietnamese way, dd/mm/yyyy."""
    return datetime.strptime(text, "%d/%m/%Y").date()


def due(received, days, commune=None):
    """The deadline, printed dd/mm/yyyy so that a failure reads like the calendar on the wall."""
    return add_working_days(vn(received), days, commune).strftime("%d/%m/%Y")


@pytest.fixture
def no_rows(db):
    """An empty Holiday table: whatever is skipped then comes from the package alone."""
    Holiday.objects.all().delete()


def test_the_package_gives_tet_2027_with_vietnamese_names():
    tet = {day.strftime("%d/%m/%Y"): name for day, name in public_holidays(2027).items() if day.month == 2}

    # Mùng 1 Tết Đinh Mùi is Saturday 06/02/2027; the Saturday and Sunday are given back on 04/02 and 10/02.
    assert tet == {
        "04/02/2027": "29 Tết",
        "05/02/2027": "Giao thừa Tết Nguyên Đán",
        "06/02/2027": "Tết Nguyên Đán",
        "07/02/2027": "Mùng hai Tết Nguyên Đán",
        "08/02/2027": "Mùng ba Tết Nguyên Đán",
        "09/02/2027": "Mùng bốn Tết Nguyên Đán",
        "10/02/2027": "Mùng năm Tết Nguyên Đán",
    }


def test_a_deadline_across_tet_2027_skips_the_tet_days_with_no_table_rows(no_rows):
    # Received Wednesday 03/02/2027: 04–05/02 and 08–10/02 are days off, so the ten days run 11/02 to 24/02.
    assert due("03/02/2027", 10) == "24/02/2027"
    assert due("03/02/2027", 1) == "11/02/2027"
    # The same ten days a month later, with no holiday in the way, take the plain two weeks.
    assert due("03/03/2027", 10) == "17/03/2027"


@pytest.mark.parametrize("year", [2028, 2031, 2040])
def test_30_4_1_5_and_2_9_are_days_off_in_any_year(no_rows, year):
    for day in (date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)):
        assert not is_working_day(day, {}), day.strftime("%d/%m/%Y")


def test_deadlines_in_2028_skip_30_4_1_5_2_9_and_the_days_given_in_lieu(no_rows):
    # 30/04/2028 is a Sunday, given back on Tuesday 02/05; 01/05 is Monday.
    assert due("28/04/2028", 1) == "03/05/2028"
    # 02/09/2028 is a Saturday, given back on Monday 04/09; 01/09 is Friday.
    assert due("31/08/2028", 1) == "05/09/2028"


def test_a_make_up_working_saturday_row_counts(no_rows):
    assert due("05/05/2028", 1) == "08/05/2028"

    Holiday.objects.create(date=vn("06/05/2028"), name="Làm bù", is_working_day=True)

    assert due("05/05/2028", 1) == "06/05/2028"


def test_the_2026_swap_has_its_day_off_31_8_and_the_table_adds_its_make_up_saturday_22_8(db):
    # The package gives Monday 31/08/2026 off in place of Saturday 22/08/2026, but knows no working
    # Saturdays: portal staff add it to the table, as for every year's make-up days.
    assert due("21/08/2026", 1) == "24/08/2026"
    Holiday.objects.create(date=vn("22/08/2026"), name="Làm bù cho ngày 31/08", is_working_day=True)
    assert due("21/08/2026", 1) == "22/08/2026"
    # 31/08, 01/09 and 02/09/2026 are off: a question received on Friday 28/08 is due on Thursday 03/09.
    assert due("28/08/2026", 1) == "03/09/2026"


def test_a_communes_own_day_off_only_affects_that_commune(district):
    Holiday.objects.create(date=vn("12/06/2028"), name="Lễ hội truyền thống", commune=district.a.home)

    assert due("09/06/2028", 1, district.a.home) == "13/06/2028"
    assert due("09/06/2028", 1, district.b.home) == "12/06/2028"
    assert due("09/06/2028", 1) == "12/06/2028"


def test_a_national_working_day_row_overrides_a_package_holiday(no_rows):
    # 24/11/2027 (Ngày Văn hóa Việt Nam, a Wednesday) is a public holiday in the package.
    assert due("23/11/2027", 1) == "25/11/2027"

    Holiday.objects.create(date=vn("24/11/2027"), name="Đi làm bình thường", is_working_day=True)

    assert due("23/11/2027", 1) == "24/11/2027"


def test_a_communes_row_beats_the_national_row_which_beats_the_package(district):
    national = Holiday.objects.create(date=vn("24/11/2027"), name="Đi làm bình thường", is_working_day=True)
    Holiday.objects.create(date=national.date, name="Xã vẫn nghỉ", commune=district.a.home, is_working_day=False)

    assert due("23/11/2027", 1, district.a.home) == "25/11/2027"
    assert due("23/11/2027", 1, district.b.home) == "24/11/2027"


def test_a_row_repeating_a_package_holiday_is_not_counted_twice(no_rows):
    before = due("03/02/2027", 10)
    for day in ("04/02/2027", "05/02/2027", "08/02/2027", "09/02/2027", "10/02/2027"):
        Holiday.objects.create(date=vn(day), name="Tết Nguyên đán Đinh Mùi")

    assert due("03/02/2027", 10) == before == "24/02/2027"


def test_the_seeded_2026_rows_and_the_package_agree_on_tet_2026(db):
    # Tết Bính Ngọ: 16–20/02/2026 are both seeded rows (migration 0003) and package holidays.
    assert due("13/02/2026", 10) == "06/03/2026"


def test_add_working_days_makes_one_query_even_with_a_cold_holiday_cache(district, django_assert_num_queries):
    public_holidays.cache_clear()

    with django_assert_num_queries(1):
        assert due("03/02/2027", 10, district.a.home) == "24/02/2027"
    with django_assert_num_queries(1):
        assert due("20/12/2027", 10) == "04/01/2028"  # across a new year: two years of the package, one query


def test_the_package_calendar_is_cached_per_year_and_read_only():
    assert public_holidays(2027) is public_holidays(2027)
    with pytest.raises(TypeError):
        public_holidays(2027)[date(2027, 3, 8)] = "Ngày Quốc tế Phụ nữ"


def test_the_holiday_form_tells_editors_that_public_holidays_are_automatic(district):
    html = client_for(district.editor_a).get("/quan-tri/hoi-dap/ngay-nghi/new/").content.decode()

    assert "được tính tự động" in html
