"""The results of a survey as a CSV file: what `results.survey_results_for` gives this viewer,
row for row — the export never reads an answer itself, so it applies exactly the suppression
the pages and the API apply. A suppressed group's row has its reason and no figure."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from symetrie.core.http import HtmxHttpRequest
from symetrie.listening import results
from symetrie.listening.designer import parse_band

COLUMNS = (
    "row", "period", "unit", "unit_name", "question", "metric", "suppressed", "reason", "n",
    "score", "ci_low", "ci_high", "response_rate", "comments",
)  # fmt: skip


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _row(kind: str, period: str | None, found: Any, group: Any) -> list[str]:
    # The figures of a suppressed group are left out here too, whatever the results held.
    shown = not group.suppressed
    return [
        kind,
        period or "",
        group.unit_code,
        group.unit_name,
        found.question,
        found.metric,
        "true" if group.suppressed else "false",
        group.reason or "",
        str(group.n) if shown and group.n is not None else "",
        _figure(group.score) if shown else "",
        _figure(group.ci_low) if shown else "",
        _figure(group.ci_high) if shown else "",
        _figure(group.response_rate) if shown and group.response_rate is not None else "",
        "\n".join(group.comments) if shown and group.comments else "",
    ]


@login_required
@require_GET
def results_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """`?unit=`, `period=`, `band=NAME_band:VALUE`, `question=` as the results API."""
    survey = results.survey_get_visible_to(user=request.user, pk=pk)
    try:
        band = parse_band(request.GET.get("band"))
    except ValueError:
        return HttpResponse(
            _("Give the band as NAME_band:VALUE, e.g. tenure_band:lt1y."), status=400
        )
    found = results.survey_results_for(
        user=request.user,
        survey=survey,
        unit_code=request.GET.get("unit") or None,
        period=request.GET.get("period") or None,
        band=band,
        question=request.GET.get("question") or None,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.external_id}-results.csv"'
    # A BOM so that spreadsheet programs read the accents right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    if found.refusal:
        writer.writerow(["refused", found.period or "", "", "", found.question, found.metric,
                         "true", found.refusal, *[""] * 6])  # fmt: skip
    for group in found.groups:
        writer.writerow(_row("group", found.period, found, group))
    for label, group in found.trend:
        writer.writerow(_row("trend", label, found, group))
    return response
