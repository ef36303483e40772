"""Formatting that follows the active language: `12,5 %` in French, `12.5%` in English."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(ratio: float | Decimal | None, decimals: int = 1) -> str:
    """A ratio (0.125) as a percentage in the active language (“12,5 %” / “12.5%”)."""
    if ratio is None or ratio == "":
        return "–"
    number = formats.number_format(round(float(ratio) * 100, decimals), decimals, use_l10n=True)
    # Translators: a percentage; French puts a non-breaking space before the sign.
    return _("%(number)s%%") % {"number": number}


@register.filter
def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """A number with the active language's separators (“1 234,5” / “1,234.5”)."""
    if value is None or value == "":
        return "–"
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)
