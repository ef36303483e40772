"""Every page of the app, plus `/bench/bare/`: the smallest authenticated page the same stack
can serve (sessions, authentication, CSRF, locale, htmx middleware), a tiny response and no
query of its own, to measure the customer screen against."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from symetrie.urls import urlpatterns as app_urlpatterns


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
