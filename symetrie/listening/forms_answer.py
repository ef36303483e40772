"""What the answer page posts, read back into a `Submission`'s answers, and the questions as
the page shows them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from symetrie.listening.models import Question, QuestionKind

PREFIX = "q_"


def field_name(code: str) -> str:
    return PREFIX + code


def answers_from_post(questions: Iterable[Question], data: QueryDict) -> dict[str, Any]:
    """{code: value} for every current question (empty when not answered)."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = field_name(question.code)
        if question.kind == QuestionKind.MULTIPLE:
            answers[question.code] = [value for value in data.getlist(name) if value]
        else:
            answers[question.code] = (data.get(name) or "").strip()
    return answers


def _ends(kind: str) -> tuple[str, str]:
    """What the two ends of a scale mean, in the page's language."""
    if kind == QuestionKind.NPS:
        return _("0: not at all likely"), _("10: extremely likely")
    if kind == QuestionKind.CES_5:
        return _("1: very easy"), _("5: very difficult")
    if kind == QuestionKind.CES_7:
        return _("1: strongly disagree"), _("7: strongly agree")
    return _("1: very dissatisfied"), _("5: very satisfied")


@dataclass
class QuestionView:
    code: str
    name: str
    kind: str
    text: str
    required: bool
    # (value, label, checked)
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    value: str = ""
    ends: tuple[str, str] = ("", "")
    error: str = ""

    @property
    def is_scale(self) -> bool:
        return self.kind in (
            QuestionKind.NPS,
            QuestionKind.SCALE_5,
            QuestionKind.CES_5,
            QuestionKind.CES_7,
        )

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT

    @property
    def input_type(self) -> str:
        return "checkbox" if self.kind == QuestionKind.MULTIPLE else "radio"


def question_views(
    questions: Iterable[Question],
    *,
    language: str,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
) -> list[QuestionView]:
    views = []
    for question in questions:
        value = values.get(question.code)
        picked = {str(v) for v in value} if isinstance(value, list) else {str(value or "")}
        view = QuestionView(
            code=question.code,
            name=field_name(question.code),
            kind=question.kind,
            text=question.text_in(language),
            required=question.required,
            error=errors.get(question.code, ""),
        )
        scale = question.scale
        if scale is not None:
            view.options = [
                (str(n), str(n), str(n) in picked) for n in range(scale[0], scale[1] + 1)
            ]
            view.ends = _ends(question.kind)
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            view.options = [
                (
                    str(choice["code"]),
                    str(
                        choice.get("label", {}).get(language)
                        or next(iter(choice.get("label", {}).values()), choice["code"])
                    ),
                    str(choice["code"]) in picked,
                )
                for choice in question.choices
            ]
        else:
            view.value = "" if value is None else str(value)
        views.append(view)
    return views
