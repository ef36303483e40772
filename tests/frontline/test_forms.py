"""The screen's quick widgets write the HTML of Django's own widget templates."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation

from symetrie.frontline.forms import HandoffNoteForm, InteractionForm, TimelineForm
from symetrie.frontline.templatetags.workspace import quick_field


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
