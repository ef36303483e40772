"""The employee's workspace: find a customer, see everything on one screen, act in one step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from symetrie.cases.forms import CaseOpenForm, FrictionForm
from symetrie.cases.views_support import CustomerPanel, process_choices
from symetrie.core.http import HtmxHttpRequest
from symetrie.core.jinja import render_blocks, render_page
from symetrie.customers import selectors as customer_selectors
from symetrie.customers.models import Customer
from symetrie.frontline import selectors, services
from symetrie.frontline.forms import (
    HandoffNoteForm,
    InteractionForm,
    ResolveForm,
    SearchForm,
    TimelineForm,
)
from symetrie.frontline.stamps import screen_stamp
from symetrie.org.models import Employee
from symetrie.org.selectors import Reach, employee_for, scope_for

# Jinja2 (core/jinja.py): the blocks it renders alone are named in its header.
TEMPLATE = "frontline/customer.html"


@login_required
def workspace(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    hits = customer_selectors.customer_search_visible_to(user=request.user, query=query)
    if len(hits) == 1 and hits[0].matched == "identity":
        url = reverse("frontline:customer", args=[hits[0].customer.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {"form": form, "query": query, "hits": hits, "section": "customers"}
    template = "frontline/workspace.html#results" if request.htmx else "frontline/workspace.html"
    return render(request, template, context)


@login_required
def customer_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=pk)
    filters = TimelineForm(request.GET, auto_id="timeline-%s")
    if not filters.is_valid():
        return HttpResponseBadRequest(_("This page of the timeline does not exist."))
    screen = selectors.CustomerScreen(customer=customer, **filters.cleaned_data)
    if request.htmx:
        context = {"screen": screen, "customer": customer, "announce": True}
        return render_blocks(request, TEMPLATE, ["timeline"], context)
    return _screen(request, screen)


@login_required
def handoff_note_form(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The handoff note form, rendered when the employee opens it, with the stamp of the
    screen it opens on (so the note's duration counts from the screen, not from the form)."""
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=pk)
    _actor(request)
    form = HandoffNoteForm(auto_id="note-%s", stamp=request.GET.get("opened", "")[:500])
    return render_blocks(
        request, TEMPLATE, ["note_form"], {"customer": customer, "note_form": form}
    )


@login_required
@require_POST
def interaction_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=pk)
    actor = _actor(request)
    form = InteractionForm(request.POST, auto_id="log-%s")
    if _saved(form, services.workspace_interaction_log, actor=actor, customer=customer):
        if not request.htmx:
            messages.success(request, _("Interaction saved: it tops the timeline."))
            return redirect("frontline:customer", pk=customer.pk)
        notice = _("Interaction saved: it tops the timeline.")
        # The form again, the timeline swapped out of band with the new row on top, the toast.
        parts = ["log_form", "timeline_section", "status"]
        return _screen(request, _fresh(customer), parts=parts, oob=True, notice=notice)
    return _screen(request, _fresh(customer), parts=["log_form"], interaction_form=form)


@login_required
@require_POST
def handoff_note_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=pk)
    actor = _actor(request)
    form = HandoffNoteForm(request.POST, auto_id="note-%s")
    if _saved(form, services.workspace_handoff_note_add, actor=actor, customer=customer):
        notice = _("Note saved: it stays on top of this customer's screen until resolved.")
        return _done(request, customer, notice)
    return _screen(request, _fresh(customer), parts=["notes"], note_form=form)


@login_required
@require_POST
def handoff_note_resolve(request: HtmxHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    customer = customer_selectors.customer_get_visible_to(user=request.user, pk=pk)
    note = selectors.handoff_note_get(customer=customer, pk=note_pk)
    actor = _actor(request)
    form = ResolveForm(request.POST)
    _saved(form, services.workspace_handoff_note_resolve, actor=actor, customer=customer, note=note)
    return _done(request, customer, _("Note resolved: it no longer shows."))


@login_required
def campaigns(request: HtmxHttpRequest) -> HttpResponse:
    if scope_for(request.user).reach is Reach.NOTHING:
        raise Http404("Campaigns are shown to employees.")
    context = {"campaigns": customer_selectors.campaigns_for_employees(), "section": "campaigns"}
    return render(request, "frontline/campaigns.html", context)


def _actor(request: HtmxHttpRequest) -> Employee:
    """The employee acting; someone who sees customers without being one may not act."""
    actor = employee_for(request.user)
    if actor is None:
        raise Http404("Only an employee can act on a customer.")
    return actor


def _fresh(customer: Customer) -> selectors.CustomerScreen:
    return selectors.CustomerScreen(customer=customer)


def _saved(form: InteractionForm | HandoffNoteForm | ResolveForm, action: Any, **kw: Any) -> bool:
    """Validate the form and run the action with its data; errors land on the form."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    try:
        action(stamp=data.pop("opened"), **data, **kw)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _done(request: HtmxHttpRequest, customer: Customer, notice: str) -> HttpResponse:
    """After a note changed: the notes again (htmx), or back to the screen."""
    if request.htmx:
        return _screen(request, _fresh(customer), parts=["notes", "status"], notice=notice)
    messages.success(request, notice)
    return redirect("frontline:customer", pk=customer.pk)


def _screen(
    request: HtmxHttpRequest,
    screen: selectors.CustomerScreen,
    *,
    parts: Sequence[str] = (),
    **context: Any,
) -> HttpResponse:
    """The customer's screen, or some of its parts (blocks) for htmx, with forms stamped as
    opened now."""
    actor = employee_for(request.user)
    stamp = screen_stamp(employee=actor, customer=screen.customer) if actor else ""
    open_form = request.GET.get("form", "") if request.method == "GET" else ""
    context = {
        "screen": screen,
        "customer": screen.customer,
        "can_act": actor is not None,
        "stamp": stamp,
        # Unbound, showing the channel chosen: written once per channel and language.
        "filters": TimelineForm(auto_id="timeline-%s", initial={"channel": screen.channel}),
        "interaction_form": InteractionForm(auto_id="log-%s", stamp=stamp),
        # The cases slot (read only when shown): open cases, commitments, one-step forms.
        "case_panel": CustomerPanel(user=request.user, customer=screen.customer),
        # Forms in closed <details> are rendered when opened (htmx), or with the page when
        # asked for by ?form= (the links shown in their place without JavaScript); only
        # then are they made (or when they come back with errors, through `context`).
        "note_form": HandoffNoteForm(auto_id="note-%s", stamp=stamp)
        if open_form == "note"
        else None,
        "case_form": CaseOpenForm() if open_form == "case" else None,
        "friction_form": FrictionForm(prefix_id="customer-friction")
        if open_form == "friction"
        else None,
        "open_form": open_form,
        "processes": process_choices() if open_form == "friction" else [],
        "section": "customers",
        **context,
    }
    if parts and request.htmx:
        return render_blocks(request, TEMPLATE, parts, context)
    return render_page(request, TEMPLATE, context, title=str(screen.customer))
