"""The default demo (seed 42, small): a bank network of the size and make-up the issue asks
for. Exact figures are what the generator gives for seed 42; ranges say what is required."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from symetrie.demo.builder import DemoContext
from symetrie.demo.names import FIRST_NAMES, LAST_NAMES, REGIONS
from symetrie.demo.org import plan_org, post_history
from symetrie.demo.personas import PERSONAS
from symetrie.org.models import Employee, Role, Unit

pytestmark = pytest.mark.usefixtures("db")


def active(ctx: DemoContext):
    return Employee.objects.active_on(ctx.today)


def test_the_network_has_about_sixty_agencies_in_real_regions(demo):
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    regions = set(Unit.objects.filter(kind="region").values_list("name", flat=True))

    assert kinds["agency"] == 60
    assert 55 <= kinds["agency"] <= 65
    assert kinds["company"] == 1
    assert 6 <= kinds["region"] <= 7
    assert regions <= {f"Région {region.name}" for region in REGIONS}
    assert Unit.objects.get(code="AG-LYON-PART-DIEU").name == "Agence Lyon Part-Dieu"


def test_the_head_office_has_its_departments(demo):
    departments = set(Unit.objects.filter(parent__code="SIEGE").values_list("name", flat=True))

    assert {"Direction générale", "Expérience client", "Ressources humaines"} <= departments
    assert Unit.objects.get(code="SIEGE").parent.code == "HEX"


def test_most_agencies_have_teams(demo):
    agencies = Unit.objects.filter(kind="agency").annotate(
        teams=Count("children", filter=Q(children__kind="team"))
    )
    with_teams = [agency for agency in agencies if agency.teams]
    team_names = {
        name.split(" · ")[0]
        for name in Unit.objects.filter(kind="team").values_list("name", flat=True)
    }

    assert len(with_teams) == 45
    assert len(with_teams) > len(agencies) / 2
    assert team_names == {"Accueil", "Conseil particuliers", "Professionnels"}


def test_about_eight_hundred_employees_some_gone(demo):
    employees = Employee.objects.count()
    leavers = Employee.objects.filter(leave_date__lte=demo.today).count()

    assert (employees, leavers) == (844, 157)
    assert 700 <= employees <= 900
    assert leavers > 0
    assert demo.org is not None and demo.org.employees == employees


def test_every_agency_team_and_region_has_exactly_one_active_manager(demo):
    managers = Counter(active(demo).filter(is_manager=True).values_list("unit__code", flat=True))
    units = Unit.objects.filter(kind__in=["agency", "team", "region"]).values_list(
        "code", flat=True
    )

    assert {code: managers[code] for code in units} == dict.fromkeys(units, 1)


def test_leavers_left_in_the_last_two_years_and_cannot_log_in(demo):
    leavers = Employee.objects.filter(leave_date__isnull=False).select_related("user")
    two_years_ago = demo.today - dt.timedelta(days=731)

    assert all(two_years_ago <= e.leave_date < demo.today for e in leavers)
    assert all(e.hire_date <= e.leave_date for e in leavers)
    assert not any(e.user.is_active for e in leavers)


def test_turnover_is_ten_to_fifteen_percent_a_year(demo):
    year_ago = demo.today - dt.timedelta(days=365)
    now = active(demo).count()
    then = Employee.objects.active_on(year_ago).count()
    left = Employee.objects.filter(leave_date__gt=year_ago, leave_date__lte=demo.today).count()

    assert 0.10 <= left / ((now + then) / 2) <= 0.15


def test_tenures_run_from_new_hires_to_decades(demo):
    hires = list(active(demo).values_list("hire_date", flat=True))
    tenures = [(demo.today - hire).days for hire in hires]
    share = lambda low, high: sum(low <= t < high for t in tenures) / len(tenures)  # noqa: E731

    assert max(hires) <= demo.today
    assert share(0, 91) >= 0.02  # hired in the last three months
    assert share(0, 365) >= 0.08  # in their first year
    assert share(2 * 365, 15 * 365) >= 0.4
    assert share(20 * 365, 60 * 365) >= 0.05


@pytest.mark.parametrize("is_manager", [False, True])
def test_replacements_are_hired_after_departures_and_managers_always_replaced(is_manager):
    rng = random.Random(1)
    today = dt.date(2025, 6, 16)

    for _ in range(2000):
        history = post_history(rng, today, is_manager=is_manager)
        for previous, following in itertools.pairwise(history):
            assert previous.leave_date is not None
            assert previous.leave_date < following.hire_date <= today
        assert all(s.leave_date is None or s.hire_date < s.leave_date < today for s in history)
        if is_manager:
            assert history[-1].leave_date is None


def test_roles_carry_their_latitude(demo):
    roles = {role.code: role for role in Role.objects.all()}

    assert (roles["charge_accueil"].goodwill_max_eur, roles["charge_accueil"].may_waive_fees) == (
        Decimal("20.00"),
        False,
    )
    assert roles["conseiller_clientele"].goodwill_max_eur == Decimal("50.00")
    assert "Report d'échéance" in roles["conseiller_clientele"].decisions
    assert (roles["conseiller_pro"].goodwill_max_eur, roles["conseiller_pro"].may_waive_fees) == (
        Decimal("150.00"),
        True,
    )
    assert roles["directeur_agence"].goodwill_max_eur == Decimal("300.00")
    assert roles["directeur_regional"].goodwill_max_eur == Decimal("1000.00")
    org_wide = {code for code, role in roles.items() if role.is_org_wide}
    assert org_wide == {"responsable_cx", "responsable_ex", "directeur_general"}


def test_people_have_french_names_and_their_e_mail_as_login(demo):
    users = list(get_user_model().objects.filter(employee__isnull=False))

    assert {u.first_name for u in users} <= set(FIRST_NAMES)
    assert {u.last_name for u in users} <= set(LAST_NAMES)
    assert all(u.username == u.email and u.email.endswith("@demo.symetrie.fr") for u in users)
    assert len({u.email for u in users}) == len(users)


def test_only_the_personas_have_a_password(demo):
    """Hashing 800 passwords with Argon2 would take minutes: the others have none."""
    with_password = get_user_model().objects.exclude(password__startswith="!")

    assert set(with_password.values_list("username", flat=True)) == {p.email for p in PERSONAS}


def test_the_large_network_is_about_ten_times_larger():
    """Planned only (no database): the large build itself takes several seconds."""
    ctx = DemoContext(seed=42, today=dt.date(2025, 6, 16), size="large")
    plan = plan_org(ctx.rng_for("org"), size="large", today=ctx.today)
    kinds = Counter(unit.kind for unit in plan.units)
    codes = [unit.code for unit in plan.units]

    assert (kinds["agency"], len(plan.employees)) == (600, 8114)
    assert 7000 <= len(plan.employees) <= 9000
    assert kinds["area"] > 0 and kinds["region"] == 12
    assert len(set(codes)) == len(codes)
    assert max(len(code) for code in codes) <= 32
    assert len({e.email for e in plan.employees}) == len(plan.employees)
