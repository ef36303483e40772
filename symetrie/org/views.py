from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from symetrie.core.http import HtmxHttpRequest
from symetrie.org import selectors

# Who the people list shows: present today, departed, or everyone.
PEOPLE_STATUSES = ("active", "left", "all")


@login_required
def tree(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "roots": selectors.unit_roots_visible_to(user=request.user),
        "matches": selectors.unit_search_visible_to(user=request.user, query=query)[:50]
        if query
        else None,
        "section": "org",
    }
    template = "org/tree.html#results" if request.htmx else "org/tree.html"
    return render(request, template, context)


@login_required
def children(request: HtmxHttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_visible_to(user=request.user, code=code)
    nodes = selectors.unit_children_visible_to(user=request.user, unit=unit)
    return render(request, "org/tree.html#nodes", {"nodes": nodes})


@login_required
def unit(request: HtmxHttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_visible_to(user=request.user, code=code)
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "active")
    if status not in PEOPLE_STATUSES:
        status = "active"
    employees = selectors.employee_list_in_unit_visible_to(
        user=request.user, unit=unit, query=query, status=status
    )
    page = Paginator(employees, 25).get_page(request.GET.get("page"))
    if request.htmx and request.htmx.target == "employees":
        return render(
            request,
            "org/unit.html#employees",
            {"unit": unit, "page": page, "query": query, "status": status},
        )
    counts = selectors.unit_headcount_visible_to(user=request.user, unit=unit)
    own = selectors.employee_for(request.user)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors_visible_to(user=request.user, unit=unit),
        "children": selectors.unit_children_visible_to(user=request.user, unit=unit),
        "counts": counts,
        "turnover": selectors.turnover_rate(counts),
        "page": page,
        "query": query,
        "status": status,
        "section": "unit" if own is not None and own.unit_id == unit.pk else "org",
    }
    return render(request, "org/unit.html", context)
