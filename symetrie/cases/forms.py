"""Forms of the cases pages: they parse and validate; the writes are in cases.services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from symetrie.cases.models import CaseType, DecisionKind, Priority, Status
from symetrie.core.audience import Audience
from symetrie.customers.models import Channel
from symetrie.org.models import Employee, Unit

if TYPE_CHECKING:
    from symetrie.cases.views_support import HandoffTargets


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "playbook-%s")
        super().__init__(*args, **kwargs)


class OnboardingStepForm(forms.Form):
    # "1": done, "0": not done after all; missing means done.
    done = forms.ChoiceField(choices=[("1", "1"), ("0", "0")], required=False)
    # Which page the button was on, to go back to it without JavaScript.
    back = forms.ChoiceField(
        choices=[("onboarding", "onboarding"), ("playbook", "playbook")], required=False
    )

    def clean_done(self) -> bool:
        return bool(self.cleaned_data["done"] != "0")


class CaseOpenForm(forms.Form):
    """A customer's case, opened from their screen in one step."""

    type = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (CaseType.REQUEST, CaseType.REQUEST.label),
            (CaseType.COMPLAINT, CaseType.COMPLAINT.label),
            (CaseType.INFORMATION, CaseType.INFORMATION.label),
        ],
        initial=CaseType.REQUEST,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What the customer said"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.BRANCH)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "case-%s")
        super().__init__(*args, **kwargs)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(required=False, max_length=2000)


class NextStepForm(forms.Form):
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "next-%s")
        super().__init__(*args, **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label=_("What you promise the customer"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("I call you back with the answer")}),
    )
    due_at = forms.DateTimeField(
        label=_("By"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "commitment-%s")
        super().__init__(*args, **kwargs)


class HandoffForm(forms.Form):
    """To a colleague, or to a team; the note is what the next person must know."""

    to_employee = forms.ChoiceField(label=_("To a colleague"), required=False)
    to_unit = forms.ChoiceField(label=_("Or to a team"), required=False)
    note = forms.CharField(
        label=_("What the next person must know"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("A handoff needs a context note: what the next person must know.")
        },
    )

    def __init__(self, *args: Any, targets: HandoffTargets, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "handoff-%s")
        super().__init__(*args, **kwargs)
        self._employees = {str(e.pk): e for e in targets.employees}
        self._units = {str(u.pk): u for u in targets.units}
        self.fields["to_employee"].choices = [("", _("— nobody in particular —"))] + [  # type: ignore[attr-defined]
            (pk, f"{e.user.get_full_name()} · {e.unit.name}") for pk, e in self._employees.items()
        ]
        self.fields["to_unit"].choices = [("", _("— the colleague's team —"))] + [  # type: ignore[attr-defined]
            (pk, u.name) for pk, u in self._units.items()
        ]

    def clean_to_employee(self) -> Employee | None:
        return self._employees.get(self.cleaned_data["to_employee"])

    def clean_to_unit(self) -> Unit | None:
        return self._units.get(self.cleaned_data["to_unit"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("to_employee") is None and data.get("to_unit") is None:
            raise forms.ValidationError(_("Hand the case to a colleague or to a team."))
        return data


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes up"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the case goes up: an escalation needs a reason.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "escalate-%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        initial=DecisionKind.GOODWILL,
    )
    amount_eur = forms.DecimalField(
        label=_("Amount (€)"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    label = forms.CharField(label=_("Which decision"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Why (goes with an escalation)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision-%s")
        super().__init__(*args, **kwargs)

    def clean_amount_eur(self) -> Decimal:
        return self.cleaned_data.get("amount_eur") or Decimal("0")


class FrictionForm(forms.Form):
    """“Something got in my way”: the process or tool, in one step."""

    process = forms.CharField(
        label=_("Which process or tool got in your way?"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Name the process or tool that got in the way.")},
    )
    description = forms.CharField(
        label=_("What happened (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, prefix_id: str = "friction", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)


class EscalationDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("approve") is False and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Say why you refuse."))
        return data
