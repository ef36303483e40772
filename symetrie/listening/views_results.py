"""Pages of the listening engine: results, as each viewer may see them (managers their subtree,
leads the whole company), through the one results function."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from symetrie.core.http import HtmxHttpRequest
from symetrie.listening import bands, results, rounds


class ResultsFilterForm(forms.Form):
    unit = forms.CharField(required=False, max_length=32)
    period = forms.CharField(required=False, max_length=10)
    band = forms.RegexField(regex=r"^[a-z0-9_]+_band:[A-Za-z0-9_.-]+$", required=False)
    question = forms.SlugField(required=False, max_length=40)
    trend = forms.ChoiceField(
        required=False, choices=[("month", _("By month")), ("week", _("By week"))]
    )

    def band_filter(self) -> tuple[str, str] | None:
        raw = self.cleaned_data.get("band") or ""
        if not raw:
            return None
        key, value = raw.split(":", 1)
        return key, value


METRIC_LABELS: dict[str, str | Promise] = {
    "nps": _("NPS"),
    "csat": _("Satisfied (%)"),
    "favourable": _("Favourable (%)"),
    "ces": _("Effort (mean)"),
    "mean": _("Mean"),
}


@login_required
def survey_list(request: HtmxHttpRequest) -> HttpResponse:
    surveys = results.survey_list_visible_to(user=request.user)
    return render(
        request, "listening/results/list.html", {"surveys": surveys, "section": "results"}
    )


@login_required
def survey_results(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    survey = results.survey_get_visible_to(user=request.user, pk=pk)
    form = ResultsFilterForm(request.GET)
    if not form.is_valid():
        form = ResultsFilterForm({})
        form.is_valid()
    found = results.survey_results_for(
        user=request.user,
        survey=survey,
        unit_code=form.cleaned_data["unit"] or None,
        period=form.cleaned_data["period"] or None,
        band=form.band_filter(),
        question=form.cleaned_data["question"] or None,
        trend=form.cleaned_data["trend"] or "month",
    )
    context = {
        "survey": survey,
        "results": found,
        "asked": found.groups[0],
        "children": found.groups[1:],
        "band": form.cleaned_data.get("band") or "",
        "period_choices": [
            (period, rounds.period_label(survey, period)) for period in reversed(found.periods)
        ],
        "trend_rows": [
            (rounds.period_label(survey, period), group) for period, group in found.trend
        ],
        "band_choices": [
            (f"{key}:{value}", f"{bands.label(key)} : {bands.label(key, value)}")
            for key, values in found.bands.items()
            for value in values
        ],
        "trend": form.cleaned_data.get("trend") or "month",
        "metric_label": _("eNPS")
        if found.metric == "nps" and survey.is_confidential_audience
        else METRIC_LABELS.get(found.metric, found.metric),
        "section": "results",
    }
    template = "listening/results/survey.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


urlpatterns: list[URLPattern] = [
    path("results/", survey_list, name="results"),
    path("results/<int:pk>/", survey_results, name="survey_results"),
]
