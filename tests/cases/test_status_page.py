"""The customer's status page: no login, the customer's language, the status and the
commitments (never internal notes or decisions); expired links are 410, altered ones 404."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from symetrie.cases import services, status_link
from symetrie.cases.models import Case
from symetrie.customers.models import Customer
from symetrie.org.models import Employee

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def followed(frontline: Employee, complaint: Case) -> Case:
    """The complaint, in progress, with a promise kept, one to come, and internal matters."""
    soon = timezone.now() + DAY
    kept = services.commitment_add(
        actor=frontline, case=complaint, text="Vérifier les deux prélèvements", due_at=soon
    )
    services.commitment_done(actor=frontline, commitment=kept)
    services.commitment_add(
        actor=frontline, case=complaint, text="Rembourser les frais en double", due_at=soon + DAY
    )
    services.case_transition(actor=frontline, case=complaint, to="in_progress")
    services.case_note(actor=frontline, case=complaint, note="Note interne : cliente tendue")
    services.decision_record(actor=frontline, case=complaint, kind="goodwill", amount_eur=30)
    return complaint


def _token(case: Case) -> str:
    return status_link.make_status_token(case, max_age=dt.timedelta(days=30))


def _page(token: str, **headers: str):
    return Client(**headers).get(f"/status/{token}/")


def test_the_customer_sees_status_and_commitments_without_logging_in(followed):
    response = _page(_token(followed))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Frais prélevés deux fois</h1>" in page
    assert "<strong>En cours</strong>" in page
    assert re.findall(r'<p class="commitment-text">([^<]+)</p>', page) == [
        "Vérifier les deux prélèvements",
        "Rembourser les frais en double",
    ]
    assert page.count('class="commitment done"') == 1
    assert "Agence Lille" in page
    for internal in ("Note interne", "Félix", "Goodwill", "€"):
        assert internal not in page


def test_the_page_owns_up_to_a_missed_date(followed, frontline, elodie):
    fresh = services.case_open(
        actor=frontline, audience="customer", type="request", subject="RIB", customer=elodie
    )

    late = _page(_token(followed)).content.decode()
    on_time = _page(_token(fresh)).content.decode()

    # The complaint was due in November 2025; the fresh request is due in the future.
    assert "nous sommes en retard\u00a0: veuillez nous en excuser" in late
    assert "Nous prévoyons de vous répondre" in on_time
    assert "nous sommes en retard" not in on_time


def test_the_page_speaks_the_customer_s_language(followed, elodie: Customer):
    french = _page(_token(followed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    Customer.objects.filter(pk=elodie.pk).update(language="en")
    english = _page(_token(followed), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # Whatever the browser asks for: the customer's own language, dates included.
    assert '<html lang="fr">' in french
    assert '<html lang="en">' in english
    opened = "21 novembre 2025"
    assert opened in french
    assert "Nov. 21, 2025" in english or "November 21, 2025" in english
    assert opened not in english


def test_the_page_is_kept_out_of_caches_and_referrers(followed):
    response = _page(_token(followed))

    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_expired_link_is_gone(followed):
    expired = signing.dumps(
        {"c": followed.pk, "r": followed.external_id, "e": int(time.time()) - 60},
        salt=status_link.SALT,
    )

    response = _page(expired)

    # 410 Gone: the link was real and worked; it will not again, and a new one can be asked for.
    assert response.status_code == 410
    page = response.content.decode()
    assert "Ce lien a expiré" in page
    assert "demandez un nouveau lien à votre conseiller" in page
    assert "Frais prélevés deux fois" not in page


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "nothing-here",
        lambda token: signing.dumps({"c": 1, "r": "sym-x", "e": 9_999_999_999}),  # other salt
    ],
)
def test_an_altered_link_is_not_found(followed, tamper):
    response = _page(tamper(_token(followed)))

    # 404: nothing is at this address; the page says so kindly and shows nothing of any case.
    assert response.status_code == 404
    page = response.content.decode()
    assert "Ce lien ne fonctionne pas" in page
    assert "Frais prélevés deux fois" not in page


def test_a_link_to_another_case_s_reference_is_not_found(followed, frontline, elodie):
    other = services.case_open(
        actor=frontline, audience="customer", type="request", subject="RIB", customer=elodie
    )
    forged = signing.dumps(
        {"c": other.pk, "r": followed.external_id, "e": int(time.time()) + 60},
        salt=status_link.SALT,
    )

    assert _page(forged).status_code == 404


def test_an_employee_case_has_no_public_page(frontline):
    irritant = services.friction_flag(actor=frontline, process="Scanner")

    assert _page(_token(irritant)).status_code == 404


def test_the_refusal_page_follows_the_browser_language(followed):
    english = _page("nothing-here", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = _page("nothing-here", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="en">' in english
    assert '<html lang="fr">' in french
