"""One way to paginate a public listing: `?trang=N`, whatever N is (Django clamps bad values)."""

from django.core.paginator import Paginator

PAGE_SIZE = 10
PAGE_PARAMETER = "trang"


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get(PAGE_PARAMETER))
