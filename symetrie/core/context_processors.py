"""The navigation of each persona, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from symetrie.core.links import fixed_url
from symetrie.org.selectors import Persona, employee_for, persona_for


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    section: str


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "persona": Persona.NONE.value}
    persona = persona_for(user)
    items = [NavItem(_("Home"), fixed_url("core:home"), "home")]
    employee = employee_for(user)
    if persona is not Persona.NONE:
        items.append(NavItem(_("Customers"), fixed_url("frontline:workspace"), "customers"))
        items.append(NavItem(_("Campaigns"), fixed_url("frontline:campaigns"), "campaigns"))
    if employee is not None and persona is not Persona.NONE:
        items.append(NavItem(_("My cases"), fixed_url("cases:mine"), "cases"))
    if employee is not None and persona in (Persona.FRONTLINE, Persona.MANAGER):
        items.append(NavItem(_("My unit"), reverse("org:unit", args=[employee.unit.code]), "unit"))
    if employee is not None and persona is Persona.MANAGER:
        items.append(NavItem(_("Escalations"), fixed_url("cases:escalations"), "escalations"))
    if persona in (Persona.MANAGER, Persona.LEAD):
        items.append(NavItem(_("Follow-through"), fixed_url("cases:report"), "report"))
        items.append(NavItem(_("Results"), fixed_url("listening:results"), "results"))
    if employee is not None and persona is Persona.FRONTLINE:
        items.append(NavItem(_("Playbooks"), fixed_url("cases:playbooks"), "playbooks"))
    if persona in (Persona.MANAGER, Persona.LEAD):
        items.append(NavItem(_("Organisation"), fixed_url("org:tree"), "org"))
    if persona is Persona.LEAD:
        items.append(NavItem(_("Surveys"), fixed_url("listening:designer"), "surveys"))
        items.append(NavItem(_("API"), fixed_url("api:openapi-view"), "api"))
    if user.is_staff:
        items.append(NavItem(_("Administration"), fixed_url("admin:index"), "admin"))
    return {"nav_items": items, "persona": persona.value, "current_employee": employee}
