from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from symetrie.org.selectors import unit_headcount_visible_to, unit_home_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    focus = unit_home_for(user=request.user)
    stats = unit_headcount_visible_to(user=request.user, unit=focus) if focus is not None else None
    return render(request, "core/home.html", {"focus": focus, "stats": stats, "section": "home"})
