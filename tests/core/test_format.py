"""The `percent` and `number` template filters follow the active language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from symetrie.core.templatetags.symetrie import number, percent

NBSP = "\u00a0"


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def french_percent_sign(french):
    """The French “12,5 %” needs the catalogue's translation of “%(number)s%%”.

    The decimal comma comes from Django's own French formats; the non-breaking space before
    the sign comes from symetrie/locale/fr (msgstr "%(number)s\\u00a0%%"). Until that
    catalogue is compiled, the French sign is expected to fail, and says why.
    """
    if gettext("%(number)s%%") == "%(number)s%%":
        pytest.xfail("French catalogue not compiled: no translation of '%(number)s%%' yet")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("ratio", "decimals", "shown"),
    [
        (0.125, 1, "12.5%"),
        (Decimal("0.125"), 1, "12.5%"),
        (0.2857142857, 1, "28.6%"),
        (1, 1, "100.0%"),
        (0, 1, "0.0%"),
        (-0.05, 1, "-5.0%"),
        (0.5 / 3, 2, "16.67%"),
        # Half up, as people round: not Python's half to even.
        (0.125, 0, "13%"),
        (0.0125, 1, "1.3%"),
        (0.145, 1, "14.5%"),
        # A tiny negative is no "-0.0%".
        (-1e-9, 1, "0.0%"),
        (12.5, 0, "1,250%"),
    ],
)
def test_percent_in_english(ratio, decimals, shown):
    assert percent(ratio, decimals) == shown


@pytest.mark.usefixtures("french")
def test_percent_in_french_has_a_decimal_comma():
    assert percent(0.125).startswith("12,5")
    assert percent(0.5 / 3, 2).startswith("16,67")


@pytest.mark.usefixtures("french_percent_sign")
@pytest.mark.parametrize(
    ("ratio", "decimals", "shown"),
    [
        (0.125, 1, f"12,5{NBSP}%"),
        (0.2857142857, 1, f"28,6{NBSP}%"),
        (0.125, 0, f"13{NBSP}%"),
        (12.5, 0, f"1{NBSP}250{NBSP}%"),
    ],
)
def test_percent_in_french_has_a_non_breaking_space_before_the_sign(ratio, decimals, shown):
    assert percent(ratio, decimals) == shown


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1234, 0, "1,234"),
        (1234567, 0, "1,234,567"),
        (0, 0, "0"),
        (1234.5, 1, "1,234.5"),
        (1234.56, 1, "1,234.6"),
        (Decimal("1234.5"), 2, "1,234.50"),
        # Rounded half up, not cut: Django's number_format alone shows 2.7 as "2".
        (2.7, 0, "3"),
        (2.5, 0, "3"),
        (1234.5, 0, "1,235"),
        (-0.4, 0, "0"),
        (10**12, 0, "1,000,000,000,000"),
    ],
)
def test_number_in_english(value, decimals, shown):
    assert number(value, decimals) == shown


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1234, 0, f"1{NBSP}234"),
        (1234.5, 1, f"1{NBSP}234,5"),
        (Decimal("0.5"), 2, "0,50"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
    ],
)
def test_number_in_french(value, decimals, shown):
    assert number(value, decimals) == shown


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("empty", [None, ""])
def test_no_value_is_a_dash(language, empty):
    with translation.override(language):
        assert percent(empty) == "–"
        assert number(empty) == "–"
        assert number(empty, 2) == "–"


def test_the_filters_in_a_template():
    template = Template(
        "{% load symetrie %}{{ ratio|percent }} · {{ n|number }} · {{ x|percent:0 }}"
    )
    context = Context({"ratio": 0.125, "n": 1234, "x": None})

    with translation.override("en"):
        assert template.render(context) == "12.5% · 1,234 · –"
    with translation.override("fr"):
        assert template.render(context).startswith(f"12,5{NBSP}%" if _french_sign() else "12,5")
        assert template.render(context).endswith(f" · 1{NBSP}234 · –")


def _french_sign() -> bool:
    return gettext("%(number)s%%") != "%(number)s%%"
