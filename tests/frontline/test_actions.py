"""One-step actions, each timed from the screen opening to the save (employee effort)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.utils import timezone

from symetrie.customers.models import HandoffNote, Interaction
from symetrie.frontline import services
from symetrie.frontline.models import ActionKind, ActionTiming
from symetrie.frontline.stamps import SALT, screen_stamp
from tests.conftest import client_for
from tests.frontline.conftest import Customers

pytestmark = pytest.mark.django_db

MS = dt.timedelta(milliseconds=1)


def _url(customer, suffix: str = "") -> str:
    return f"/workspace/customers/{customer.pk}/{suffix}"


def _interaction(stamp: str, subject: str = "Demande de plafond carte") -> dict[str, str]:
    return {"opened": stamp, "channel": "branch", "subject": subject, "summary": "Plafond relevé"}


def test_logging_an_interaction_tops_the_timeline_and_times_it(frontline, customers: Customers):
    Interaction.objects.create(
        external_id="old",
        customer=customers.elodie,
        channel="phone",
        subject="Ancien appel",
        occurred_at=timezone.now() - dt.timedelta(days=2),
    )
    opened = timezone.now() - dt.timedelta(seconds=42, milliseconds=250, microseconds=17)
    stamp = screen_stamp(employee=frontline, customer=customers.elodie, at=opened)
    client = client_for(frontline)

    response = client.post(_url(customers.elodie, "interactions/"), _interaction(stamp))

    assert response.status_code == 302 and response["Location"] == _url(customers.elodie)
    page = client.get(_url(customers.elodie)).content.decode()
    top = page[page.index('<li class="event">') :]
    top = top[: top.index("</li>")]
    assert '<span class="tag channel">Agence</span>' in top
    assert '<p class="event-subject">Demande de plafond carte</p>' in top
    assert '<p class="event-summary">Plafond relevé</p>' in top
    assert "Félix Frontline · Agence Lille" in top
    saved = Interaction.objects.get(customer=customers.elodie, subject="Demande de plafond carte")
    assert (saved.channel, saved.employee, saved.unit) == ("branch", frontline, frontline.unit)
    timing = ActionTiming.objects.get()
    assert (timing.employee, timing.unit, timing.customer, timing.kind) == (
        frontline,
        frontline.unit,
        customers.elodie,
        ActionKind.INTERACTION_LOG,
    )
    assert timing.opened_at == opened
    assert timing.saved_at == saved.occurred_at
    assert timing.duration_ms == (timing.saved_at - opened) // MS
    assert 42_250 <= timing.duration_ms < 42_250 + 10_000


def test_the_duration_is_exact_to_the_millisecond(frontline, customers: Customers):
    opened = timezone.now().replace(microsecond=500_000) - dt.timedelta(minutes=3)
    stamp = screen_stamp(employee=frontline, customer=customers.elodie, at=opened)
    saved = opened + dt.timedelta(seconds=7, milliseconds=321, microseconds=900)
    interaction = services.workspace_interaction_log(
        actor=frontline,
        customer=customers.elodie,
        stamp=stamp,
        channel="phone",
        subject="Appel",
        now=saved,
    )
    timing = ActionTiming.objects.get()
    assert interaction.occurred_at == saved == timing.saved_at
    assert timing.duration_ms == 7_321


def test_htmx_logging_returns_a_fresh_form_and_the_new_timeline(frontline, customers: Customers):
    stamp = screen_stamp(employee=frontline, customer=customers.elodie)
    response = client_for(frontline).post(
        _url(customers.elodie, "interactions/"), _interaction(stamp), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<form id="log-form"')
    assert (
        '<section id="timeline-section" class="panel" aria-labelledby="timeline-h" hx-swap-oob'
        in page
    )
    assert page.index('<p class="event-subject">Demande de plafond carte</p>') > 0
    assert re.search(r'<div id="workspace-status" hx-swap-oob="innerHTML">[^<]+</div>', page)
    # One announcement only: the timeline does not announce itself as well.
    assert 'id="timeline-status"' not in page
    # The fresh form carries a new stamp, so the next action is timed from now.
    fresh = re.search(r'name="opened" value="([^"]+)"', page)
    assert fresh is not None and fresh.group(1) != stamp
    assert ActionTiming.objects.count() == 1


@pytest.mark.parametrize(
    "how",
    ["tampered", "expired", "future", "other customer", "other employee", "missing", "garbage"],
)
def test_an_untrustworthy_stamp_saves_the_action_but_records_no_timing(
    how, frontline, teammate, customers: Customers
):
    now = timezone.now()
    good = screen_stamp(employee=frontline, customer=customers.elodie, at=now)
    stamps = {
        # The client shortens its own measure: the signature no longer matches.
        "tampered": signing.dumps(
            {"e": frontline.pk, "c": customers.elodie.pk, "t": 0}, salt=SALT, key="forged"
        ),
        "expired": screen_stamp(
            employee=frontline, customer=customers.elodie, at=now - dt.timedelta(hours=5)
        ),
        "future": screen_stamp(
            employee=frontline, customer=customers.elodie, at=now + dt.timedelta(minutes=5)
        ),
        "other customer": screen_stamp(employee=frontline, customer=customers.eloise, at=now),
        "other employee": screen_stamp(employee=teammate, customer=customers.elodie, at=now),
        "missing": "",
        "garbage": good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
    }
    response = client_for(frontline).post(
        _url(customers.elodie, "interactions/"), _interaction(stamps[how])
    )
    assert response.status_code == 302
    assert Interaction.objects.filter(customer=customers.elodie).count() == 1
    assert ActionTiming.objects.count() == 0


def test_an_incomplete_interaction_is_not_saved(frontline, customers: Customers):
    stamp = screen_stamp(employee=frontline, customer=customers.elodie)
    response = client_for(frontline).post(
        _url(customers.elodie, "interactions/"),
        {"opened": stamp, "channel": "branch", "subject": "  "},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in page and 'aria-invalid="true"' in page
    assert f'value="{stamp}"' in page  # still timed from the first opening
    assert Interaction.objects.count() == 0 and ActionTiming.objects.count() == 0


def test_a_handoff_note_is_added_on_top_and_timed(frontline, customers: Customers):
    opened = timezone.now() - dt.timedelta(seconds=12)
    stamp = screen_stamp(employee=frontline, customer=customers.elodie, at=opened)
    client = client_for(frontline)
    response = client.post(
        _url(customers.elodie, "notes/"),
        {"opened": stamp, "text": "A promis d'apporter son avis d'imposition."},
    )
    assert response.status_code == 302
    page = client.get(_url(customers.elodie)).content.decode()
    newest = page.index("A promis d&#39;apporter son avis d&#39;imposition.")
    assert newest < page.index("Attend un appel sur son prêt immo")
    timing = ActionTiming.objects.get()
    assert timing.kind == ActionKind.HANDOFF_NOTE_ADD
    assert timing.opened_at == opened and timing.duration_ms >= 12_000


def test_htmx_note_returns_the_notes_section(frontline, customers: Customers):
    stamp = screen_stamp(employee=frontline, customer=customers.elodie)
    response = client_for(frontline).post(
        _url(customers.elodie, "notes/"),
        {"opened": stamp, "text": "Rappeler après 17 h."},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith('<section id="handoff-notes"')
    assert page.index("Rappeler après 17 h.") < page.index("Attend un appel")
    assert 'id="workspace-status" hx-swap-oob="innerHTML"' in page


def test_an_empty_note_is_refused(frontline, customers: Customers):
    response = client_for(frontline).post(
        _url(customers.elodie, "notes/"), {"opened": "", "text": "   "}, HTTP_HX_REQUEST="true"
    )
    assert 'class="errorlist"' in response.content.decode()
    assert HandoffNote.objects.filter(customer=customers.elodie).count() == 1


def test_a_resolved_note_no_longer_shows_and_is_timed_once(frontline, customers: Customers):
    stamp = screen_stamp(employee=frontline, customer=customers.elodie)
    client = client_for(frontline)
    url = _url(customers.elodie, f"notes/{customers.note.pk}/resolve/")
    htmx = client.post(url, {"opened": stamp}, HTTP_HX_REQUEST="true")
    assert "Attend un appel" not in htmx.content.decode()
    again = client.post(url, {"opened": stamp})
    assert again.status_code == 302
    customers.note.refresh_from_db()
    assert customers.note.resolved_by == frontline and customers.note.resolved_at is not None
    assert "Attend un appel" not in client.get(_url(customers.elodie)).content.decode()
    assert list(ActionTiming.objects.values_list("kind", flat=True)) == [
        ActionKind.HANDOFF_NOTE_RESOLVE
    ]


def test_no_action_reaches_a_customer_out_of_scope(frontline, customers: Customers):
    client = client_for(frontline)
    stamp = screen_stamp(employee=frontline, customer=customers.marius)
    marius = customers.marius
    attempts = [
        (_url(marius, "interactions/"), _interaction(stamp)),
        (_url(marius, "notes/"), {"opened": stamp, "text": "Intrusion"}),
        (_url(marius, f"notes/{customers.stranger_note.pk}/resolve/"), {"opened": stamp}),
        # Marius's note through Élodie's screen, which Félix may see.
        (_url(customers.elodie, f"notes/{customers.stranger_note.pk}/resolve/"), {"opened": stamp}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404, url
        assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, url
    assert Interaction.objects.count() == 0
    assert HandoffNote.objects.filter(customer=marius).count() == 1
    customers.stranger_note.refresh_from_db()
    assert customers.stranger_note.resolved_at is None
    assert ActionTiming.objects.count() == 0


def test_actions_take_posts_only(frontline, customers: Customers):
    assert client_for(frontline).get(_url(customers.elodie, "interactions/")).status_code == 405


# ---------------------------------------------------------------- forms rendered when opened


def test_the_note_form_is_rendered_when_opened_with_the_screen_s_stamp(
    frontline, customers: Customers, django_assert_num_queries
):
    client = client_for(frontline)
    screen = client.get(_url(customers.elodie)).content.decode()
    assert 'name="text"' not in screen  # the form is not on the page: its loader is
    loader = re.search(r'hx-get="(/workspace/customers/\d+/notes/form/\?opened=[^"]+)"', screen)
    assert loader is not None
    stamp = screen_stamp(employee=frontline, customer=customers.elodie)

    # session, user, employee (scope and actor), the customer
    with django_assert_num_queries(4):
        response = client.get(
            _url(customers.elodie, "notes/form/"), {"opened": stamp}, HTTP_HX_REQUEST="true"
        )

    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith('<form class="stack" method="post"')
    assert f'name="opened" value="{stamp}"' in page
    assert '<textarea name="text"' in page and 'id="note-submit"' in page


def test_without_javascript_the_note_form_comes_with_the_page(frontline, customers: Customers):
    page = client_for(frontline).get(_url(customers.elodie), {"form": "note"}).content.decode()

    assert '<details class="add-note" open>' in page
    assert '<textarea name="text"' in page


def test_no_note_form_for_a_customer_out_of_scope(frontline, customers: Customers):
    response = client_for(frontline).get(
        _url(customers.marius, "notes/form/"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 404
