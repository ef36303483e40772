"""Formatting that follows the active language: `12,5 %` in French, `12.5%` in English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


def _decimal(value: float | int | Decimal) -> Decimal:
    # A float through its shortest repr: 0.145 is 0.145, not 0.14499999999999999.
    return Decimal(value) if isinstance(value, int | Decimal) else Decimal(str(value))


def _rounded(value: float | int | Decimal, decimals: int) -> Decimal:
    """`value` rounded half up to `decimals` places, never "-0".

    Django's number_format cuts a float's extra digits (2.7 → "2") and Python's round() goes
    half to even (12.5 → 12): neither is how people round figures.
    """
    exact = _decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)


@register.filter
def percent(ratio: float | Decimal | None, decimals: int = 1) -> str:
    """A ratio (0.125) as a percentage in the active language (“12,5 %” / “12.5%”)."""
    if ratio is None or ratio == "":
        return "–"
    hundredths = _decimal(ratio) * 100
    number = formats.number_format(
        _rounded(hundredths, decimals), decimals, use_l10n=True, force_grouping=True
    )
    # Translators: a percentage; French puts a non-breaking space before the sign.
    return _("%(number)s%%") % {"number": number}


@register.filter
def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """A number with the active language's separators (“1 234,5” / “1,234.5”)."""
    if value is None or value == "":
        return "–"
    return formats.number_format(
        _rounded(value, decimals), decimals, use_l10n=True, force_grouping=True
    )
