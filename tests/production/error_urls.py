"""The site's URLs plus one view that fails, for the error page tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from vcfweb.urls import urlpatterns as site_patterns

FAILURE_DETAIL = "internal-detail-QX-9917"


def fail(request: HttpRequest) -> HttpResponse:
    local_secret = FAILURE_DETAIL  # noqa: F841 - a technical 500 page would show this local
    raise RuntimeError(FAILURE_DETAIL)


urlpatterns = [path("test-failure/", fail), *site_patterns]
