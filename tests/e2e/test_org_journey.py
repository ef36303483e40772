"""A manager logs in (in French), drills down the org tree, filters their people, switches to
English; a frontline employee on a phone sees their unit and cannot open another one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_drills_down_the_tree_and_switches_language(
    page: Page, live_server, regional, manager, frontline, teammate
):
    login(page, live_server, regional.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour, Rémi")).to_be_visible()

    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("button", name="Afficher les unités sous Région Nord").click()
    expect(page.get_by_role("link", name="Agence Lille")).to_be_visible()
    expect(page.get_by_role("link", name="Agence Rouen")).to_be_visible()
    # Another region's units are not in this manager's tree.
    expect(page.get_by_text("Agence Marseille")).to_have_count(0)

    page.get_by_role("link", name="Agence Lille").click()
    expect(page.get_by_role("heading", name=re.compile("Agence Lille"))).to_be_visible()
    people = page.locator("#employees")
    expect(people.get_by_text("Théo Team")).to_be_visible()
    page.get_by_label("Nom, e-mail ou identifiant").fill("Félix")
    expect(people.get_by_text("Félix Frontline")).to_be_visible()
    expect(people.get_by_text("Théo Team")).to_have_count(0)

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_frontline_on_a_phone_sees_their_unit_only(page: Page, live_server, frontline, stranger):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, frontline.user.email, PASSWORD)
    page.get_by_role("link", name="Mon unité").click()
    expect(page.get_by_role("heading", name=re.compile("Agence Lille"))).to_be_visible()
    response = page.goto(f"{live_server.url}/org/AG-MAR/")
    assert response is not None and response.status == 404
