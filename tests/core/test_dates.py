"""format_date writes what Django's `date` filter writes, in every language and time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from symetrie.core.dates import format_date

FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "c", "F Y", r"j \d\e F"]
PARIS = ZoneInfo("Europe/Paris")
MOMENTS = [
    dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # just before summer time
    dt.datetime(2026, 3, 29, 1, 0, 0, tzinfo=dt.UTC),  # just after
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # the hour that comes twice
    dt.datetime(2026, 12, 31, 23, 30, 15, 123456, tzinfo=dt.UTC),  # another year in Paris
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_text_as_django(language, fmt):
    with translation.override(language), timezone.override(PARIS):
        for moment in MOMENTS:
            # Django's engine turns an aware datetime into local time before the filter.
            assert format_date(moment, fmt) == django_date(timezone.localtime(moment), fmt)
        assert format_date(dt.date(2027, 1, 1), "DATE_FORMAT") == django_date(
            dt.date(2027, 1, 1), "DATE_FORMAT"
        )


def test_in_french_a_date_reads_as_the_french_write_it():
    with translation.override("fr"), timezone.override(PARIS):
        assert format_date(MOMENTS[3], "DATETIME_FORMAT") == "1 janvier 2027 00:30"
        assert format_date(MOMENTS[3], "F Y") == "janvier 2027"
