"""Identifiers shown the way people read them out, not in their stored normal form."""

from __future__ import annotations

import phonenumbers
from django import template

from symetrie.customers import normalise
from symetrie.customers.models import Identity, IdentityType

register = template.Library()


@register.filter
def identity_display(identity: Identity) -> str:
    """`+33612345678` → `06 12 34 56 78`; card `290123456789` → `2901 2345 6789`."""
    value = identity.value
    if identity.type == IdentityType.PHONE:
        try:
            number = phonenumbers.parse(value, normalise.DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            return value
        home = phonenumbers.region_code_for_number(number) == normalise.DEFAULT_REGION
        style = phonenumbers.PhoneNumberFormat
        return phonenumbers.format_number(number, style.NATIONAL if home else style.INTERNATIONAL)
    if identity.type == IdentityType.LOYALTY_CARD and value.isdigit():
        return " ".join(value[start : start + 4] for start in range(0, len(value), 4))
    return value
