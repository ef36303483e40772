"""Pages of cases, playbooks and the onboarding path: thin views over selectors and services.

Access follows the org tree through the engine's selectors: a case out of the user's scope is
a 404, as if it did not exist. Every write goes through one service; htmx requests get one
part of the page back (`"cases/case.html#commitments"`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from symetrie.cases import playbooks, selectors
from symetrie.cases.forms import OnboardingStepForm, PlaybookSearchForm
from symetrie.core.http import HtmxHttpRequest
from symetrie.org.models import Employee
from symetrie.org.selectors import employee_for


def _employee(request: HtmxHttpRequest) -> Employee:
    """The employee using the page; anyone else (no record, departed) finds nothing here."""
    employee = employee_for(request.user)
    if employee is None or employee.has_left():
        raise Http404("Only an employee has cases, playbooks and an onboarding path.")
    return employee


@login_required
def playbook_list(request: HtmxHttpRequest) -> HttpResponse:
    _employee(request)
    form = PlaybookSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {"q": "", "audience": ""}
    found = playbooks.playbook_search(
        query=data["q"], audience=data["audience"], language=playbooks.language_for()
    )
    context = {"form": form, "playbooks": found, "query": data["q"], "section": "playbooks"}
    template = "cases/playbooks.html#results" if request.htmx else "cases/playbooks.html"
    return render(request, template, context)


@login_required
def playbook_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    employee = _employee(request)
    playbook = playbooks.playbook_get(slug=slug, language=playbooks.language_for())
    path = playbooks.onboarding_path(employee=employee, language=playbook.language)
    step = next((s for s in path.steps if s.playbook.slug == playbook.slug), None)
    latitude = selectors.latitude_for(employee=employee)
    context = {"playbook": playbook, "latitude": latitude, "step": step, "section": "playbooks"}
    return render(request, "cases/playbook.html", context)


@login_required
def onboarding(request: HtmxHttpRequest) -> HttpResponse:
    employee = _employee(request)
    path = playbooks.onboarding_path(employee=employee, language=playbooks.language_for())
    return render(request, "cases/onboarding.html", {"path": path, "section": "onboarding"})


@login_required
@require_POST
def onboarding_step(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Mark a step done (or not); from the onboarding page or from the playbook itself."""
    employee = _employee(request)
    language = playbooks.language_for()
    playbook = playbooks.playbook_get(slug=slug, language=language)
    if playbook.onboarding_rank is None:
        raise Http404("This playbook is not on the onboarding path.")
    form = OnboardingStepForm(request.POST)
    form.is_valid()
    playbooks.onboarding_step_complete(
        employee=employee, playbook=playbook, done=form.cleaned_data.get("done", True)
    )
    on_playbook = form.cleaned_data.get("back") == "playbook"
    if not request.htmx:
        return redirect("cases:playbook", slug) if on_playbook else redirect("cases:onboarding")
    path = playbooks.onboarding_path(employee=employee, language=language)
    if on_playbook:
        step = next(s for s in path.steps if s.playbook.slug == playbook.slug)
        return render(request, "cases/playbook.html#step", {"playbook": playbook, "step": step})
    return render(request, "cases/onboarding.html#path", {"path": path, "announce": True})
