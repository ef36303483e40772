"""The manager of a four-person team opens the team pulse: no figure, no comment, and the
reason said plainly; the agency above, with enough answers, shows its score."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.listening.conftest import pulse_survey  # noqa: F401 (the fixture)
from tests.listening.test_results import LAST_MONTH, answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_of_a_small_team_sees_that_confidentiality_is_protected(
    page: Page,
    live_server: Any,
    org: Any,
    manager: Any,
    pulse_survey: Any,  # noqa: F811
) -> None:
    for score in (9, 10, 3, 8):
        answer(pulse_survey, org.lille_team, score, comment="Planning intenable", at=LAST_MONTH)
    for score in (10, 10, 9, 7, 6, 9, 10, 2, 9, 10):
        answer(pulse_survey, org.lille, score, comment="Bonne ambiance", at=LAST_MONTH)

    login(page, live_server, manager.user.email, PASSWORD)
    page.get_by_role("link", name="Résultats").click()
    page.get_by_role("link", name="Pouls du mois").click()
    expect(page.locator("h2#asked-title")).to_have_text("Agence Lille")
    # The agency's ten answers: eNPS 50 with its interval, and its comments.
    expect(page.locator("#results dl.figures")).to_contain_text("eNPS50,0 [-5,7 ; 82,6]")
    expect(page.locator("#results ul.comments li").first).to_have_text("Bonne ambiance")

    page.get_by_role("link", name="Équipe Lille").click()
    expect(page.locator("h2#asked-title")).to_have_text("Équipe Lille")
    expect(page.get_by_role("note")).to_have_text(
        "Pas assez de réponses pour protéger la confidentialité (moins de 5)."
    )
    expect(page.locator("#results")).not_to_contain_text("Planning intenable")
    expect(page.locator("#results strong")).to_have_count(0)
    expect(page.locator("#results ul.comments")).to_have_count(0)
