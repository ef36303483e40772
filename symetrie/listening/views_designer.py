"""Pages of the listening engine: the survey designer, for CX / EX leads only (anyone else: 404).

The list of surveys (both audiences), a new survey from a template, its questions (added,
removed, reordered, edited in French and English; a question already answered gets a new
version, by `services.survey_questions_set`), its settings (thresholds audited and locked once
open, the audit trail shown), opening and closing, and its distribution (e-mails to everyone
of a unit, printed links and their QR codes, by `distribution`). htmx requests get the part of
the page they change (`"listening/designer/survey.html#questions"`); without JavaScript every
form posts and redirects.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from symetrie.core.audience import Audience
from symetrie.core.http import HtmxHttpRequest
from symetrie.listening import designer, distribution, services, views_export
from symetrie.listening.distribution import InviteCounts, Skip
from symetrie.listening.forms_designer import (
    AudienceFilterForm,
    InviteForm,
    LinkForm,
    QuestionForm,
    QuestionFormSet,
    SettingsForm,
    SurveyCreateForm,
    question_specs,
    units_for,
)
from symetrie.listening.models import Survey, SurveyLink
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
        **_distribution_context(survey),
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


# ---------------------------------------------------------------- distribution


def _distribution_context(
    survey: Survey,
    *,
    invite_form: InviteForm | None = None,
    link_form: LinkForm | None = None,
    invite_summary: str = "",
) -> dict[str, Any]:
    """The distribution panel; lazy, so that the other partials of the page don't pay for it."""
    units = units_for(survey)
    segments = functools.cache(distribution.customer_segments)
    return {
        "invite_form": invite_form or InviteForm(survey=survey, units=units, segments=segments),
        "link_form": link_form or LinkForm(units=units),
        "links": distribution.survey_links(survey=survey),
        "site_url": str(settings.SITE_URL).rstrip("/"),
        "invite_summary": invite_summary,
    }


def invite_summary(counts: InviteCounts, *, survey: Survey) -> str:
    """ "412 people invited; 32 skipped: 30 invited in the last 30 days, 2 opted out."""
    text = ngettext("%(count)d person invited", "%(count)d people invited", counts.invited) % {
        "count": counts.invited
    }
    if not counts.skipped_total:
        return text + "."
    reasons = []
    for reason in (Skip.COOLDOWN, Skip.OPTED_OUT, Skip.NO_CONSENT, Skip.NO_EMAIL):
        n = counts.skipped.get(reason, 0)
        if not n:
            continue
        if reason == Skip.COOLDOWN:
            reasons.append(
                ngettext(
                    "%(count)d invited in the last %(days)d days",
                    "%(count)d invited in the last %(days)d days",
                    n,
                )
                % {"count": n, "days": survey.cooldown_days}
            )
        elif reason == Skip.OPTED_OUT:
            reasons.append(ngettext("%(count)d opted out", "%(count)d opted out", n) % {"count": n})
        elif reason == Skip.NO_CONSENT:
            reasons.append(
                ngettext(
                    "%(count)d did not agree to e-mails", "%(count)d did not agree to e-mails", n
                )
                % {"count": n}
            )
        else:
            reasons.append(
                ngettext(
                    "%(count)d without an e-mail address",
                    "%(count)d without an e-mail address",
                    n,
                )
                % {"count": n}
            )
    total = counts.skipped_total
    skipped = ngettext("%(count)d skipped: %(reasons)s", "%(count)d skipped: %(reasons)s", total)
    skipped %= {"count": total, "reasons": ", ".join(reasons)}
    return _("%(invited)s; %(skipped)s.") % {"invited": text, "skipped": skipped}


def _distribution_response(
    request: HtmxHttpRequest, survey: Survey, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The panel alone for htmx; the whole page (with the form's errors) otherwise."""
    if request.htmx:
        context = {"survey": survey, **_distribution_context(survey, **forms)}
        return render(request, f"{SURVEY}#distribution", context, status=status)
    context = _survey_context(request, survey)
    context.update(_distribution_context(survey, **forms))
    return render(request, SURVEY, context, status=status)


def _to_panel(survey: Survey) -> HttpResponse:
    return redirect(reverse("listening:designer_survey", args=[survey.pk]) + "#distribution")


@login_required
def survey_distribution(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    return _distribution_response(request, survey) if request.htmx else _to_panel(survey)


@login_required
@require_POST
def survey_invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Invite by e-mail everyone of a unit; the counts of who was invited and who skipped."""
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    form = InviteForm(
        request.POST,
        survey=survey,
        units=units_for(survey),
        segments=distribution.customer_segments,
    )
    if form.is_valid():
        try:
            counts = distribution.invitations_create_for_unit(
                survey=survey,
                unit=form.cleaned_data["unit"],
                segment=form.cleaned_data.get("segment") or "",
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            summary = invite_summary(counts, survey=survey)
            if not request.htmx:
                messages.success(request, summary)
                return _to_panel(survey)
            return _distribution_response(request, survey, invite_summary=summary)
    return _distribution_response(request, survey, status=422, invite_form=form)


@login_required
@require_POST
def survey_link_new(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A printed link and its QR code for a unit."""
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    form = LinkForm(request.POST, units=units_for(survey))
    if form.is_valid():
        try:
            distribution.survey_link_create(survey=survey, unit=form.cleaned_data["unit"])
        except ValidationError as error:
            _errors_into(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("The link is ready to print."))
                return _to_panel(survey)
            return _distribution_response(request, survey)
    return _distribution_response(request, survey, status=422, link_form=form)


@login_required
@require_POST
def survey_link_deactivate(request: HtmxHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    survey = designer.survey_get_for_designer(user=request.user, pk=pk)
    link = get_object_or_404(SurveyLink, pk=link_pk, survey=survey)
    distribution.survey_link_deactivate(link=link)
    if not request.htmx:
        messages.success(request, _("The link is deactivated."))
        return _to_panel(survey)
    return _distribution_response(request, survey)


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
    path(
        "surveys/designer/<int:pk>/distribution/",
        survey_distribution,
        name="designer_distribution",
    ),
    path("surveys/designer/<int:pk>/invite/", survey_invite, name="designer_invite"),
    path("surveys/designer/<int:pk>/links/", survey_link_new, name="designer_link_new"),
    path(
        "surveys/designer/<int:pk>/links/<int:link_pk>/deactivate/",
        survey_link_deactivate,
        name="designer_link_deactivate",
    ),
    path("surveys/<int:pk>/results.csv", views_export.results_csv, name="results_csv"),
]
