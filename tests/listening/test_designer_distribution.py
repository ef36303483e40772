"""The designer's distribution panel: e-mails to everyone of a unit (the rules of
`invitation_create`, checked set-based), printed links with their QR codes, deactivation; leads
only, htmx partials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create, identity_add
from symetrie.listening import distribution, services
from symetrie.listening.distribution import InviteCounts, Skip
from symetrie.listening.models import Invitation, OptOut, Survey, SurveyLink
from symetrie.listening.views_designer import invite_summary
from symetrie.org.models import Unit
from tests.conftest import Org, client_for
from tests.listening.conftest import NPS_QUESTIONS, PULSE_QUESTIONS


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def lea(lead) -> Client:
    client = client_for(lead)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff(lead, frontline, teammate, manager, regional, stranger, departed):
    """Everyone of the shared org: Lille has Félix, Mona (and Gaston, who left), its team Théo;
    the Nord region Rémi; Marseille Sam; the Siège Léa."""
    return {
        "lead": lead,
        "frontline": frontline,
        "teammate": teammate,
        "manager": manager,
        "regional": regional,
        "stranger": stranger,
        "departed": departed,
    }


def customer(
    org: Org,
    external_id: str,
    unit: Unit,
    *,
    consent: bool = True,
    email: bool = True,
    segment: str = "",
    language: str = "fr",
) -> Customer:
    made = customer_create(
        external_id=external_id,
        first_name=external_id.title(),
        last_name="Client",
        home_unit=unit,
        segment=segment,
        language=language,
    )
    if email:
        identity_add(customer=made, type="email", value=f"{external_id.lower()}@example.fr")
    Customer.objects.filter(pk=made.pk).update(consent_email=consent)
    made.refresh_from_db()
    return made


@pytest.fixture
def clientele(org: Org) -> dict[str, Customer]:
    """Nord: Anne and Fran (premium) in Lille, Bob (no consent) in Lille, Carl (no e-mail) and
    Dana (opted out) in Rouen; Sud: Eve in Marseille."""
    made = {
        "anne": customer(org, "anne", org.lille),
        "fran": customer(org, "fran", org.lille_team, segment="premium", language="en"),
        "bob": customer(org, "bob", org.lille, consent=False),
        "carl": customer(org, "carl", org.rouen, email=False),
        "dana": customer(org, "dana", org.rouen),
        "eve": customer(org, "eve", org.marseille, segment="premium"),
    }
    OptOut.objects.create(customer=made["dana"])
    return made


def enps(external_id: str = "ENPS", **options) -> Survey:
    survey = services.survey_create(
        external_id=external_id,
        audience="employee",
        kind=options.pop("kind", "enps"),
        title={"fr": "eNPS", "en": "eNPS"},
        questions=PULSE_QUESTIONS,
        **options,
    )
    return services.survey_open(survey=survey)


def invited(survey: Survey) -> list[tuple[str, str, str, str]]:
    rows = Invitation.objects.filter(survey=survey).select_related("unit", "customer", "employee")
    return sorted(
        (
            (i.customer or i.employee).external_id,
            i.unit.code,
            i.channel,
            i.language,
        )
        for i in rows
    )


def links_state() -> list[tuple[object, ...]]:
    return list(SurveyLink.objects.order_by("pk").values_list("pk", "unit_id", "is_active"))


URL = "/surveys/designer/{pk}/"


# ---------------------------------------------------------------- inviting a unit


def test_inviting_a_region_e_mails_its_active_employees_but_the_opted_out_and_the_recent(
    lea, pulse_survey, staff, org, django_capture_on_commit_callbacks
):
    OptOut.objects.create(employee=staff["teammate"])
    other = enps()
    distribution.invitation_create(
        survey=other, employee=staff["frontline"], channel="link", now=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = lea.post(
            URL.format(pk=pulse_survey.pk) + "invite/",
            {"invite-unit": org.north.pk},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<section id="distribution"')
    assert "2 people invited; 2 skipped: 1 invited in the last 30 days, 1 opted out." in html
    # Gaston left in 2021; Sam and Léa are outside the region.
    assert invited(pulse_survey) == [
        ("E-MGR", "AG-LIL", "email", "fr"),
        ("E-REG", "R-N", "email", "fr"),
    ]
    from django_tasks_db.models import DBTaskResult

    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "symetrie.listening.tasks.invitations_send_batch"
    ]
    call_command("send_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mona.manager@example.fr",
        "rémi.régional@example.fr",
    ]
    assert {m.subject for m in mail.outbox} == {"Votre avis : Pouls du mois"}


def test_inviting_customers_skips_each_by_its_rule_and_counts_them(lea, nps_survey, clientele, org):
    response = lea.post(URL.format(pk=nps_survey.pk) + "invite/", {"invite-unit": org.north.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/designer/{nps_survey.pk}/#distribution"
    assert invited(nps_survey) == [
        ("anne", "AG-LIL", "email", "fr"),
        ("fran", "T-LIL", "email", "en"),
    ]
    page = lea.get(response["Location"]).content.decode()
    assert (
        "2 people invited; 3 skipped: 1 opted out, 1 did not agree to e-mails, "
        "1 without an e-mail address." in page
    )
    call_command("send_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "anne@example.fr": "Votre avis : Votre avis compte",
        "fran@example.fr": "Your opinion: Your opinion matters",
    }
    # The link of the e-mail opens the survey.
    body = next(m.body for m in mail.outbox if m.to == ["anne@example.fr"])
    token = next(line for line in body.splitlines() if "/s/" in line).rsplit("/s/", 1)[1]
    assert Client().get(f"/s/{token.strip('/')}").status_code in (200, 301)


def test_the_whole_company_is_the_default_and_a_segment_narrows_it(nps_survey, clientele):
    counts = distribution.invitations_create_for_unit(
        survey=nps_survey, unit=None, segment="premium"
    )
    assert counts == InviteCounts(invited=2, skipped={})
    assert invited(nps_survey) == [
        ("eve", "AG-MAR", "email", "fr"),
        ("fran", "T-LIL", "email", "en"),
    ]
    again = distribution.invitations_create_for_unit(survey=nps_survey, unit=None)
    assert again == InviteCounts(
        invited=1,
        skipped={Skip.COOLDOWN: 2, Skip.OPTED_OUT: 1, Skip.NO_CONSENT: 1, Skip.NO_EMAIL: 1},
    )
    assert [row[0] for row in invited(nps_survey)] == ["anne", "eve", "fran"]


def test_the_set_based_rules_agree_with_invitation_create_person_by_person(
    nps_survey, clientele, org
):
    """One implementation of the rules: whom the unit's invitation skips is exactly whom
    `invitation_create` refuses, and for the same reason."""
    distribution.invitation_create(survey=nps_survey, customer=clientele["eve"], channel="link")
    refused: dict[str, str] = {}
    for person in Customer.objects.order_by("pk"):
        try:
            with transaction.atomic():
                distribution.invitation_create(survey=nps_survey, customer=person, channel="email")
                raise RuntimeError("roll back")
        except ValidationError as error:
            refused[person.external_id] = error.messages[0]
        except RuntimeError:
            pass
    counts = distribution.invitations_create_for_unit(survey=nps_survey, unit=None)
    assert refused == {
        "bob": "This customer did not agree to receive e-mails.",
        "carl": "This person has no e-mail address.",
        "dana": "This person asked to receive no surveys.",
        "eve": "This person was already invited to a survey in the last 30 days.",
    }
    assert counts == InviteCounts(
        invited=2,
        skipped={Skip.NO_CONSENT: 1, Skip.NO_EMAIL: 1, Skip.OPTED_OUT: 1, Skip.COOLDOWN: 1},
    )


def test_the_cooldown_keeps_its_exemptions_for_rounds_and_lifecycle_surveys(
    pulse_survey, staff, org
):
    # 28 November: Félix had November's pulse, Mona an eNPS, Théo an exit survey.
    november = dt.datetime(2025, 11, 28, 10, 0, tzinfo=dt.UTC)
    exit_survey = enps("EXIT", kind="exit")
    distribution.invitation_create(
        survey=pulse_survey, employee=staff["frontline"], channel="email", now=november
    )
    distribution.invitation_create(
        survey=enps(), employee=staff["manager"], channel="email", now=november
    )
    distribution.invitation_create(
        survey=exit_survey, employee=staff["teammate"], channel="email", now=november
    )
    # 2 December: December's round of the pulse.
    december = november + dt.timedelta(days=4)
    counts = distribution.invitations_create_for_unit(
        survey=pulse_survey, unit=org.lille, now=december
    )
    assert counts == InviteCounts(invited=2, skipped={Skip.COOLDOWN: 1})
    assert sorted(
        Invitation.objects.filter(survey=pulse_survey, created_at=december).values_list(
            "employee__external_id", flat=True
        )
    ) == ["E-FRONT", "E-TEAM"]
    # An exit survey waits for nobody.
    exits = distribution.invitations_create_for_unit(
        survey=exit_survey, unit=org.lille, now=december
    )
    assert exits == InviteCounts(invited=3, skipped={})


def test_a_unit_outside_the_surveys_own_is_refused(pulse_survey, staff, org):
    Survey.objects.filter(pk=pulse_survey.pk).update(unit=org.north)
    pulse_survey.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        distribution.invitations_create_for_unit(survey=pulse_survey, unit=org.marseille)
    assert refused.value.message_dict == {
        "unit": ["This survey is for Région Nord: choose a unit inside it."]
    }
    counts = distribution.invitations_create_for_unit(survey=pulse_survey, unit=None)
    assert counts.invited == 4  # the region's: Rémi, Félix, Mona, Théo
    assert Invitation.objects.filter(employee=staff["stranger"]).count() == 0


def test_an_unknown_unit_is_a_clear_error(lea, pulse_survey, staff):
    response = lea.post(
        URL.format(pk=pulse_survey.pk) + "invite/",
        {"invite-unit": "999999"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Choose a unit from the list." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_a_draft_or_closed_survey_says_why_it_cannot_be_sent(lea, org, staff, pulse_survey):
    draft = services.survey_create(
        external_id="DRAFT",
        audience="customer",
        kind="csat",
        title={"fr": "Brouillon", "en": "Draft"},
        questions=NPS_QUESTIONS,
    )
    page = lea.get(URL.format(pk=draft.pk)).content.decode()
    assert "This survey is a draft: open it to send it by e-mail." in page
    assert 'id="invite-send"' not in page
    refused = lea.post(URL.format(pk=draft.pk) + "invite/", {"invite-unit": ""})
    assert refused.status_code == 422
    assert "This survey is not open." in refused.content.decode()

    services.survey_close(survey=pulse_survey)
    page = lea.get(URL.format(pk=pulse_survey.pk)).content.decode()
    assert "This survey is closed: it can no longer be sent" in page
    assert 'id="link-create"' not in page
    refused = lea.post(
        URL.format(pk=pulse_survey.pk) + "links/",
        {"link-unit": org.lille.pk},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert "This survey is closed." in refused.content.decode()
    assert (Invitation.objects.count(), SurveyLink.objects.count()) == (0, 0)


# ---------------------------------------------------------------- links and QR codes


def test_a_printed_link_is_listed_with_its_address_and_qr_codes(lea, nps_survey, org, settings):
    settings.SITE_URL = "https://avis.example.fr/"
    response = lea.post(
        URL.format(pk=nps_survey.pk) + "links/",
        {"link-unit": org.rouen.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    link = SurveyLink.objects.get()
    assert (link.survey, link.unit, link.is_active) == (nps_survey, org.rouen, True)
    html = response.content.decode()
    assert html.strip().startswith('<section id="distribution"')
    assert f"<code>https://avis.example.fr/s/l/{link.slug}/</code>" in html
    assert f'href="/s/l/{link.slug}/qr.png" download>QR code (PNG)</a>' in html
    assert f'href="/s/l/{link.slug}/qr.svg" download>QR code (SVG)</a>' in html
    assert "Agence Rouen (AG-ROU)" in html
    assert Client().get(f"/s/l/{link.slug}/qr.png")["Content-Type"] == "image/png"
    assert Client().get(f"/s/l/{link.slug}/").status_code == 302


def test_a_deactivated_link_is_not_found_any_more(lea, nps_survey, org):
    link = distribution.survey_link_create(survey=nps_survey, unit=org.lille)
    kept = distribution.survey_link_create(survey=nps_survey, unit=org.rouen)
    response = lea.post(
        URL.format(pk=nps_survey.pk) + f"links/{link.pk}/deactivate/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "deactivated" in response.content.decode()
    assert links_state() == [(link.pk, org.lille.pk, False), (kept.pk, org.rouen.pk, True)]
    assert Client().get(f"/s/l/{link.slug}/").status_code == 404
    assert Client().get(f"/s/l/{kept.slug}/").status_code == 302
    assert Invitation.objects.count() == 1  # the visit of the link still active


def test_a_link_is_deactivated_only_through_its_own_survey(lea, nps_survey, pulse_survey, org):
    link = distribution.survey_link_create(survey=nps_survey, unit=org.lille)
    response = lea.post(URL.format(pk=pulse_survey.pk) + f"links/{link.pk}/deactivate/")
    assert response.status_code == 404
    assert links_state() == [(link.pk, org.lille.pk, True)]


def test_without_htmx_the_forms_post_and_redirect_to_the_panel(lea, nps_survey, org):
    response = lea.post(URL.format(pk=nps_survey.pk) + "links/", {"link-unit": org.lille.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/designer/{nps_survey.pk}/#distribution"
    assert "The link is ready to print." in lea.get(response["Location"]).content.decode()
    assert lea.get(URL.format(pk=nps_survey.pk) + "distribution/").status_code == 302


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("who", ["manager", "regional", "frontline", "outsider"])
def test_only_leads_distribute_and_a_refused_post_changes_nothing(
    request, who, nps_survey, clientele, org
):
    link = distribution.survey_link_create(survey=nps_survey, unit=org.lille)
    client = client_for(request.getfixturevalue(who))
    base = URL.format(pk=nps_survey.pk)
    before = (links_state(), Invitation.objects.count())
    assert client.get(base + "distribution/", HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(base + "invite/", {"invite-unit": ""}).status_code == 404
    assert client.post(base + "links/", {"link-unit": org.lille.pk}).status_code == 404
    assert client.post(base + f"links/{link.pk}/deactivate/").status_code == 404
    assert (links_state(), Invitation.objects.count()) == before


# ---------------------------------------------------------------- the panel


def test_the_panel_is_an_htmx_partial_with_a_fixed_number_of_queries(
    lea, nps_survey, clientele, org, django_assert_num_queries
):
    for unit in (org.lille, org.rouen, org.marseille):
        distribution.survey_link_create(survey=nps_survey, unit=unit)
    url = URL.format(pk=nps_survey.pk) + "distribution/"
    # session, user, employee, survey, units, segments, links
    with django_assert_num_queries(7):
        response = lea.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<section id="distribution"')
    assert html.count("QR code (SVG)") == 3
    assert '<option value="premium">premium</option>' in html
    assert '<label for="id_invite-unit">Unit</label>' in html
    assert '<label for="id_link-unit">Unit</label>' in html


def test_the_survey_page_shows_the_panel(lea, pulse_survey, staff):
    page = lea.get(URL.format(pk=pulse_survey.pk)).content.decode()
    assert '<section id="distribution"' in page
    assert "Every active employee of the unit" in page
    assert 'id="id_invite-segment"' not in page  # segments are the customers'
    assert '<option value="" selected>The whole company</option>' in page


def test_the_counts_read_well_in_both_languages(nps_survey):
    counts = InviteCounts(invited=412, skipped={Skip.COOLDOWN: 30, Skip.OPTED_OUT: 2})
    assert invite_summary(counts, survey=nps_survey) == (
        "412 people invited; 32 skipped: 30 invited in the last 30 days, 2 opted out."
    )
    with translation.override("fr"):
        assert invite_summary(counts, survey=nps_survey) == (
            "412 personnes invitées ; 32 non invitées : 30 déjà invitées ces 30 derniers "
            "jours, 2 ne veulent plus d'enquêtes."
        )
    assert invite_summary(InviteCounts(invited=1), survey=nps_survey) == "1 person invited."
