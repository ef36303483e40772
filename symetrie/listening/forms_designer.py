"""Forms of the survey designer: they parse and validate; the writes are services'."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from symetrie.core.audience import Audience
from symetrie.listening.models import (
    KIND_AUDIENCES,
    MIN_GROUP_FLOOR,
    Cadence,
    Confidentiality,
    Question,
    QuestionKind,
    Survey,
    SurveyKind,
)
from symetrie.listening.services import QuestionSpec
from symetrie.listening.survey_templates import CES_SCALES
from symetrie.org.models import Unit

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
LANGUAGE_CHOICES = [("fr", _("French")), ("en", _("English"))]


class TitlesMixin(forms.Form):
    """A survey's title in each language, from the fields `title_fr` and `title_en`."""

    def title(self) -> dict[str, str]:
        return {
            language: self.cleaned_data[f"title_{language}"]
            for language in ("fr", "en")
            if self.cleaned_data.get(f"title_{language}")
        }


class SurveyCreateForm(TitlesMixin):
    """A new survey from a ready-made template."""

    kind = forms.ChoiceField(label=_("Template"), choices=SurveyKind.choices)
    audience = forms.ChoiceField(
        label=_("For"),
        choices=Audience.choices,
        required=False,
        help_text=_("For a custom survey; the other templates have their own audience."),
    )
    ces_scale = forms.TypedChoiceField(
        label=_("CES scale"),
        choices=[(5, _("1–5, lower is better")), (7, _("1–7, higher is better"))],
        coerce=int,
        initial=5,
        required=False,
    )
    external_id = forms.SlugField(
        label=_("Reference"),
        max_length=64,
        help_text=_("A stable identifier, used by imports and the API (e.g. nps-2026)."),
    )
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind is None:
            return data
        audiences = KIND_AUDIENCES[kind]
        if len(audiences) == 1:
            data["audience"] = next(iter(audiences))
        elif data.get("audience") not in audiences:
            self.add_error("audience", _("Choose who this survey is for."))
        if data.get("ces_scale") not in CES_SCALES:
            data["ces_scale"] = 5
        if Survey.objects.filter(external_id=data.get("external_id", "")).exists():
            self.add_error("external_id", _("A survey already has this reference."))
        return data


class QuestionForm(forms.Form):
    """One question; choices as lines of `code | libellé | label`."""

    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        error_messages={
            "invalid": _("Use lower-case letters, digits and underscores, starting with a letter.")
        },
    )
    # The empty form at the end (to add a question) posts its first kind: unchanged from this.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.NPS
    )
    text_fr = forms.CharField(
        label=_("Text in French"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: code | French label | English label."),
    )
    required = forms.BooleanField(label=_("Answer required"), required=False)

    def clean_choices(self) -> list[dict[str, Any]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["choices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not parts[0]:
                raise forms.ValidationError(
                    _("Line %(number)d: write code | French label | English label.")
                    % {"number": number}
                )
            parsed.append({"code": parts[0], "label": {"fr": parts[1], "en": parts[2]}})
        return parsed

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            code=data["code"],
            kind=data["kind"],
            text={k: data[f"text_{k}"].strip() for k in ("fr", "en") if data[f"text_{k}"].strip()},
            choices=tuple(data["choices"]) if data["kind"] in CHOICE_KINDS else (),
            required=data["required"],
        )

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "code": question.code,
            "kind": question.kind,
            "text_fr": question.text.get("fr", ""),
            "text_en": question.text.get("en", ""),
            "choices": "\n".join(
                f"{c['code']} | {c['label'].get('fr', '')} | {c['label'].get('en', '')}"
                for c in question.choices
            ),
            "required": question.required,
        }


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=1, can_order=True, can_delete=True, max_num=60
)


def question_specs(formset: Any) -> list[QuestionSpec]:
    """The questions kept, in the order asked (the empty extra form is left out)."""
    kept = [
        form
        for form in formset.ordered_forms
        if form.has_changed() and not form.cleaned_data.get("DELETE")
    ]
    return [form.spec() for form in kept]


