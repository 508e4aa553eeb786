"""The ceiling's only URL (benchmarks/ceiling_settings.py): a fixed small JSON body, on every path."""

from django.http import JsonResponse
from django.urls import re_path

BODY = {"status": "ok", "service": "ceiling"}


def ceiling(request):
    return JsonResponse(BODY)


urlpatterns = [re_path(r"", ceiling)]
