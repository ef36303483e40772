"""A CX/EX lead designs a monthly pulse from its template, opens it, sends it to a region by
e-mail and prints a QR code for an agency; the invited employees get their e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from symetrie.listening.models import Invitation, Survey, SurveyLink
from tests.conftest import PASSWORD
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def test_a_lead_designs_opens_and_sends_a_pulse(
    page: Page,
    live_server: Any,
    org: Any,
    lead: Any,
    manager: Any,
    frontline: Any,
    teammate: Any,
    stranger: Any,
) -> None:
    login(page, live_server, lead.user.email, PASSWORD)
    page.get_by_role("link", name=fr("Surveys"), exact=True).click()
    page.get_by_label(fr("Template")).select_option("pulse")
    page.get_by_label(fr("Reference")).fill("pouls-2026")
    page.get_by_label(fr("Title in French")).fill("Le pouls de décembre")
    page.get_by_label(fr("Title in English")).fill("December pulse")
    page.get_by_role("button", name=fr("Create the draft")).click()

    expect(page.locator("h1")).to_contain_text("Le pouls de décembre")
    survey = Survey.objects.get(external_id="pouls-2026")
    assert (survey.audience, survey.kind, survey.status) == ("employee", "pulse", "draft")
    expect(page.locator("#distribution-why")).to_be_visible()  # a draft cannot be sent yet

    page.get_by_role("button", name=fr("Open the survey")).click()
    survey.refresh_from_db()
    assert survey.status == "open"

    # Région Nord: Mona, Félix and Théo (Sam works in the south).
    page.locator("#distribution form[aria-labelledby='invite-h'] select").first.select_option(
        str(org.north.pk)
    )
    page.get_by_role("button", name=fr("Send the invitations")).click()
    expect(page.locator("#invite-result")).to_contain_text("3 personnes invitées")
    invited = set(Invitation.objects.values_list("employee__external_id", flat=True))
    assert invited == {"E-MGR", "E-FRONT", "E-TEAM"}

    call_command("send_surveys")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [manager.user.email, frontline.user.email, teammate.user.email]
    )

    page.locator("#distribution form[aria-labelledby='links-h'] select").first.select_option(
        str(org.lille.pk)
    )
    page.get_by_role("button", name=fr("Create a link")).click()
    expect(page.locator("#distribution table")).to_contain_text("Agence Lille")
    link = SurveyLink.objects.get()
    assert link.unit.code == "AG-LIL"
    png = page.locator(f"a[href$='/s/l/{link.slug}/qr.png']")
    expect(png).to_be_visible()
    response = page.request.get(live_server.url + (png.get_attribute("href") or ""))
    assert response.headers["content-type"] == "image/png"