class SettingsForm(TitlesMixin):
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=[
            (Confidentiality.ANONYMOUS, Confidentiality.ANONYMOUS.label),
            (Confidentiality.CONFIDENTIAL, Confidentiality.CONFIDENTIAL.label),
        ],
        required=False,
        help_text=_(
            "Confidential: the link to the person is kept apart, for HR only, when an "
            "employee asks to be contacted."
        ),
    )
    cadence = forms.ChoiceField(label=_("Rounds"), choices=Cadence.choices)
    min_group_size = forms.IntegerField(
        label=_("Minimum group for results (k)"), min_value=MIN_GROUP_FLOOR, max_value=1000
    )
    min_comment_group_size = forms.IntegerField(
        label=_("Minimum group for comments"), min_value=MIN_GROUP_FLOOR, max_value=1000
    )
    reason = forms.CharField(
        label=_("Why the thresholds change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "settings-%s")
        kwargs.setdefault(
            "initial",
            {
                "title_fr": survey.title.get("fr", ""),
                "title_en": survey.title.get("en", ""),
                "languages": survey.languages,
                "confidentiality": survey.confidentiality,
                "cadence": survey.cadence,
                "min_group_size": survey.min_group_size,
                "min_comment_group_size": survey.min_comment_group_size,
            },
        )
        super().__init__(*args, **kwargs)
        self.survey = survey
        if survey.audience == Audience.CUSTOMER:
            del self.fields["confidentiality"]
        if survey.thresholds_locked:
            for name in ("min_group_size", "min_comment_group_size", "reason"):
                self.fields[name].disabled = True
        if survey.status != "draft":
            for name in ("languages", "confidentiality", "cadence"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changed = (data.get("min_group_size"), data.get("min_comment_group_size")) != (
            self.survey.min_group_size,
            self.survey.min_comment_group_size,
        )
        if changed and not self.survey.thresholds_locked and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the thresholds change: the change is audited."))
        return data


class AudienceFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=[("", _("Both audiences")), *Audience.choices],
        required=False,
    )


def units_for(survey: Survey) -> Callable[[], list[Unit]]:
    """The units a survey may be sent to (the tree under its own unit, or every unit), read
    once however many forms of the page list them."""
    units = Unit.objects.order_by("path")
    if survey.unit is not None:
        units = units.subtree_of(survey.unit)
    return functools.cache(lambda: list(units))


class _UnitForm(forms.Form):
    """A form with a `unit` picked from the tree, each indented by its depth (keyboard: type
    its name)."""

    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args: Any, units: Callable[[], list[Unit]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._units = units
        self.fields["unit"].error_messages["invalid_choice"] = _("Choose a unit from the list.")

    def _unit_choices(self) -> list[tuple[str, str]]:
        return [(str(unit.pk), "\u00a0\u00a0" * unit.depth + str(unit)) for unit in self._units()]

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data["unit"]
        return next((unit for unit in self._units() if str(unit.pk) == value), None)


class InviteForm(_UnitForm):
    """Invite a unit's people by e-mail (`distribution.invitations_create_for_unit`)."""

    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        help_text=_("Only the customers of this segment."),
    )

    def __init__(
        self, *args: Any, survey: Survey, segments: Callable[[], list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, prefix="invite", **kwargs)
        unit: Any = self.fields["unit"]
        unit.required = False
        unit.help_text = _("Everyone of the unit and of the units under it.")
        whole = str(survey.unit) if survey.unit is not None else _("The whole company")
        # Callables: the units and segments are read only when the form is shown or checked.
        unit.choices = lambda: [("", whole), *self._unit_choices()]
        if survey.audience == Audience.CUSTOMER:
            segment: Any = self.fields["segment"]
            segment.choices = lambda: [("", _("Every segment")), *((s, s) for s in segments())]
        else:
            del self.fields["segment"]


class LinkForm(_UnitForm):
    """A printed link and its QR code for one unit (`distribution.survey_link_create`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="link", **kwargs)
        unit: Any = self.fields["unit"]
        unit.help_text = _("The answers given through the link count for this unit.")
        unit.choices = self._unit_choices
