"""The customer on one screen: handoff notes first, campaigns, offers, the timeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from symetrie.customers.models import Delivery, Interaction
from symetrie.customers.services import customer_create, handoff_note_add, interaction_log
from symetrie.frontline import selectors
from tests.conftest import client_for
from tests.frontline.conftest import Customers, campaign_create

pytestmark = pytest.mark.django_db


def _url(customer, suffix: str = "") -> str:
    return f"/workspace/customers/{customer.pk}/{suffix}"


def _log(actor, customer, subject: str, when: dt.datetime, channel: str = "branch"):
    return interaction_log(
        actor=actor, customer=customer, channel=channel, subject=subject, occurred_at=when
    )


def _subjects(html: str) -> list[str]:
    return re.findall(r'<p class="event-subject">(.*?)</p>', html)


def _next_cursor(html: str) -> str | None:
    found = re.findall(r'hx-get="[^"]*before=([0-9_]+)"', html)
    assert len(found) <= 1
    return found[0] if found else None


def test_handoff_notes_come_first(frontline, customers: Customers):
    page = client_for(frontline).get(_url(customers.elodie)).content.decode()
    note = page.index("Attend un appel sur son prêt immo avant vendredi.")
    assert "Théo Team" in page[note:]
    for later in ('id="profile-h"', 'id="received-h"', 'id="cases-h"', 'id="timeline-h"'):
        assert note < page.index(later)


def test_the_screen_shows_identities_advisor_and_the_campaign_as_sent(
    frontline, customers: Customers
):
    response = client_for(frontline).get(_url(customers.elodie))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Élodie Lefèvre" in page
    assert "Félix Frontline" in page  # the advisor
    # Shown as people read them out, in the order they are asked for.
    shown = ["2901 2345 6789", "06 12 34 56 78", "elodie.lefevre@example.fr", "FR763000100042"]
    shown.append("CT20240042")
    positions = [page.index(f"<dd>{value}</dd>") for value in shown]
    assert positions == sorted(positions)
    assert "Livret Printemps" in page
    assert "Bonjour,<br>Livret Printemps : profitez-en en agence." in page
    assert "Taux boosté 4 % pendant 3 mois" in page


def test_offers_follow_the_customer_segment(frontline, customers: Customers):
    today = timezone.localdate()
    window = {
        "internal": today - dt.timedelta(days=3),
        "external": today - dt.timedelta(days=1),
        "end": today + dt.timedelta(days=5),
    }
    campaign_create(
        "CMP-PREM", "Carte Premier", offer="Cotisation offerte", segments=["premium"], **window
    )
    campaign_create(
        "CMP-JEUNE", "Offre Jeunes", offer="Compte gratuit", segments=["young"], **window
    )
    response = client_for(frontline).get(_url(customers.elodie))
    offers = [campaign.name for campaign in response.context["screen"].offers]
    assert offers == ["Carte Premier", "Livret Printemps"]
    assert "Offre Jeunes" not in response.content.decode()


def test_the_cases_slot_is_there_and_empty(frontline, customers: Customers):
    page = client_for(frontline).get(_url(customers.elodie)).content.decode()
    section = page[page.index('<section id="cases"') : page.index('id="log-h"')]
    assert 'id="cases-h"' in section
    assert "<li" not in section and "<table" not in section


def test_the_timeline_is_latest_first(frontline, customers: Customers):
    now = timezone.now()
    _log(frontline, customers.elodie, "Ouverture du livret", now - dt.timedelta(days=3))
    _log(frontline, customers.elodie, "Question sur la carte", now - dt.timedelta(days=1))
    _log(frontline, customers.elodie, "Rendez-vous prêt", now - dt.timedelta(days=2))
    response = client_for(frontline).get(_url(customers.elodie))
    subjects = [i.subject for i in response.context["screen"].timeline.interactions]
    assert subjects == ["Question sur la carte", "Rendez-vous prêt", "Ouverture du livret"]
    page = response.content.decode()
    assert page.index("Question sur la carte") < page.index("Ouverture du livret")


def test_the_channel_filter_keeps_only_that_channel(frontline, customers: Customers):
    now = timezone.now()
    _log(frontline, customers.elodie, "Appel entrant", now - dt.timedelta(hours=3), "phone")
    _log(frontline, customers.elodie, "Passage en agence", now - dt.timedelta(hours=2))
    _log(frontline, customers.elodie, "Rappel", now - dt.timedelta(hours=1), "phone")
    client = client_for(frontline)
    response = client.get(_url(customers.elodie), {"channel": "phone"})
    assert [i.subject for i in response.context["screen"].timeline.interactions] == [
        "Rappel",
        "Appel entrant",
    ]
    assert "Passage en agence" not in response.content.decode()
    assert '<option value="phone" selected>' in response.content.decode()
    empty = client.get(_url(customers.elodie), {"channel": "social"})
    assert empty.context["screen"].timeline.interactions == []


def test_htmx_gets_the_timeline_partial_only(frontline, customers: Customers):
    _log(frontline, customers.elodie, "Appel entrant", timezone.now(), "phone")
    response = client_for(frontline).get(
        _url(customers.elodie), {"channel": "phone"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "Attend un appel" not in page
    assert page.lstrip().startswith('<li class="event">')
    assert "Appel entrant" in page
    # Screen readers hear what changed.
    assert 'id="timeline-status" hx-swap-oob="innerHTML"' in page


def test_more_continues_exactly_where_the_first_page_stopped(
    frontline, customers: Customers, monkeypatch
):
    # Pages of 3 over 8 interactions, 5 of them at the very same instant: two page boundaries
    # fall inside the tie, which only the id can break.
    monkeypatch.setattr(selectors, "TIMELINE_PAGE", 3)
    tie = timezone.now().replace(microsecond=123456) - dt.timedelta(hours=1)
    when = [tie + dt.timedelta(minutes=5), *[tie] * 5, tie - dt.timedelta(minutes=5), tie]
    for n, moment in enumerate(when):
        _log(frontline, customers.elodie, f"Échange {n}", moment)
    expected = list(
        Interaction.objects.filter(customer=customers.elodie)
        .order_by("-occurred_at", "-pk")
        .values_list("subject", flat=True)
    )
    client = client_for(frontline)
    first = client.get(_url(customers.elodie))
    seen = _subjects(first.content.decode())
    cursor = _next_cursor(first.content.decode())
    pages = 1
    while cursor:
        page = client.get(_url(customers.elodie), {"before": cursor}, HTTP_HX_REQUEST="true")
        html = page.content.decode()
        assert "<html" not in html
        seen += _subjects(html)
        cursor = _next_cursor(html)
        pages += 1
    assert seen == expected
    assert len(seen) == len(set(seen)) == 8
    assert pages == 3


def test_the_more_link_carries_the_filter_and_the_cursor(
    frontline, customers: Customers, monkeypatch
):
    monkeypatch.setattr(selectors, "TIMELINE_PAGE", 2)
    now = timezone.now()
    for n in range(3):
        _log(frontline, customers.elodie, f"Appel {n}", now - dt.timedelta(minutes=n), "phone")
    response = client_for(frontline).get(_url(customers.elodie), {"channel": "phone"})
    cursor = response.context["screen"].timeline.next_before
    links = re.findall(r'hx-get="([^"]*before=[^"]*)"', response.content.decode())
    assert links == [f"{_url(customers.elodie)}?channel=phone&amp;before={cursor}"]
    assert 'hx-trigger="click, revealed"' in response.content.decode()


def test_a_broken_cursor_is_a_bad_request(frontline, customers: Customers):
    client = client_for(frontline)
    assert client.get(_url(customers.elodie), {"before": "yesterday"}).status_code == 400
    assert client.get(_url(customers.elodie), {"channel": "pigeon"}).status_code == 400


def test_out_of_scope_customer_screen_is_404(frontline, stranger, customers: Customers):
    client = client_for(frontline)
    assert client.get(_url(customers.marius)).status_code == 404
    assert client.get(_url(customers.marius), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get("/workspace/customers/999999/").status_code == 404
    # Sam serves Marseille: Marius yes, Élodie no.
    assert client_for(stranger).get(_url(customers.marius)).status_code == 200
    assert client_for(stranger).get(_url(customers.elodie)).status_code == 404


def test_a_user_who_is_no_employee_gets_404(outsider, customers: Customers):
    assert client_for(outsider).get(_url(customers.elodie)).status_code == 404


def test_a_manager_sees_the_customers_of_the_subtree(regional, customers: Customers):
    client = client_for(regional)
    assert client.get(_url(customers.elodie)).status_code == 200
    assert client.get(_url(customers.marius)).status_code == 404


def test_a_superuser_without_employee_record_sees_but_cannot_act(customers: Customers):
    admin = get_user_model().objects.create_superuser("root", "root@example.fr", "x")
    page = client_for(admin).get(_url(customers.elodie)).content.decode()
    assert "Élodie Lefèvre" in page
    assert 'name="opened"' not in page


def test_the_screen_costs_the_same_queries_however_much_it_shows(
    frontline, teammate, customers: Customers, django_assert_num_queries, org
):
    client = client_for(frontline)
    client.get(_url(customers.elodie))  # session warm-up

    def screen() -> int:
        # session, user, employee (navigation and scope), the customer with unit and advisor,
        # identities, open notes, timeline, campaigns received, offers, open cases.
        with django_assert_num_queries(10):
            response = client.get(_url(customers.elodie))
        assert response.status_code == 200
        return len(response.context["screen"].timeline.interactions)

    assert screen() == 0
    today = timezone.localdate()
    now = timezone.now()
    for n in range(6):
        author = frontline if n % 2 else teammate
        _log(author, customers.elodie, f"Échange {n}", now - dt.timedelta(hours=n), "phone")
        handoff_note_add(actor=author, customer=customers.elodie, text=f"Note {n}")
        campaign = campaign_create(
            f"CMP-{n}",
            f"Campagne {n}",
            offer=f"Offre {n}",
            internal=today - dt.timedelta(days=2),
            external=today,
            end=today,
        )
        Delivery.objects.create(campaign=campaign, customer=customers.elodie, sent_at=now)
    assert screen() == 6


def test_a_team_member_serves_the_agency_customers(teammate, customers: Customers, org):
    other = customer_create(external_id="C-X", first_name="A", last_name="B", home_unit=org.rouen)
    client = client_for(teammate)
    assert client.get(_url(customers.elodie)).status_code == 200
    assert client.get(_url(other)).status_code == 404


def test_the_screen_speaks_english_too(frontline, customers: Customers):
    client = client_for(frontline)
    client.cookies["django_language"] = "en"
    page = client.get(_url(customers.elodie)).content.decode()
    assert '<html lang="en">' in page
    assert "Handoff notes" in page and "Log an interaction" in page and "Timeline" in page


def test_what_people_typed_is_escaped_and_translations_are_not(frontline, org):
    # The screen renders with Jinja2: every text someone typed (a name, a note, a subject, a
    # campaign) is escaped, while a translation, trusted as in Django's templates, is not.
    attack = '<script>alert("x")</script>'
    customer = customer_create(
        external_id="C-XSS", first_name=attack, last_name="D'Arc", home_unit=org.lille
    )
    handoff_note_add(actor=frontline, customer=customer, text=f"Note {attack}")
    _log(frontline, customer, f"Subject {attack}", timezone.now())
    today = timezone.localdate()
    campaign = campaign_create(
        "CMP-X", f"Campaign {attack}", internal=today, external=today, end=today, offer=attack
    )
    Delivery.objects.create(campaign=campaign, customer=customer, sent_at=timezone.now())

    page = client_for(frontline).get(_url(customer)).content.decode()

    assert "<script>alert" not in page
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert f"<h1>{escaped} D&#39;Arc</h1>" in page
    assert f"Note {escaped}</p>" in page
    assert f'<p class="event-subject">Subject {escaped}</p>' in page
    assert f"<h3>Campaign {escaped} " in page
    assert f"<strong>Offre\N{NO-BREAK SPACE}:</strong> {escaped}</p>" in page
    assert f"<li><strong>Campaign {escaped}</strong><br>{escaped}<br>" in page  # the offer
    # A French translation with an apostrophe, as written.
    assert "Enregistrer l'interaction</button>" in page
