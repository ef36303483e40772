"""Pages of the listening engine: the answer part.

Public pages (no login), reached by a single-use token: the survey in the respondent's
language, saved as it goes, a thank-you page, kind refusals (already answered: 200; expired
or closed: 410; unknown: 404), the opt-out; printed links and their QR codes. And, for the
survey's named HR roles only, the employees who asked to be contacted.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from symetrie.core.audience import Audience
from symetrie.listening import answering, closed_loop, distribution
from symetrie.listening.forms_answer import answers_from_post, question_views
from symetrie.listening.models import Confidentiality, Invitation
from symetrie.listening.services import Submission

PAGE = "listening/answer/survey.html"
REFUSED = "listening/answer/refused.html"
# Kind refusals: an answered link thanks again (200); a link past its time is Gone (410).
REFUSED_STATUS = {"used": 200, "expired": 410, "closed": 410, "unknown": 404}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _private(response: HttpResponse) -> HttpResponse:
    """The token in the address is the page's only key: keep it out of caches and out of other
    sites' referrers. (Not "no-referrer": the browser would then send `Origin: null` with the
    form, and the CSRF check would refuse it.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _language(request: HttpRequest, invitation: Invitation) -> str:
    asked = request.POST.get("lang") or request.GET.get("lang") or ""
    languages = invitation.survey.languages
    if asked in languages:
        return asked
    return invitation.language if invitation.language in languages else languages[0]


def _refused(request: HttpRequest, reason: str, invitation: Invitation | None) -> HttpResponse:
    context = {"reason": reason, "invitation": invitation}
    return _private(render(request, REFUSED, context, status=REFUSED_STATUS[reason]))


