"""Forms of the workspace: they parse and validate; the writes are in frontline.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from symetrie.customers.models import Channel
from symetrie.frontline.selectors import Cursor, cursor_decode


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

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Every channel")), *Channel.choices],
        required=False,
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

    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args: Any, stamp: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened"].initial = stamp


class InteractionForm(StampedForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    summary = forms.CharField(
        label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"channel": Channel.BRANCH})
        super().__init__(*args, **kwargs)


class HandoffNoteForm(StampedForm):
    text = forms.CharField(
        label=_("What the next person must know"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(StampedForm):
    pass
