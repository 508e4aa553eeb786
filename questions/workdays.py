"""Working days for answer deadlines: Monday to Friday, minus public holidays, plus make-up Saturdays."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from questions.models import Holiday


def answer_working_days():
    """How many working days a commune has to answer (configurable; 10 by default)."""
    return settings.QUESTIONS_ANSWER_WORKING_DAYS


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
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(start, days, commune=None):
    """The date `days` working days after `start` (the day of receipt itself does not count)."""
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
