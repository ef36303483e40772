"""Forms of the workspace: they parse and validate; the writes are in frontline.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from symetrie.customers.models import Channel
from symetrie.frontline.selectors import Cursor, cursor_decode


def _attrs(attrs: dict[str, Any]) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


# The widgets of the customer screen's visible forms render the HTML of Django's widget
# templates without them: a template per widget and one per option made these forms the
# costliest part of the screen's markup (measured: a select of 8 channels ~0.5 ms).


class QuickTextInput(forms.TextInput):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
        return mark_safe(f"{html}{shown}{_attrs(widget['attrs'])}>")  # each part escaped


class QuickHiddenInput(forms.HiddenInput):
    render = QuickTextInput.render


class QuickTextarea(forms.Textarea):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = format_html('<textarea name="{}"', widget["name"])
        text = conditional_escape(widget["value"]) if widget["value"] else ""
        # Each part escaped.
        return mark_safe(f"{html}{_attrs(widget['attrs'])}>\n{text}</textarea>")


class QuickSelect(forms.Select):
    """A flat select: its options straight from `choices` (Django's `get_context` makes a
    dict of attributes for each option first; ~80 µs for the eight channels, twice a screen)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if any(isinstance(label, (list, tuple)) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's way
        chosen = set(self.format_value(value))
        attributes = _attrs(self.build_attrs(self.attrs, attrs))
        parts = [format_html('<select name="{}"', name), attributes, ">"]
        found = False  # only one option selected, as Django's `optgroups` does
        for option, label in self.choices:
            option = "" if option is None else str(option)
            selected = not found and option in chosen
            found = found or selected
            mark = _SELECTED if selected else ""
            parts.append(format_html('\n  <option value="{}"{}>{}</option>', option, mark, label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # each part escaped


_SELECTED = mark_safe(" selected")


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(forms.Form):
    """One box for any identifier however typed, or a name."""

    q = forms.CharField(
        label=_("Loyalty card, phone, e-mail, account number or name"),
        max_length=200,
        required=False,
        widget=SearchInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "data-search": True,
                "aria-keyshortcuts": "/",
                "aria-describedby": "workspace-q-hint",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "workspace-%s")
        super().__init__(*args, **kwargs)


class TimelineForm(forms.Form):
    """The timeline's filter and the cursor of the page to show."""

    static_markup = True  # its fields' markup is the class's (templatetags.workspace)

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Every channel")), *Channel.choices],
        required=False,
        widget=QuickSelect,
    )
    before = forms.CharField(required=False, max_length=64)

    def clean_before(self) -> Cursor | None:
        token: str = self.cleaned_data["before"]
        if not token:
            return None
        try:
            return cursor_decode(token)
        except ValueError:
            raise forms.ValidationError(_("This page of the timeline does not exist.")) from None


class StampedForm(forms.Form):
    """A form that carries the signed instant its screen was opened (see frontline.stamps)."""

    opened = forms.CharField(widget=QuickHiddenInput, required=False, max_length=500)

    def __init__(self, *args: Any, stamp: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened"].initial = stamp


class InteractionForm(StampedForm):
    static_markup = True  # but `opened`, written apart (templatetags.workspace)

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=QuickSelect)
    subject = forms.CharField(label=_("Subject"), max_length=200, widget=QuickTextInput)
    summary = forms.CharField(
        label=_("What was said"), required=False, widget=QuickTextarea(attrs={"rows": 3})
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, max_length=200, widget=QuickTextInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"channel": Channel.BRANCH})
        super().__init__(*args, **kwargs)


class HandoffNoteForm(StampedForm):
    static_markup = True
    text = forms.CharField(
        label=_("What the next person must know"),
        max_length=2000,
        widget=QuickTextarea(attrs={"rows": 3}),
    )


class ResolveForm(StampedForm):
    pass
