"""Pages of the listening engine: the survey designer, for CX / EX leads only (anyone else: 404).

The list of surveys (both audiences), a new survey from a template, its questions (added,
removed, reordered, edited in French and English; a question already answered gets a new
version, by `services.survey_questions_set`), its settings (thresholds audited and locked once
open, the audit trail shown), opening and closing. htmx requests get the part of the page they
change (`"listening/designer/survey.html#questions"`); without JavaScript every form posts and
redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from symetrie.core.audience import Audience
from symetrie.core.http import HtmxHttpRequest
from symetrie.listening import designer, services, views_export
from symetrie.listening.forms_designer import (
    AudienceFilterForm,
    QuestionForm,
    QuestionFormSet,
    SettingsForm,
    SurveyCreateForm,
    question_specs,
)
from symetrie.listening.models import Survey
from symetrie.listening.survey_templates import survey_create_from_template

LIST = "listening/designer/list.html"
SURVEY = "listening/designer/survey.html"


def _errors_into(form: Any, error: ValidationError, *, default: str | None = None) -> None:
    """A service's refusal shown on the form: on its field when the form has one."""
    found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for name, messages_ in found.items():
        field = name if name in getattr(form, "fields", {}) else default
        for message in messages_:
            if hasattr(form, "add_error"):
                form.add_error(field, message)
            else:
                form._non_form_errors.append(f"{name}: {message}" if name else message)


def _list_context(request: HtmxHttpRequest, create_form: SurveyCreateForm) -> dict[str, Any]:
    filters = AudienceFilterForm(request.GET)
    audience = filters.cleaned_data["audience"] if filters.is_valid() else ""
    surveys = designer.survey_list_for_designer(user=request.user, audience=audience)
    return {
        "surveys": surveys,
        "filters": filters,
        "audience": audience,
        "create_form": create_form,
        "section": "surveys",
    }


@login_required
def survey_list(request: HtmxHttpRequest) -> HttpResponse:
    context = _list_context(request, SurveyCreateForm())
    return render(request, f"{LIST}#rows" if request.htmx else LIST, context)


@login_required
@require_POST
def survey_new(request: HtmxHttpRequest) -> HttpResponse:
    designer.survey_list_for_designer(user=request.user)  # 404 for anyone but a lead
    form = SurveyCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survey = survey_create_from_template(
                kind=data["kind"],
                audience=data["audience"],
                external_id=data["external_id"],
                title=form.title(),
                ces_scale=data["ces_scale"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            return redirect("listening:designer_survey", pk=survey.pk)
    return render(request, LIST, _list_context(request, form), status=422)


def _survey_context(
    request: HtmxHttpRequest,
    survey: Survey,
    *,
    questions: Any = None,
    settings_form: SettingsForm | None = None,
) -> dict[str, Any]:
    if questions is None:
        current = survey.questions.current().order_by("position", "code")
        questions = QuestionFormSet(
            prefix="q", initial=[QuestionForm.initial_for(question) for question in current]
        )
    return {
        "survey": survey,
        "questions": questions,
        "settings_form": settings_form or SettingsForm(survey=survey),
        "threshold_changes": survey.threshold_changes.select_related("changed_by"),
        "is_employee": survey.audience == Audience.EMPLOYEE,
        "section": "surveys",
    }


@login_required
def survey_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    return render(request, SURVEY, _survey_context(request, survey))


@login_required
@require_POST
def survey_questions(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    formset: Any = QuestionFormSet(request.POST, prefix="q")
    if formset.is_valid():
        try:
            services.survey_questions_set(survey=survey, questions=question_specs(formset))
        except ValidationError as error:
            _errors_into(formset, error)
        else:
            if not request.htmx:
                messages.success(request, _("The questions are saved."))
                return redirect("listening:designer_survey", pk=survey.pk)
            formset = None
    context = _survey_context(request, survey, questions=formset)
    status = 422 if formset is not None else 200
    return render(
        request, f"{SURVEY}#questions" if request.htmx else SURVEY, context, status=status
    )


@login_required
@require_POST
def survey_settings(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    form = SettingsForm(request.POST, survey=survey)
    if form.is_valid():
        data = form.cleaned_data
        try:
            designer.survey_configure(
                survey=survey,
                actor=request.user,
                title=form.title(),
                languages=data["languages"],
                confidentiality=data.get("confidentiality") or None,
                cadence=data["cadence"],
                min_group_size=data["min_group_size"],
                min_comment_group_size=data["min_comment_group_size"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("The settings are saved."))
                return redirect("listening:designer_survey", pk=survey.pk)
            form = SettingsForm(survey=survey)
            context = _survey_context(request, survey, settings_form=form)
            return render(request, f"{SURVEY}#settings", context)
    context = _survey_context(request, survey, settings_form=form)
    return render(request, f"{SURVEY}#settings" if request.htmx else SURVEY, context, status=422)


@login_required
@require_POST
def survey_status(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    """Open a draft (its thresholds lock) or close an open survey."""
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    change = services.survey_open if action == "open" else services.survey_close
    try:
        change(survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("The survey is open.") if action == "open" else _("The survey is closed.")
        messages.success(request, done)
    return redirect("listening:designer_survey", pk=survey.pk)


urlpatterns: list[URLPattern] = [
    path("surveys/designer/", survey_list, name="designer"),
    path("surveys/designer/new/", survey_new, name="designer_new"),
    path("surveys/designer/<int:pk>/", survey_detail, name="designer_survey"),
    path("surveys/designer/<int:pk>/questions/", survey_questions, name="designer_questions"),
    path("surveys/designer/<int:pk>/settings/", survey_settings, name="designer_settings"),
    path(
        "surveys/designer/<int:pk>/open/", survey_status, {"action": "open"}, name="designer_open"
    ),
    path(
        "surveys/designer/<int:pk>/close/",
        survey_status,
        {"action": "close"},
        name="designer_close",
    ),
    path("surveys/<int:pk>/results.csv", views_export.results_csv, name="results_csv"),
]
