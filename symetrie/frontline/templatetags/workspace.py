"""Identifiers shown the way people read them out, not in their stored normal form; the
timeline's rows, formatted once in Python."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypedDict

import phonenumbers
from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from symetrie.core.dates import format_date
from symetrie.customers import normalise
from symetrie.customers.models import Channel, Identity, IdentityType, Interaction

if TYPE_CHECKING:
    from symetrie.frontline.selectors import CustomerScreen

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


class TimelineRow(TypedDict):
    """One interaction as the timeline shows it (text, not yet escaped)."""

    iso: str
    when: str
    channel: str
    subject: str
    summary: str
    outcome: str
    employee: str
    unit: str
    campaign: str


@register.filter
def timeline_rows(interactions: Iterable[Interaction]) -> list[TimelineRow]:
    """The rows of the timeline, each a dict of the texts it shows: the template only places
    them (a date format and a choices lookup per row, done once here)."""
    labels = {value: str(label) for value, label in Channel.choices}
    rows = []
    for interaction in interactions:
        local = timezone.localtime(interaction.occurred_at)
        rows.append(
            TimelineRow(
                iso=local.isoformat(),
                when=format_date(local, "DATETIME_FORMAT"),
                channel=labels.get(interaction.channel, interaction.channel),
                subject=interaction.subject,
                summary=interaction.summary,
                outcome=interaction.outcome,
                # Read with the interaction by `customers.selectors.timeline`.
                employee=interaction.employee_name,  # type: ignore[attr-defined]
                unit=interaction.unit_name,  # type: ignore[attr-defined]
                campaign=interaction.campaign_name,  # type: ignore[attr-defined]
            )
        )
    return rows


@register.filter
def timeline_status(screen: CustomerScreen) -> str:
    """What a screen reader hears once htmx brought the timeline's rows: older ones, or the
    timeline again (filtered, or after an interaction was logged)."""
    counter = len(screen.timeline.interactions)
    if screen.before:
        text = ngettext(
            "%(counter)s older interaction shown.", "%(counter)s older interactions shown.", counter
        )
    else:
        text = ngettext(
            "Timeline updated: %(counter)s interaction shown.",
            "Timeline updated: %(counter)s interactions shown.",
            counter,
        )
    return text % {"counter": counter}


@register.filter
def channel_label(value: str) -> str:
    """The name of a channel (`branch` → « Agence »), as `get_channel_display` says it."""
    return str(_CHANNEL_LABELS.get(value, value))


_CHANNEL_LABELS = dict(Channel.choices)


@register.filter
def quick_field(field: BoundField) -> SafeString:
    """`field.as_field_group` (label, errors, widget) written here rather than by the
    django/forms/field.html and label.html templates, for the screen's visible forms."""
    return _once(field, "group", _field_group)


@register.filter
def quick_widget(field: BoundField) -> SafeString:
    """The field's widget (`{{ field }}`), as `quick_field` writes it, without the label."""
    return _once(field, "widget", lambda field: mark_safe(str(field)))


# The fields of an unbound form whose markup is its class's alone (`static_markup`: fixed
# choices, no per-instance attributes) read the same for every employee in a language: the
# screen's log form and timeline filter are written once, not on every screen (~0.4 ms).
_WRITTEN: dict[tuple[object, ...], SafeString] = {}


def _once(field: BoundField, kind: str, write: Callable[[BoundField], SafeString]) -> SafeString:
    form = field.form
    if form.is_bound or not getattr(form, "static_markup", False):
        return write(field)
    value, language = str(field.value()), get_language()
    key = (
        kind,
        type(form),
        form.auto_id,
        form.prefix,
        form.label_suffix,
        field.name,
        value,
        language,
    )
    written = _WRITTEN.get(key)
    if written is None:
        if len(_WRITTEN) > 512:  # values typed in as initial data: never many, but bounded
            _WRITTEN.clear()
        written = _WRITTEN[key] = write(field)
    return written


def _field_group(field: BoundField) -> SafeString:
    if field.use_fieldset or field.help_text:
        return field.as_field_group()
    suffix = field.field.label_suffix
    suffix = field.form.label_suffix if suffix is None else suffix
    label = field.label
    if suffix and label and label[-1] not in ":?.!":  # as label_tag (the same in fr and en)
        label = format_html("{}{}", label, suffix)
    tag = format_html('<label for="{}">{}</label>', field.id_for_label, label) if label else ""
    errors = str(field.errors) if field.errors else ""
    return mark_safe(f"{tag}{errors}{field}")  # each part escaped
