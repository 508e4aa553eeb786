"""Working days for answer deadlines: Monday to Friday, minus public holidays, plus make-up Saturdays.

Two sources, in this order of precedence for a given date:

1. the project's Holiday table: a commune's own row, else a national row (kept by portal staff for
   what no library can know: the government's yearly extra days off and make-up working Saturdays,
   local festivals, corrections). `is_working_day=True` makes the date a working day even if it is a
   weekend day or a public holiday; `is_working_day=False` makes it a day off.
2. the `holidays` package's calendar of Vietnam's public holidays (Bộ luật Lao động 2019, Điều 112:
   Tết Dương lịch, Tết Nguyên đán with the lunar calendar, Giỗ Tổ, 30/4, 1/5, Quốc khánh, with the
   days off in lieu when one falls on a weekend), for any year, without seeding.

Every date is simply "working" or "not": a table row repeating a package holiday changes nothing.
"""

from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from django.conf import settings
from django.db.models import Q

from questions.models import Holiday


def answer_working_days():
    """How many working days a commune has to answer (configurable; 10 by default)."""
    return settings.QUESTIONS_ANSWER_WORKING_DAYS


@lru_cache(maxsize=64)
def public_holidays(year):
    """{date: Vietnamese name} of Vietnam's public holidays in `year`, from the `holidays` package.

    Computed in memory once per year and process; read-only so no caller can spoil the cache.
    """
    return MappingProxyType(dict(holidays.country_holidays("VN", language="vi", years=year)))


def calendar_overrides(start, end, commune=None):
    """{date: is_working_day} for the national days and the commune's own days between start and end."""
    scope = Q(commune__isnull=True)
    if commune is not None:
        scope |= Q(commune=commune)
    overrides, local = {}, set()
    for day, is_working, commune_id in Holiday.objects.filter(scope, date__range=(start, end)).values_list(
        "date", "is_working_day", "commune_id"
    ):
        # A commune's own row for a date wins over the national one.
        if commune_id is not None:
            overrides[day] = is_working
            local.add(day)
        elif day not in local:
            overrides[day] = is_working
    return overrides


def is_working_day(day, overrides):
    """A table row decides first, then the package's public holidays, then the day of the week."""
    if day in overrides:
        return overrides[day]
    if day in public_holidays(day.year):
        return False
    return day.weekday() < 5


def add_working_days(start, days, commune=None):
    """The date `days` working days after `start` (the day of receipt itself does not count).

    One database query for the Holiday rows of the window; the public holidays come from memory.
    """
    # Tết can take nine calendar days; a generous window keeps this to one query.
    window_end = start + timedelta(days=days * 2 + 30)
    overrides = calendar_overrides(start, window_end, commune)
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if day > window_end:  # an absurd holiday table; fetch more rather than loop blind
            window_end = day + timedelta(days=60)
            overrides.update(calendar_overrides(day, window_end, commune))
        if is_working_day(day, overrides):
            remaining -= 1
    return day
