"""Forms of the cases pages: they parse and validate; the writes are in cases.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from symetrie.core.audience import Audience


class SearchInput(forms.TextInput):
    input_type = "search"


class PlaybookSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Describe the situation in a few words"),
        max_length=200,
        required=False,
        widget=SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    audience = forms.ChoiceField(
        label=_("For"),
        choices=[
            ("", _("Every situation")),
            (Audience.CUSTOMER, _("Customers' situations")),
            (Audience.EMPLOYEE, _("Your own side")),
        ],
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "playbook-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class OnboardingStepForm(forms.Form):
    # "1": done, "0": not done after all; missing means done.
    done = forms.ChoiceField(choices=[("1", "1"), ("0", "0")], required=False)
    # Which page the button was on, to go back to it without JavaScript.
    back = forms.ChoiceField(
        choices=[("onboarding", "onboarding"), ("playbook", "playbook")], required=False
    )

    def clean_done(self) -> bool:
        return bool(self.cleaned_data["done"] != "0")
