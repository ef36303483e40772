"""A frontline employee finds a customer from a loyalty card typed with spaces, reads the
handoff note first and the campaign the customer received, logs the visit from the keyboard,
and sees it on top of the timeline; the action's duration is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from symetrie.customers.models import Interaction
from symetrie.customers.services import interaction_log
from symetrie.frontline.models import ActionKind, ActionTiming
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.frontline.conftest import CARD, Customers, customers_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def customers(org, frontline, teammate, stranger) -> Customers:
    return customers_create(org, frontline=frontline, teammate=teammate, stranger=stranger)


def test_frontline_finds_a_customer_by_card_and_logs_the_visit(
    page: Page, live_server, frontline, customers: Customers
):
    login(page, live_server, frontline.user.email, PASSWORD)
    page.locator('nav a[href="/workspace/"]').click()
    search = page.locator("#workspace-q")
    expect(search).to_be_focused()
    page.keyboard.type(CARD)
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Élodie Lefèvre")
    # The handoff note comes first, before anything else about the customer.
    notes = page.locator("#handoff-notes")
    expect(notes).to_contain_text("Attend un appel sur son prêt immo avant vendredi.")
    timeline = page.locator("#timeline-section")
    assert notes.bounding_box()["y"] < page.locator("#received-h").bounding_box()["y"]
    assert notes.bounding_box()["y"] < timeline.bounding_box()["y"]
    received = page.locator("section[aria-labelledby=received-h]")
    expect(received).to_contain_text("Livret Printemps")
    expect(received.locator("blockquote")).to_contain_text("profitez-en en agence")

    # "/" brings the keyboard back to the search box from anywhere on the screen.
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("/")
    expect(page.locator("#workspace-q")).to_be_focused()

    page.locator("#log-subject").click()
    page.keyboard.type("Vient pour le Livret Printemps")
    page.keyboard.press("Tab")
    page.keyboard.type("Taux boosté expliqué")
    page.keyboard.press("Tab")
    page.keyboard.type("Livret ouvert")
    page.keyboard.press("Tab")
    expect(page.locator("#log-submit")).to_be_focused()
    page.keyboard.press("Enter")

    first = page.locator("#timeline .event").first
    expect(first.locator(".event-subject")).to_have_text("Vient pour le Livret Printemps")
    expect(first).to_contain_text("Félix Frontline")
    expect(page.locator("#workspace-status")).not_to_be_empty()
    # A fresh, empty form for the next one; the focus stays on its button.
    expect(page.locator("#log-subject")).to_have_value("")
    expect(page.locator("#log-submit")).to_be_focused()

    saved = Interaction.objects.get(customer=customers.elodie)
    assert (saved.summary, saved.outcome) == ("Taux boosté expliqué", "Livret ouvert")
    timing = ActionTiming.objects.get()
    assert (timing.kind, timing.employee_id) == (ActionKind.INTERACTION_LOG, frontline.pk)
    assert 0 < timing.duration_ms < 120_000


def test_on_a_phone_the_note_comes_first_and_older_interactions_load_on_scroll(
    page: Page, live_server, frontline, customers: Customers
):
    now = timezone.now()
    for n in range(25):
        interaction_log(
            actor=frontline,
            customer=customers.elodie,
            channel="phone",
            subject=f"Appel n° {n}",
            occurred_at=now - dt.timedelta(hours=n),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, frontline.user.email, PASSWORD)
    page.goto(f"{live_server.url}/workspace/customers/{customers.elodie.pk}/")
    expect(page.locator("#handoff-notes")).to_contain_text("Attend un appel")
    events = page.locator("#timeline .event")
    expect(events).to_have_count(20)
    page.locator("#timeline .more a").scroll_into_view_if_needed()
    expect(events).to_have_count(25)
    expect(events.last.locator(".event-subject")).to_have_text("Appel n° 24")
    expect(page.locator("#timeline .more")).to_have_count(0)
