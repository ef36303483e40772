"""Normal forms of identifiers and names, so that however a value is typed it is found.

- e-mail: trimmed and case-folded;
- phone: E.164 with `phonenumbers` (French numbers by default: `06 12 34 56 78` and
  `+33 6 12 34 56 78` are both `+33612345678`);
- card, account, contract numbers and app ids: without spaces, dashes, dots or slashes,
  upper-cased;
- names: lower-cased with accents removed (“Élodie Lefèvre” → “elodie lefevre”).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

DEFAULT_REGION = "FR"
_SEPARATORS = re.compile(r"[\s\-./_]+")


class InvalidIdentifier(ValueError):
    """The value cannot be an identifier of this type."""


def fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: the form names are searched in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("’", "'").split())


def email(value: str) -> str:
    normal = value.strip().casefold()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", normal):
        raise InvalidIdentifier(f"“{value}” is not an e-mail address")
    return normal


def phone(value: str, region: str = DEFAULT_REGION) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier(f"“{value}” is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentifier(f"“{value}” is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def compact(value: str) -> str:
    """Card, account and contract numbers, app ids: no separators, upper case."""
    normal = _SEPARATORS.sub("", value).upper()
    if not normal or not normal.isalnum():
        raise InvalidIdentifier(f"“{value}” is not an identifier (letters and digits only)")
    return normal


def candidates(query: str) -> set[str]:
    """Every normal form a typed query could be, for a one-query lookup across types."""
    query = query.strip()
    found: set[str] = set()
    for normaliser in (email, phone, compact):
        try:
            found.add(normaliser(query))
        except InvalidIdentifier:
            continue
    return found
