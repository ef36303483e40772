"""The survey designer's reads and writes, shared by its pages, the API and the `surveys` import.

- Reads: the designer is for CX / EX leads (an org-wide role, or a superuser); anyone else
  finds nothing there (404). The API's read side is wider: a survey is visible to whoever may
  see some of its results, by the rule of `results`.
- Writes: the settings that `services` has no service for (title, introduction, languages,
  confidentiality mode, rounds); the questions and the thresholds go through
  `services.survey_questions_set` / `services.survey_thresholds_set`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.listening import results, services
from symetrie.listening.models import Cadence, Confidentiality, Survey, SurveyStatus
from symetrie.listening.services import LANGUAGES
from symetrie.org.selectors import Persona, persona_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def is_designer(user: User) -> bool:
    """Who may design surveys: the CX / EX leads (org-wide roles) and superusers."""
    return persona_for(user) is Persona.LEAD


def _require_designer(user: User) -> None:
    if not is_designer(user):
        raise Http404("No such page.")


def survey_list_for_designer(*, user: User, audience: str = "") -> QuerySet[Survey]:
    """Every survey, newest first, with `answer_count`: the answers results may use. (Held-back
    employee answers are not counted: the count moves only when a release does, as every other
    figure of an employee survey.)"""
    _require_designer(user)
    surveys = Survey.objects.select_related("unit").annotate(
        answer_count=Count(
            "responses",
            filter=Q(responses__release__isnull=False, responses__is_complete=True),
        )
    )
    if audience:
        surveys = surveys.filter(audience=audience)
    return surveys.order_by("-created_at", "-pk")


def survey_get_for_designer(*, user: User, pk: int) -> Survey:
    _require_designer(user)
    survey = Survey.objects.select_related("unit").filter(pk=pk).first()
    if survey is None:
        raise Http404("No such survey.")
    return survey


def survey_list_visible_to(*, user: User) -> QuerySet[Survey]:
    """The API's list: every survey (drafts too) for a lead; for anyone else the surveys whose
    results they may open (`results.survey_list_visible_to`, the one rule)."""
    if is_designer(user):
        return Survey.objects.select_related("unit").all()
    return results.survey_list_visible_to(user=user)


def survey_get_visible_to(*, user: User, pk: int) -> Survey:
    if is_designer(user):
        return survey_get_for_designer(user=user, pk=pk)
    return results.survey_get_visible_to(user=user, pk=pk)


def _texts(values: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in (values or {}).items() if str(v or "").strip()}


@transaction.atomic
def survey_settings_set(
    *,
    survey: Survey,
    title: Mapping[str, str] | None = None,
    intro: Mapping[str, str] | None = None,
    languages: Sequence[str] | None = None,
    confidentiality: str | None = None,
    cadence: str | None = None,
) -> Survey:
    """Change a survey's settings; None leaves one as it is. The title and introduction may
    change at any time; the languages, the confidentiality mode and the rounds only while the
    survey is a draft (respondents were told them, and answers were grouped by them)."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    changes: dict[str, Any] = {}
    if languages is not None:
        chosen = [language for language in LANGUAGES if language in languages]
        if not chosen or len(chosen) != len(set(languages)):
            raise ValidationError(
                {"languages": _("Choose languages among French (fr) and English (en).")}
            )
        if chosen != locked.languages:
            changes["languages"] = chosen
    if confidentiality is not None and confidentiality != locked.confidentiality:
        allowed = (
            {Confidentiality.IDENTIFIED}
            if locked.audience == Audience.CUSTOMER
            else {Confidentiality.ANONYMOUS, Confidentiality.CONFIDENTIAL}
        )
        if confidentiality not in allowed:
            raise ValidationError(
                {
                    "confidentiality": _(
                        "Customer surveys are identified; employee surveys are anonymous or "
                        "confidential."
                    )
                }
            )
        changes["confidentiality"] = confidentiality
    if cadence is not None and cadence != locked.cadence:
        if cadence not in Cadence.values:
            raise ValidationError({"cadence": _("Unknown rounds.")})
        changes["cadence"] = cadence
    if changes and locked.status != SurveyStatus.DRAFT:
        field = next(iter(changes))
        raise ValidationError({field: _("This can change only while the survey is a draft.")})
    if title is not None and _texts(title) != locked.title:
        changes["title"] = _texts(title)
    if intro is not None and _texts(intro) != locked.intro:
        changes["intro"] = _texts(intro)
    if not changes:
        return locked
    languages_now = changes.get("languages", locked.languages)
    _check_texts_in(languages_now, changes.get("title", locked.title), "title")
    if "languages" in changes:
        for question in locked.questions.current():
            _check_texts_in(languages_now, question.text, "languages")
            for choice in question.choices:
                _check_texts_in(languages_now, choice.get("label", {}), "languages")
    for name, value in changes.items():
        setattr(locked, name, value)
        setattr(survey, name, value)
    locked.save(update_fields=list(changes))
    return locked


def _check_texts_in(languages: Sequence[str], texts: Mapping[str, str], field: str) -> None:
    for language in languages:
        if not str(texts.get(language) or "").strip():
            raise ValidationError(
                {field: _("Give the text in %(language)s.") % {"language": language}}
            )


@transaction.atomic
def survey_configure(
    *,
    survey: Survey,
    actor: Any,
    title: Mapping[str, str],
    languages: Sequence[str] | None,
    confidentiality: str | None,
    cadence: str | None,
    min_group_size: int,
    min_comment_group_size: int,
    reason: str = "",
) -> Survey:
    """The designer's settings form, all or nothing: the settings, then the thresholds (audited,
    refused once the survey has opened) when they change."""
    survey_settings_set(
        survey=survey,
        title=title,
        languages=languages,
        confidentiality=confidentiality,
        cadence=cadence,
    )
    if (min_group_size, min_comment_group_size) != (
        survey.min_group_size,
        survey.min_comment_group_size,
    ):
        services.survey_thresholds_set(
            survey=survey,
            actor=actor,
            min_group_size=min_group_size,
            min_comment_group_size=min_comment_group_size,
            reason=reason,
        )
    survey.refresh_from_db()
    return survey


def parse_band(value: str | None) -> tuple[str, str] | None:
    """`tenure_band:lt1y` → ("tenure_band", "lt1y"); raises ValueError if malformed."""
    if not value:
        return None
    name, sep, band = value.partition(":")
    if not sep or not name.endswith("_band") or not band:
        raise ValueError(value)
    return name.strip(), band.strip()
