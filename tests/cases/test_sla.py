"""Business time: evenings, weekends, French public holidays (Alsace-Moselle too), daylight
saving, configurable hours; due dates from the seeded SLA policies."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from symetrie.cases import sla
from symetrie.cases.models import Case, SlaPolicy
from tests.cases.conftest import OPENED, paris

seed_migration = importlib.import_module("symetrie.cases.migrations.0003_sla_policies")


def add(start: dt.datetime, hours: float) -> dt.datetime:
    return sla.add_business_hours(start, hours)


def test_friday_evening_plus_a_day_is_monday_afternoon():
    assert add(paris(2025, 11, 21, 17), 8) == paris(2025, 11, 24, 16)


def test_a_period_ending_at_closing_time_ends_then_not_the_next_morning():
    assert add(paris(2025, 11, 24, 9), 9) == paris(2025, 11, 24, 18)
    assert add(paris(2025, 11, 24, 9), 9.5) == paris(2025, 11, 25, 9, 30)


def test_time_outside_opening_hours_does_not_count():
    assert add(paris(2025, 11, 22, 11), 1) == paris(2025, 11, 24, 10)  # Saturday
    assert add(paris(2025, 11, 24, 7), 1) == paris(2025, 11, 24, 10)  # before opening
    assert add(paris(2025, 11, 24, 20), 1) == paris(2025, 11, 25, 10)  # after closing
    assert add(paris(2025, 11, 24, 20), 0) == paris(2025, 11, 24, 20)


def test_fractions_of_an_hour():
    assert add(paris(2025, 11, 24, 17, 45), 0.5) == paris(2025, 11, 25, 9, 15)
    assert sla.add_business_hours(paris(2025, 11, 24, 9), dt.timedelta(minutes=90)) == paris(
        2025, 11, 24, 10, 30
    )


def test_bastille_day_is_skipped():
    # Friday 11 July 2025, then the weekend, then Monday 14 July.
    assert add(paris(2025, 7, 11, 17), 8) == paris(2025, 7, 15, 16)


def test_christmas_is_skipped():
    # Wednesday 24 December: one hour, Christmas, then Friday 26 December.
    assert add(paris(2025, 12, 24, 17), 10) == paris(2025, 12, 26, 18)
    assert add(paris(2025, 12, 24, 17), 11) == paris(2025, 12, 29, 10)


def test_alsace_moselle_adds_good_friday_and_saint_stephen(settings):
    # Thursday 17 April 2025, then Good Friday, the weekend, Easter Monday.
    assert add(paris(2025, 4, 17, 17), 2) == paris(2025, 4, 18, 10)
    settings.CASES_HOLIDAYS_SUBDIVISION = "57"
    assert add(paris(2025, 4, 17, 17), 2) == paris(2025, 4, 22, 10)
    # 26 December is off too: from Christmas Eve to Monday 29 December.
    assert add(paris(2025, 12, 24, 17), 10) == paris(2025, 12, 29, 18)


def test_french_holidays_come_from_the_holidays_library():
    days = sla.french_holidays(2025)
    assert dt.date(2025, 5, 1) in days
    assert dt.date(2025, 5, 29) in days  # Ascension
    assert dt.date(2025, 4, 18) not in days
    assert dt.date(2025, 4, 18) in sla.french_holidays(2025, "57")


def test_daylight_saving_change_over_a_weekend():
    # Clocks go forward on Sunday 30 March 2025: Friday 17:00 CET + 8 h is Monday 16:00 CEST.
    start = paris(2025, 3, 28, 17)
    due = add(start, 8)
    assert due == paris(2025, 3, 31, 16)
    assert due.utcoffset() == dt.timedelta(hours=2)
    # Real time: 16:00 UTC on Friday to 14:00 UTC on Monday.
    assert due.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=2, hours=22)
    # And back on Sunday 26 October.
    assert add(paris(2025, 10, 24, 17), 8) == paris(2025, 10, 27, 16)


def test_opening_hours_from_settings_with_a_lunch_break_and_saturdays(settings):
    settings.CASES_BUSINESS_HOURS = {
        **{day: ["09:00-12:00", "14:00-18:00"] for day in range(5)},
        5: ["10:00-13:00"],
    }
    assert add(paris(2025, 11, 24, 11), 2) == paris(2025, 11, 24, 15)
    assert add(paris(2025, 11, 21, 17), 2) == paris(2025, 11, 22, 11)  # Saturday morning


def test_the_calendar_time_zone_is_configurable(settings):
    settings.CASES_TIME_ZONE = "America/Montreal"
    start = dt.datetime(2025, 11, 24, 9, tzinfo=dt.UTC)  # 04:00 in Montréal
    assert add(start, 1) == dt.datetime(2025, 11, 24, 15, tzinfo=dt.UTC)  # 10:00 there


@pytest.mark.parametrize(
    "hours",
    [
        {0: ["18:00-09:00"]},
        {0: ["9h-18h"]},
        {0: ["09:00-13:00", "12:00-18:00"]},
        {0: []},
    ],
)
def test_a_wrong_calendar_is_a_clear_configuration_error(settings, hours):
    settings.CASES_BUSINESS_HOURS = hours
    with pytest.raises(ImproperlyConfigured, match="CASES_BUSINESS_HOURS"):
        add(paris(2025, 11, 24, 9), 1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        sla.add_business_hours(dt.datetime(2025, 11, 24, 9), 1)


@pytest.mark.parametrize("hours", [0.25, 1, 8, 9, 17, 40, 100, 300])
@pytest.mark.parametrize(
    "start",
    [
        paris(2025, 12, 23, 8),
        paris(2025, 7, 11, 17, 30),
        paris(2025, 3, 28, 12),
        paris(2025, 4, 19),
    ],
)
def test_business_hours_between_inverts_adding_them(start, hours):
    due = add(start, hours)
    assert sla.business_hours_between(start, due) == dt.timedelta(hours=hours)
    assert sla.business_hours_between(due, start) == -dt.timedelta(hours=hours)


def test_seeded_policies_cover_every_type_and_priority(db):
    assert SlaPolicy.objects.count() == 20
    assert SlaPolicy.objects.get(type="complaint", priority="normal").resolution_hours == 18
    assert SlaPolicy.objects.get(type="complaint", priority="urgent").resolution_hours == 4


def test_seed_keeps_a_company_s_own_policies_and_unseed_removes_only_defaults(db):
    SlaPolicy.objects.filter(type="complaint", priority="normal").update(resolution_hours=12)
    seed_migration.unseed(apps, None)
    assert list(SlaPolicy.objects.values_list("type", "priority", "resolution_hours")) == [
        ("complaint", "normal", 12)
    ]
    seed_migration.seed(apps, None)
    seed_migration.seed(apps, None)
    assert SlaPolicy.objects.count() == 20
    assert SlaPolicy.objects.get(type="complaint", priority="normal").resolution_hours == 12


def test_a_case_is_due_per_its_policy_in_business_hours(complaint: Case):
    # complaint / normal: 18 business hours from Friday 17:00 → Tuesday 17:00.
    assert complaint.due_at == paris(2025, 11, 25, 17)
    assert complaint.opened_at == OPENED


def test_a_case_with_no_policy_has_no_due_date(complaint: Case, frontline, elodie):
    SlaPolicy.objects.filter(type="request").delete()
    from symetrie.cases.services import case_open

    case = case_open(
        actor=frontline, audience="customer", type="request", subject="RIB", customer=elodie
    )
    assert case.due_at is None
