"""One way to paginate a public listing: `?trang=N`. A page number that is no number (or below 1) is
the first page, one past the end the last (Django clamps it)."""

from django.core.paginator import Paginator

from core.numbers import parse_int

PAGE_SIZE = 10
PAGE_PARAMETER = "trang"


def paginate(request, queryset, per_page=PAGE_SIZE):
    number = parse_int(request.GET.get(PAGE_PARAMETER), default=1, minimum=1)
    return Paginator(queryset, per_page).get_page(number)
