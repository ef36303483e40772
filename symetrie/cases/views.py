"""Pages of cases, playbooks and the onboarding path: thin views over selectors and services.

Access follows the org tree through the engine's selectors: a case out of the user's scope is
a 404, as if it did not exist. Every write goes through one service (`cases.services`); htmx
requests get one part of the page back (`"cases/case.html#commitments"`) with the timeline
and the case's summary swapped out of band; without JavaScript every form posts and redirects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from symetrie.cases import playbooks, selectors, services, status_link
from symetrie.cases.forms import (
    CaseOpenForm,
    CommitmentForm,
    DecisionForm,
    EscalateForm,
    EscalationDecideForm,
    FrictionForm,
    HandoffForm,
    NextStepForm,
    OnboardingStepForm,
    PlaybookSearchForm,
    TransitionForm,
)
from symetrie.cases.models import Decision
from symetrie.cases.views_support import (
    STATUS_LINK_DAYS,
    CasePage,
    CustomerPanel,
    process_choices,
)
from symetrie.core.audience import Audience
from symetrie.core.http import HtmxHttpRequest
from symetrie.core.jinja import render_blocks
from symetrie.customers import selectors as customer_selectors
from symetrie.org.models import Employee
from symetrie.org.selectors import (
    Persona,
    Reach,
    employee_for,
    persona_for,
    scope_for,
    unit_get_visible_to,
)

CASE = "cases/case.html"
# The cases slot of the customer's screen, in Jinja2 as the screen is (core/jinja.py).
CUSTOMER_CASES = "cases/customer_cases.html"
LIST_PAGE = 50


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
    return render(request, "cases/onboarding.html", {"path": path, "section": "playbooks"})


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


# ---------------------------------------------------------------- the case page


@login_required
def case_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_visible_to(user=request.user, pk=pk)
    page = CasePage(case=case, employee=_acting(request))
    if request.htmx and request.GET.get("part") == "events":
        return render(request, f"{CASE}#events", {"page": page, "case": case})
    return render(request, CASE, _case_context(page))


@login_required
@require_POST
def case_transition(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, TransitionForm, services.case_transition, part="summary", reload=True
    )


@login_required
@require_POST
def case_next_step(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        NextStepForm,
        services.case_set_next_step,
        part="summary",
        notice=_("Next step saved."),
    )


@login_required
@require_POST
def commitment_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        CommitmentForm,
        services.commitment_add,
        part="commitments",
        notice=_("Commitment saved: the customer's status page shows it."),
    )


@login_required
@require_POST
def commitment_done(request: HtmxHttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    case = selectors.case_get_visible_to(user=request.user, pk=pk)
    commitment = selectors.commitment_get(case=case, pk=commitment_pk)
    services.commitment_done(actor=_actor(request), commitment=commitment)
    return _case_done(request, case.pk, "commitments", _("Commitment kept."))


@login_required
@require_POST
def case_handoff(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, HandoffForm, services.case_handoff, part="handoff", reload=True
    )


@login_required
@require_POST
def case_escalate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        EscalateForm,
        services.case_escalate,
        part="escalation",
        notice=_("Escalated: your manager has the case and your reason."),
    )


@login_required
@require_POST
def decision_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        DecisionForm,
        services.decision_record,
        part="decisions",
        notice=_decision_notice,
    )


@login_required
@require_POST
def case_friction(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        FrictionForm,
        services.friction_flag,
        part="friction",
        notice=_("Thank you: the irritant is recorded and will be followed up like a case."),
    )


@login_required
@require_POST
def case_status_link(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_visible_to(user=request.user, pk=pk)
    if case.audience != Audience.CUSTOMER:
        raise Http404("Only a customer's case has a status page.")
    token = status_link.make_status_token(case, max_age=dt.timedelta(days=STATUS_LINK_DAYS))
    link = request.build_absolute_uri(reverse("cases:status", args=[token]))
    expires = status_link.status_token_expires_at(token)
    page = CasePage(case=case, employee=_acting(request))
    context = _case_context(page, status_link=link, link_expires=expires)
    return render(request, f"{CASE}#status_link" if request.htmx else CASE, context)


# ---------------------------------------------------------------- from the customer's screen


@login_required
@require_POST
def customer_case_open(request: HtmxHttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=customer_pk)
    form = CaseOpenForm(request.POST)
    case = _run(
        form,
        services.case_open,
        actor=_actor(request),
        audience=Audience.CUSTOMER,
        customer=customer,
    )
    if not request.htmx:
        if case is None:
            messages.error(
                request,
                _("The case was not opened: %(errors)s")
                % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
            )
            return redirect("frontline:customer", customer.pk)
        return redirect("cases:detail", case.pk)
    context = {"customer": customer, "case_form": form if case is None else CaseOpenForm()}
    context.update(case_panel=CustomerPanel(user=request.user, customer=customer), can_act=True)
    if case is not None:
        context["notice"] = _("Case opened: %(subject)s.") % {"subject": case.subject}
    return render_blocks(request, CUSTOMER_CASES, ["panel"], context)


@login_required
@require_POST
def customer_friction(request: HtmxHttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=customer_pk)
    form = FrictionForm(request.POST, prefix_id="customer-friction")
    irritant = _run(form, services.friction_flag, actor=_actor(request), customer=customer)
    if not request.htmx:
        if irritant is None:
            messages.error(request, _("Name the process or tool that got in the way."))
        else:
            messages.success(request, _("Thank you: the irritant is recorded."))
        return redirect("frontline:customer", customer.pk)
    context = {"customer": customer, "friction_form": form, "irritant": irritant}
    context["processes"] = process_choices() if irritant is None else []
    return render_blocks(request, CUSTOMER_CASES, ["friction"], context)


@login_required
def customer_case_form(request: HtmxHttpRequest, customer_pk: int) -> HttpResponse:
    """The "open a case" form of the customer's screen, rendered when the employee opens it
    (most screens never do: rendering it with every screen cost a sixth of the page)."""
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=customer_pk)
    _actor(request)
    context = {"customer": customer, "case_form": CaseOpenForm()}
    return render_blocks(request, CUSTOMER_CASES, ["case_form"], context)


@login_required
def customer_friction_form(request: HtmxHttpRequest, customer_pk: int) -> HttpResponse:
    """The friction form of the customer's screen, with the processes already named,
    rendered when the employee opens it."""
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=customer_pk)
    _actor(request)
    context = {
        "customer": customer,
        "friction_form": FrictionForm(prefix_id="customer-friction"),
        "processes": process_choices(),
    }
    return render_blocks(request, CUSTOMER_CASES, ["friction_form"], context)


@login_required
def process_options(request: HtmxHttpRequest) -> HttpResponse:
    """The processes irritants already name, as the friction form's suggestions (fetched when
    the form is opened: most screens never need them)."""
    _employee(request)
    context = {"processes": process_choices()}
    return render_blocks(request, CUSTOMER_CASES, ["process_options"], context)


# ---------------------------------------------------------------- lists


@login_required
def my_cases(request: HtmxHttpRequest) -> HttpResponse:
    employee = _employee(request)
    cases = selectors.cases_owned_by(employee=employee)
    context = {"cases": cases[:200], "count": cases.count(), "tab": "mine", "section": "cases"}
    context.update(
        now=timezone.now(), mine_overdue=selectors.overdue_for_employee(employee=employee)
    )
    return render(request, "cases/mine.html", context)


@login_required
def overdue_queue(request: HtmxHttpRequest) -> HttpResponse:
    employee = _employee(request)
    unit = _unit_param(request) or employee.unit
    queue = selectors.overdue_for_unit(user=request.user, unit=unit)
    context = {"unit": unit, "queue": queue, "now": timezone.now(), "tab": "overdue"}
    context["section"] = "cases"
    return render(request, "cases/overdue.html", context)


@login_required
def my_irritants(request: HtmxHttpRequest) -> HttpResponse:
    employee = _employee(request)
    irritants = selectors.irritants_raised_by(employee=employee)
    context = {"irritants": irritants[:200], "tab": "irritants", "section": "cases"}
    return render(request, "cases/irritants.html", context)


@login_required
def escalations(request: HtmxHttpRequest) -> HttpResponse:
    employee = _employee(request)
    waiting = list(selectors.escalations_waiting_for(employee=employee))
    context = {"escalations": waiting, "tab": "escalations", "section": "escalations"}
    return render(request, "cases/escalations.html", context)


@login_required
@require_POST
def escalation_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get_visible_to(user=request.user, pk=pk)
    form = EscalationDecideForm(request.POST, auto_id=f"esc-{pk}-%s")
    decided = _run(form, services.escalation_decide, actor=_actor(request), escalation=escalation)
    if decided is not None and not request.htmx:
        messages.success(request, _("Decision sent: the employee sees it on the case."))
        return redirect("cases:escalations")
    context = {"escalation": decided or escalation, "form": form, "decided": decided is not None}
    return render(request, "cases/escalations.html#escalation", context)


@login_required
def report(request: HtmxHttpRequest) -> HttpResponse:
    """Nothing falls through: open cases with no owner, no next step, or past due."""
    if persona_for(request.user) not in (Persona.MANAGER, Persona.LEAD):
        raise Http404("The follow-through report is for managers and leads.")
    unit = _unit_param(request) or _home_unit(request)
    cases = selectors.falling_through(user=request.user, unit=unit)
    page = Paginator(cases, LIST_PAGE).get_page(request.GET.get("page"))
    context = {"unit": unit, "page": page, "now": timezone.now(), "tab": "report"}
    context["section"] = "report"
    template = "cases/report.html#rows" if request.htmx else "cases/report.html"
    return render(request, template, context)


# ---------------------------------------------------------------- the customer's status page


@never_cache
def status_page(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """What the customer sees, without logging in, in their language. An expired link is
    410 Gone (it was valid; the adviser can send a new one); an altered or unknown one is 404."""
    try:
        case = status_link.case_for_status_token(token)
    except status_link.InvalidStatusLink as refused:
        status = 410 if refused.reason == "expired" else 404
        with translation.override(translation.get_language_from_request(request)):
            response = render(
                request, "cases/status_public.html", {"refused": refused.reason}, status=status
            )
        return _private(response)
    if case.audience != Audience.CUSTOMER or case.customer is None:
        raise Http404("Only a customer's case has a status page.")
    with translation.override(case.customer.language):
        context = {"status": selectors.case_public_status(case=case), "now": timezone.now()}
        return _private(render(request, "cases/status_public.html", context))


# ---------------------------------------------------------------- helpers


def _acting(request: HtmxHttpRequest) -> Employee | None:
    """The employee who may act on what the user sees (an admin with no record only reads)."""
    employee = employee_for(request.user)
    return None if employee is None or employee.has_left() else employee


def _actor(request: HtmxHttpRequest) -> Employee:
    actor = _acting(request)
    if actor is None:
        raise Http404("Only an employee can act on a case.")
    return actor


def _unit_param(request: HtmxHttpRequest) -> Any:
    code = request.GET.get("unit", "").strip()
    return unit_get_visible_to(user=request.user, code=code) if code else None


def _home_unit(request: HtmxHttpRequest) -> Any:
    """A manager's report starts at their unit; a lead's at the whole network (None)."""
    if scope_for(request.user).reach is Reach.EVERYTHING:
        return None
    return _employee(request).unit


def _private(response: HttpResponse) -> HttpResponse:
    """The status page's link is its only key: keep it out of caches, referrers and indexes."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _run(form: forms.Form, service: Callable[..., Any], **kwargs: Any) -> Any:
    """Validate the form and call the service with its data; a refusal lands on the form."""
    if not form.is_valid():
        return None
    try:
        return service(**form.cleaned_data, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def _decision_notice(decision: Decision) -> str:
    if decision.within_latitude:
        return _("Done: within your latitude, nobody else needs to approve it.")
    return _("Beyond your latitude: sent to your manager with the case and your reason.")


def _case_action(
    request: HtmxHttpRequest,
    pk: int,
    form_class: type[forms.Form],
    service: Callable[..., Any],
    *,
    part: str = "",
    notice: str | Callable[[Any], str] = "",
    reload: bool = False,
) -> HttpResponse:
    """One action on a case: the form, the service, then the part again (or the page)."""
    case = selectors.case_get_visible_to(user=request.user, pk=pk)
    page = CasePage(case=case, employee=_actor(request))
    kwargs: dict[str, Any] = {"targets": page.targets} if form_class is HandoffForm else {}
    form = form_class(request.POST, **kwargs)
    done = _run(form, service, actor=page.employee, case=case)
    if done is None:
        context = _case_context(page, **{_FORM_NAMES[form_class]: form})
        if request.htmx and part:
            return render(request, f"{CASE}#{part}", context)
        return render(request, CASE, context, status=200 if request.htmx else 400)
    text = notice(done) if callable(notice) else notice
    if reload or not request.htmx:
        return _after(request, case.pk, text)
    return _case_done(request, case.pk, part, text)


def _case_done(request: HtmxHttpRequest, pk: int, part: str, notice: str) -> HttpResponse:
    """After an action: the part and, out of band, the summary, the timeline and the notice."""
    if not request.htmx:
        return _after(request, pk, notice)
    case = selectors.case_list_visible_to(user=request.user).filter(pk=pk).first()
    if case is None:  # handed out of the user's view
        return _after(request, pk, notice)
    context = _case_context(
        CasePage(case=case, employee=_acting(request)), notice=notice, part=part
    )
    html = render_to_string(f"{CASE}#{part}", context, request=request)
    html += render_to_string(f"{CASE}#refresh", context, request=request)
    return HttpResponse(html)


def _after(request: HtmxHttpRequest, pk: int, notice: str) -> HttpResponse:
    """Back to the case page (or to my cases when the case left the user's view)."""
    if notice:
        messages.success(request, notice)
    visible = selectors.case_list_visible_to(user=request.user).filter(pk=pk).exists()
    url = reverse("cases:detail", args=[pk]) if visible else reverse("cases:mine")
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


_FORM_NAMES: dict[type[forms.Form], str] = {
    TransitionForm: "transition_form",
    NextStepForm: "next_step_form",
    CommitmentForm: "commitment_form",
    HandoffForm: "handoff_form",
    EscalateForm: "escalate_form",
    DecisionForm: "decision_form",
    FrictionForm: "friction_form",
}


def _case_context(page: CasePage, **context: Any) -> dict[str, Any]:
    """The case page's context: its parts (read lazily) and a fresh form for each action."""
    case = page.case
    forms_: dict[str, Any] = {
        "next_step_form": NextStepForm(initial={"next_step": case.next_step}),
        "commitment_form": CommitmentForm(),
        "escalate_form": EscalateForm(),
        "decision_form": DecisionForm(),
        "friction_form": FrictionForm(),
    }
    if page.can_act and "handoff_form" not in context:
        # Its choices cost two queries: read only when the template shows the form.
        forms_["handoff_form"] = SimpleLazyObject(lambda: HandoffForm(targets=page.targets))
    return {"page": page, "case": case, "section": "cases", **forms_, **context}
