"""The demo's persona accounts: one login for each kind of user, with one shared password.

Personas are not extra people: each is an employee the org step generated in the right
place (an adviser of the Lyon Part-Dieu agency, that agency's director, the director of its
region, the CX lead, the EX/HR lead, the executive), given a memorable e-mail as login, so
that what each persona sees is the real generated tree around them. The admin is a
superuser with no employee record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from symetrie.demo.org import EMAIL_DOMAIN, R
from symetrie.org.models import Employee, Unit

if TYPE_CHECKING:
    from symetrie.demo.builder import DemoContext

# Printed next to the logins: this password guards nothing but fictitious data.
DEMO_PASSWORD = "symetrie-demo"


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    email: str
    label: str  # shown by the command line, in English


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("frontline", f"conseiller@{EMAIL_DOMAIN}", "Frontline employee"),
    PersonaSpec("manager", f"directeur.agence@{EMAIL_DOMAIN}", "Agency manager"),
    PersonaSpec("regional", f"directeur.regional@{EMAIL_DOMAIN}", "Regional director"),
    PersonaSpec("cx_lead", f"responsable.cx@{EMAIL_DOMAIN}", "CX lead"),
    PersonaSpec("ex_lead", f"responsable.rh@{EMAIL_DOMAIN}", "EX / HR lead"),
    PersonaSpec("executive", f"directeur.general@{EMAIL_DOMAIN}", "Executive"),
    PersonaSpec("admin", f"admin@{EMAIL_DOMAIN}", "Administrator"),
)
ADMIN = PERSONAS[-1]


@dataclass(frozen=True)
class PersonaLogin:
    key: str
    label: str
    email: str
    who: str  # "Camille Martin, Conseiller clientèle, Conseil particuliers · Lyon Part-Dieu"


def set_up_personas(ctx: DemoContext) -> None:
    """The personas step: give the chosen employees their logins and the shared password."""
    assert ctx.org is not None, "the personas step runs after the org step"
    ctx.progress.stage("Persona accounts", len(PERSONAS))
    chosen = _choose(
        today=ctx.today,
        agency=Unit.objects.get(code=ctx.org.persona_agency_code),
        region=Unit.objects.get(code=ctx.org.persona_region_code),
    )
    User = get_user_model()
    # Argon2 is slow by design: hash the shared password once and give every persona the
    # same hash (the same salt too, harmless for a password that is printed on screen).
    template = User()
    template.set_password(DEMO_PASSWORD)
    for spec in PERSONAS:
        if spec is ADMIN:
            user = User(username=spec.email, email=spec.email, is_staff=True, is_superuser=True)
            user.first_name, user.last_name = "Admin", "Démo"
        else:
            user = chosen[spec.key].user
            user.username = user.email = spec.email
        user.password = template.password
        user.save()
        ctx.progress.advance()
    ctx.personas = persona_logins()


def _choose(*, today: dt.date, agency: Unit, region: Unit) -> dict[str, Employee]:
    """The employees who become the personas, all active on the reference date."""
    active = Employee.objects.active_on(today).select_related("user").order_by("external_id")
    advisers = active.filter(
        unit__path__startswith=agency.path, role__code=R.ADVISOR, is_manager=False
    )
    # An adviser who knows the job (a year or more), not one in their first weeks.
    seasoned = advisers.filter(hire_date__lte=today - dt.timedelta(days=365))
    chosen = {
        "frontline": seasoned.first() or advisers.first(),
        "manager": active.filter(unit=agency, is_manager=True).first(),
        "regional": active.filter(unit=region, is_manager=True).first(),
        "cx_lead": _holder(active, R.CX_LEAD),
        "ex_lead": _holder(active, R.EX_LEAD),
        "executive": _holder(active, R.CEO),
    }
    missing = [key for key, employee in chosen.items() if employee is None]
    if missing:
        raise RuntimeError(f"the generated org has no employee for the persona(s): {missing}")
    return {key: employee for key, employee in chosen.items() if employee is not None}


def _holder(active: QuerySet[Employee], role_code: str) -> Employee | None:
    return active.filter(role__code=role_code).first()


def persona_logins() -> list[PersonaLogin]:
    """The persona logins present in the database, in the order of PERSONAS.

    Read from the database, not from a build, so that `symetrie demo` can print them when it
    serves a demo built by an earlier run.
    """
    emails = [spec.email for spec in PERSONAS]
    users = {user.username: user for user in get_user_model().objects.filter(username__in=emails)}
    employees = {
        employee.user.username: employee
        for employee in Employee.objects.select_related("user", "unit", "role").filter(
            user__username__in=emails
        )
    }
    logins = []
    for spec in PERSONAS:
        user = users.get(spec.email)
        if user is None:
            continue
        employee = employees.get(spec.email)
        if employee is not None:
            who = f"{user.get_full_name()}, {employee.role.name}, {employee.unit.name}"
        else:
            who = (
                f"{user.get_full_name()}, superuser" if user.is_superuser else user.get_full_name()
            )
        logins.append(PersonaLogin(spec.key, spec.label, spec.email, who))
    return logins
