"""The screen's quick widgets write the HTML of Django's own widget templates."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation

from symetrie.frontline.forms import HandoffNoteForm, InteractionForm, TimelineForm
from symetrie.frontline.templatetags.workspace import quick_field, quick_widget


def _same(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def _django(field: forms.BoundField) -> str:
    """The field as Django renders it with the stock widget of the same kind."""
    quick = field.field.widget
    stock_class = type(quick)
    if stock_class.__module__ != forms.widgets.__name__:
        stock_class = stock_class.__mro__[1]  # the Django widget a quick one derives from
    stock = stock_class(attrs=quick.attrs)
    if isinstance(quick, forms.Select):
        stock.choices = quick.choices
    return field.as_widget(widget=stock)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_quick_widgets_render_as_django_does(language):
    bound = InteractionForm(
        {"channel": "phone", "subject": 'Un "sujet" <b>', "summary": "a < b\nc", "outcome": ""},
        auto_id="log-%s",
        stamp="s:t&amp",
    )
    bound.is_valid()
    empty = InteractionForm({"channel": "x", "subject": ""}, auto_id="log-%s")
    empty.is_valid()
    forms_ = [
        bound,
        empty,
        InteractionForm(auto_id="log-%s", stamp="abc"),
        HandoffNoteForm(auto_id="note-%s"),
        TimelineForm({"channel": "email"}, auto_id="timeline-%s"),
    ]
    with translation.override(language):
        for form in forms_:
            for field in form:
                assert _same(str(field)) == _same(_django(field)), field.name
                if not field.is_hidden:
                    assert _same(quick_field(field)) == _same(field.as_field_group()), field.name


def test_an_unbound_forms_fields_written_once_read_as_written_anew():
    # The log form and the filter are written once per language (static_markup): what is
    # remembered must be what Django writes, in each language, whatever came first.
    for language in ["fr", "en", "fr"]:
        with translation.override(language):
            for form in (InteractionForm(auto_id="log-%s"), TimelineForm(auto_id="timeline-%s")):
                for field in form:
                    if field.is_hidden:
                        continue
                    twice = [quick_field(field), quick_field(field)]
                    assert [_same(html) for html in twice] == [_same(field.as_field_group())] * 2
                    assert _same(quick_widget(field)) == _same(_django(field)), field.name


def test_a_bound_form_is_written_with_its_values_and_errors():
    with translation.override("fr"):
        quick_field(InteractionForm(auto_id="log-%s")["subject"])  # the unbound one, remembered
        bound = InteractionForm({"channel": "phone", "subject": ""}, auto_id="log-%s")
        bound.is_valid()
        written = quick_field(bound["subject"])
        channel = quick_field(bound["channel"])
    assert "Ce champ est obligatoire." in written and 'aria-invalid="true"' in written
    assert '<option value="phone" selected>' in channel