def _page(
    request: HttpRequest,
    invitation: Invitation,
    token: str,
    language: str,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    survey = invitation.survey
    questions = list(survey.questions.current())
    context = {
        "invitation": invitation,
        "invitation_token": token,
        "survey": survey,
        "title": survey.title_in(language),
        "intro": str(survey.intro.get(language) or ""),
        "language": language,
        "languages": [(code, translation.get_language_info(code)) for code in survey.languages],
        "questions": question_views(
            questions, language=language, values=values, errors=errors or {}
        ),
        "errors": errors or {},
        "server_drafts": answering.keeps_server_drafts(invitation),
        "employee": survey.audience == Audience.EMPLOYEE,
        "confidential": survey.confidentiality == Confidentiality.CONFIDENTIAL
        and invitation.employee_id is not None,
        "contact_requested": request.POST.get("contact_requested") == "on",
        "contact_note": request.POST.get("contact_note", ""),
        "restore": request.method == "GET",
    }
    return _private(render(request, PAGE, context, status=400 if errors else 200))


def _errors(error: ValidationError) -> dict[str, str]:
    return {key: " ".join(messages) for key, messages in error.message_dict.items()}


# An error report (Django's, or any tool reading it) shows neither the answers posted nor the
# local values of the answering code: it knows the token, hence the person.
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = distribution.invitation_for_token(token)
    if invitation is None:
        return _refused(request, "unknown", None)
    language = _language(request, invitation)
    with translation.override(language):
        state = answering.invitation_state(invitation)
        if state != "open":
            return _refused(request, state, invitation)
        if request.method == "GET":
            return _page(
                request, invitation, token, language, values=answering.draft_answers(invitation)
            )
        questions = invitation.survey.questions.current()
        answers = answers_from_post(questions, request.POST)
        submission = Submission(
            answers=answers,
            language=language,
            contact_requested=request.POST.get("contact_requested") == "on",
            contact_note=request.POST.get("contact_note", "")[:2000],
        )
        try:
            answering.answer_submit(invitation=invitation, submission=submission)
        except answering.AnswerRefused as refused:
            return _refused(request, refused.reason, invitation)
        except ValidationError as error:
            return _page(
                request, invitation, token, language, values=answers, errors=_errors(error)
            )
    return redirect(f"{reverse('listening:answer_thanks')}?lang={language}")


@sensitive_post_parameters()
@sensitive_variables()
@require_POST
def answer_save(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A customer's answers so far, saved as they go (htmx, on every change)."""
    invitation = distribution.invitation_for_token(token)
    if invitation is None or not answering.keeps_server_drafts(invitation):
        raise Http404("No such survey.")
    language = _language(request, invitation)
    answers = answers_from_post(invitation.survey.questions.current(), request.POST)
    context: dict[str, Any] = {"saved": False, "refused": "", "error": ""}
    with translation.override(language):
        try:
            context["saved"] = (
                answering.draft_save(invitation=invitation, answers=answers, language=language)
                is not None
            )
        except answering.AnswerRefused as refused:
            context["refused"] = refused.reason
        except ValidationError as error:
            context["error"] = " ".join(_errors(error).values())
        return _private(render(request, f"{PAGE}#save_status", context))


def answer_thanks(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang", "")
    if language not in ("fr", "en"):
        language = translation.get_language_from_request(request)
    with translation.override(language):
        return _private(render(request, "listening/answer/thanks.html"))


@require_http_methods(["GET", "POST"])
def answer_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    invitation = distribution.invitation_for_token(token)
    if invitation is None or (invitation.customer_id is None and invitation.employee_id is None):
        raise Http404("No such invitation.")
    language = _language(request, invitation)
    with translation.override(language):
        done = False
        if request.method == "POST":
            distribution.opt_out_record(invitation=invitation)
            done = True
        context = {"invitation": invitation, "done": done, "language": language}
        return _private(render(request, "listening/answer/opt_out.html", context))


def link_visit(request: HttpRequest, slug: str) -> HttpResponse:
    """A printed link or QR code: each visit gets its own single-use invitation."""
    token = distribution.survey_link_visit(slug=slug, qr=request.GET.get("src") == "qr")
    if token is None:
        raise Http404("No such link.")
    return _private(redirect("listening:answer", token=token))


def _qr(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    from symetrie.listening.models import SurveyLink

    if not SurveyLink.objects.filter(slug=slug).exists():
        raise Http404("No such link.")
    # The public address (SITE_URL), not the one the lead downloaded the code from: a code is
    # printed for customers, who cannot reach an internal host name.
    url = distribution.link_url(slug) + "?src=qr"
    content_type = "image/png" if kind == "png" else "image/svg+xml"
    return HttpResponse(distribution.qr_code(url=url, kind=kind), content_type=content_type)


def link_qr_png(request: HttpRequest, slug: str) -> HttpResponse:
    return _qr(request, slug, "png")


def link_qr_svg(request: HttpRequest, slug: str) -> HttpResponse:
    return _qr(request, slug, "svg")


@login_required
def contact_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """Who asked HR to contact them (names and notes, never answers): the survey's named HR
    roles only; 404 for everyone else, managers included."""
    survey, requests = closed_loop.contact_requests_visible_to(user=request.user, survey_pk=pk)
    context = {"survey": survey, "requests": requests, "section": "listening"}
    return render(request, "listening/answer/contact_requests.html", context)


urlpatterns: list[URLPattern] = [
    path("s/thanks/", answer_thanks, name="answer_thanks"),
    path("s/l/<str:slug>/", link_visit, name="link_visit"),
    path("s/l/<str:slug>/qr.png", link_qr_png, name="link_qr_png"),
    path("s/l/<str:slug>/qr.svg", link_qr_svg, name="link_qr_svg"),
    path("s/<str:token>/", answer, name="answer"),
    path("s/<str:token>/save/", answer_save, name="answer_save"),
    path("s/<str:token>/opt-out/", answer_opt_out, name="answer_opt_out"),
    path("surveys/<int:pk>/contact-requests/", contact_requests, name="contact_requests"),
]
