"""A new hire opens a case from a customer's screen, promises a call back, grants a gesture
within latitude (done at once), asks for one beyond it (escalated, with the context), flags
what got in the way and hands the case to another team with a note; the agency manager logs
in and finds the escalation waiting; the customer's status link shows the commitment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from symetrie.cases.models import Case, Decision, Escalation
from symetrie.cases.playbooks import playbook_defaults_install
from symetrie.customers.services import customer_create
from symetrie.org.services import employee_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import login

# The seeded playbooks and SLA policies are put back after the flush, for the tests after this.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def new_hire(org):
    """Nina joined the Lille agency three weeks ago, as an adviser (gestures up to 50 €)."""
    return employee_create(
        external_id="E-NEW", email="nina.nouvelle@example.fr", first_name="Nina",
        last_name="Nouvelle", unit=org.lille, role=org.advisor, password=PASSWORD,
        hire_date=timezone.localdate() - dt.timedelta(days=21),
    )  # fmt: skip


def test_a_new_hire_follows_a_case_through(
    page: Page, browser: Browser, live_server, org, new_hire, manager
):
    playbook_defaults_install()
    elodie = customer_create(
        external_id="C-ELODIE", first_name="Élodie", last_name="Lefèvre", home_unit=org.lille,
        advisor=new_hire,
    )  # fmt: skip
    login(page, live_server, new_hire.user.email, PASSWORD)
    page.goto(f"{live_server.url}/workspace/customers/{elodie.pk}/")

    # One step, from the customer's screen.
    page.locator("#case-open").click()
    page.locator("#case-type").select_option("complaint")
    page.locator("#case-subject").fill("Frais prélevés deux fois")
    page.locator("#case-description").fill("Deux commissions d'intervention le même jour.")
    page.locator("#case-submit").click()
    cases = page.locator("#customer-cases")
    expect(cases.get_by_role("link", name="Frais prélevés deux fois")).to_be_visible()
    expect(page.locator("#workspace-status")).to_contain_text("Frais prélevés deux fois")
    cases.get_by_role("link", name="Frais prélevés deux fois").click()
    expect(page.locator("h1")).to_have_text("Frais prélevés deux fois")
    case = Case.objects.get()

    # A promise to the customer.
    due = timezone.localtime() + dt.timedelta(days=2)
    page.locator("#commitment-text").fill("Je vous rappelle jeudi avec la réponse")
    page.locator("#commitment-due_at").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#commitment-submit").click()
    expect(page.locator("#commitments")).to_contain_text("Je vous rappelle jeudi")

    # Within latitude: done at once, and the screen says how far she may go.
    decisions = page.locator("#decisions")
    expect(decisions.locator(".latitude-summary")).to_contain_text("50")
    decisions.locator("summary").click()
    page.locator("#decision-amount_eur").fill("30")
    page.locator("#decision-submit").click()
    expect(page.locator("#case-toast")).to_contain_text("dans les limites de votre latitude")
    expect(decisions.locator(".tag.decision-done")).to_have_count(1)

    # Beyond it: escalated to her manager, with the context.
    decisions.locator("summary").click()
    page.locator("#decision-amount_eur").fill("120")
    page.locator("#decision-note").fill("Cliente fidèle depuis 15 ans, second incident.")
    page.locator("#decision-submit").click()
    expect(page.locator("#case-toast")).to_contain_text("Au-delà de votre latitude")
    expect(decisions.locator(".tag.decision-escalated")).to_have_count(1)
    escalation = page.locator("#escalation")
    expect(escalation).to_contain_text("Mona Manager")
    expect(escalation).to_contain_text("Cliente fidèle depuis 15 ans")

    # Something got in her way.
    page.locator("#friction-open").click()
    page.locator("#friction-process").fill("Outil de remboursement des frais")
    page.locator("#friction-submit").click()
    expect(page.locator("#friction")).to_contain_text("Outil de remboursement des frais")

    # The customer's own page, to send her.
    page.locator("#status-link-get").click()
    link = page.locator("#status-link-url").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/status/[^/]+/", link)

    # Handed to another team, with what they must know.
    page.locator("#handoff summary").click()
    page.locator("#handoff-to_unit").select_option(label="Siège")
    page.locator("#handoff-submit").click()
    # Not without a note: the browser holds the form back (the server would refuse it too).
    expect(page.locator("#handoff-note:invalid")).to_have_count(1)
    case.refresh_from_db()
    assert case.unit == org.lille
    page.locator("#handoff-note").fill("Geste de 120 € en attente de Mona ; rappeler jeudi.")
    page.locator("#handoff-submit").click()
    expect(page.locator("#case-summary")).to_contain_text("Siège")
    expect(page.locator("#case-events")).to_contain_text("Geste de 120 € en attente de Mona")

    case.refresh_from_db()
    assert (case.unit, case.owner, case.raised_by) == (org.siege, None, new_hire)
    assert list(Decision.objects.order_by("pk").values_list("within_latitude", "status")) == [
        (True, "done"),
        (False, "escalated"),
    ]
    irritant = Case.objects.get(type="irritant")
    assert (irritant.related_case, irritant.process) == (case, "Outil de remboursement des frais")

    # The manager finds the escalation waiting, with its context.
    page.context.clear_cookies()
    login(page, live_server, manager.user.email, PASSWORD)
    page.locator('nav a[href="/cases/escalations/"]').click()
    card = page.locator(".escalation-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Frais prélevés deux fois")
    expect(card).to_contain_text("Nina Nouvelle")
    expect(card).to_contain_text("Cliente fidèle depuis 15 ans")
    assert Escalation.objects.get().to == manager

    # The customer, with no account, sees the status and the promise.
    customer = browser.new_context(locale="fr-FR").new_page()
    customer.goto(link)
    expect(customer.locator("h1")).to_have_text("Frais prélevés deux fois")
    expect(customer.locator(".commitments")).to_contain_text(
        "Je vous rappelle jeudi avec la réponse"
    )
    expect(customer.locator("body")).not_to_contain_text("Cliente fidèle")
    customer.context.close()
