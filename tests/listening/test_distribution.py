"""Distribution: tokens, over-solicitation, opt-out, e-mails in the person's language, throttled
batches, reminders, printed links and QR codes, and the transactional triggers."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from symetrie.cases import services as case_services
from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create, identity_add, interaction_log
from symetrie.listening import distribution, services
from symetrie.listening.models import (
    CustomerLink,
    Invitation,
    OptOut,
    Survey,
    SurveyLink,
)
from tests.conftest import Org
from tests.listening.conftest import NPS_QUESTIONS

NOW = dt.datetime(2025, 11, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english():
    """Refusals are compared in English, the source language (pages and e-mails follow the
    person's language whatever is active)."""
    with translation.override("en"):
        yield


def make_customer(
    org: Org, external_id: str = "C-ANNE", *, language: str = "fr", consent: bool = True
) -> Customer:
    customer = customer_create(
        external_id=external_id,
        first_name="Anne",
        last_name="Client",
        home_unit=org.lille,
        language=language,
    )
    identity_add(customer=customer, type="email", value=f"{external_id.lower()}@example.fr")
    Customer.objects.filter(pk=customer.pk).update(consent_email=consent)
    customer.refresh_from_db()
    return customer


@pytest.fixture
def anne(org: Org) -> Customer:
    return make_customer(org)


def transactional(external_id: str, **options: object) -> Survey:
    survey = services.survey_create(
        external_id=external_id,
        audience="customer",
        kind="transactional_nps",
        title={"fr": "Votre visite", "en": "Your visit"},
        questions=NPS_QUESTIONS,
        **options,
    )
    return services.survey_open(survey=survey)


def invitations_state() -> list[tuple[object, ...]]:
    return list(
        Invitation.objects.order_by("pk").values_list(
            "pk", "token_hash", "sent_at", "reminders_sent", "used"
        )
    )


# ---------------------------------------------------------------- tokens


def test_an_invitation_stores_only_the_hash_of_a_long_random_token(nps_survey, anne):
    invitation, token = distribution.invitation_create(
        survey=nps_survey, customer=anne, channel="link", now=NOW
    )
    assert len(token) >= 43  # 32 bytes in url-safe base64: 256 bits
    assert token.replace("-", "").replace("_", "").isalnum()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values()))
    assert invitation.expires_at == NOW + dt.timedelta(days=30)
    assert (invitation.unit, invitation.language) == (anne.home_unit, "fr")
    assert distribution.invitation_for_token(token) == invitation
    assert distribution.invitation_for_token(token + "x") is None


def test_two_invitations_never_share_a_token(nps_survey, org):
    tokens = {
        distribution.invitation_create(survey=nps_survey, unit=org.lille, channel="qr")[1]
        for _ in range(20)
    }
    assert len(tokens) == 20


def test_a_draft_survey_takes_no_invitation(org, anne):
    survey = services.survey_create(
        external_id="DRAFT",
        audience="customer",
        kind="csat",
        title={"fr": "Brouillon", "en": "Draft"},
        questions=NPS_QUESTIONS,
    )
    with pytest.raises(ValidationError) as refused:
        distribution.invitation_create(survey=survey, customer=anne, channel="link")
    assert refused.value.message_dict == {"survey": ["This survey is not open."]}
    assert Invitation.objects.count() == 0


# ---------------------------------------------------------------- over-solicitation


def test_a_second_invitation_within_thirty_days_is_refused_across_surveys(nps_survey, anne):
    other = transactional("NPS-TX")
    distribution.invitation_create(survey=nps_survey, customer=anne, channel="email", now=NOW)
    before = invitations_state()
    with pytest.raises(ValidationError) as refused:
        distribution.invitation_create(
            survey=other, customer=anne, channel="email", now=NOW + dt.timedelta(days=30)
        )
    assert refused.value.message_dict == {
        "customer": ["This person was already invited to a survey in the last 30 days."]
    }
    assert invitations_state() == before


def test_after_thirty_one_days_a_new_invitation_is_allowed(nps_survey, anne):
    other = transactional("NPS-TX")
    distribution.invitation_create(survey=nps_survey, customer=anne, channel="email", now=NOW)
    invitation, _token = distribution.invitation_create(
        survey=other, customer=anne, channel="email", now=NOW + dt.timedelta(days=31)
    )
    assert Invitation.objects.filter(customer=anne).count() == 2
    assert invitation.survey == other


def test_the_cooldown_counts_only_the_persons_own_audience(
    nps_survey, pulse_survey, anne, frontline
):
    distribution.invitation_create(survey=nps_survey, customer=anne, channel="email", now=NOW)
    distribution.invitation_create(
        survey=pulse_survey, employee=frontline, channel="email", now=NOW
    )
    with pytest.raises(ValidationError):
        distribution.invitation_create(
            survey=pulse_survey, employee=frontline, channel="email", now=NOW
        )
    assert Invitation.objects.filter(employee=frontline).count() == 1


def test_an_exit_survey_neither_waits_for_nor_delays_the_pulse(pulse_survey, frontline):
    exit_survey = services.survey_open(
        survey=services.survey_create(
            external_id="EXIT",
            audience="employee",
            kind="exit",
            title={"fr": "Départ", "en": "Leaving"},
            questions=NPS_QUESTIONS,
        )
    )
    distribution.invitation_create(survey=pulse_survey, employee=frontline, channel="link", now=NOW)
    distribution.invitation_create(
        survey=exit_survey, employee=frontline, channel="link", now=NOW + dt.timedelta(days=2)
    )
    assert Invitation.objects.filter(employee=frontline).count() == 2


def test_a_new_round_of_a_monthly_pulse_does_not_wait_for_the_last_one(pulse_survey, frontline):
    # Invited on 28 November; December's round opens four days later.
    late_november = dt.datetime(2025, 11, 28, 10, 0, tzinfo=dt.UTC)
    distribution.invitation_create(
        survey=pulse_survey, employee=frontline, channel="link", now=late_november
    )
    with pytest.raises(ValidationError):
        distribution.invitation_create(
            survey=pulse_survey,
            employee=frontline,
            channel="link",
            now=late_november + dt.timedelta(days=1),
        )
    distribution.invitation_create(
        survey=pulse_survey,
        employee=frontline,
        channel="link",
        now=late_november + dt.timedelta(days=4),
    )
    assert Invitation.objects.filter(employee=frontline).count() == 2


def test_an_opted_out_customer_gets_no_invitation(nps_survey, anne):
    OptOut.objects.create(customer=anne)
    with pytest.raises(ValidationError) as refused:
        distribution.invitation_create(survey=nps_survey, customer=anne, channel="link")
    assert refused.value.message_dict == {"customer": ["This person asked to receive no surveys."]}
    assert Invitation.objects.count() == 0


def test_a_customer_without_e_mail_consent_gets_no_e_mail(nps_survey, org):
    customer = make_customer(org, "C-NOMAIL", consent=False)
    with pytest.raises(ValidationError) as refused:
        distribution.invitation_create(survey=nps_survey, customer=customer, channel="email")
    assert refused.value.message_dict == {
        "customer": ["This customer did not agree to receive e-mails."]
    }
    assert Invitation.objects.count() == 0


def test_the_opt_out_page_records_the_persons_choice(nps_survey, anne):
    _invitation, token = distribution.invitation_create(
        survey=nps_survey, customer=anne, channel="link"
    )
    client = Client()
    page = client.get(f"/s/{token}/opt-out/")
    assert page.status_code == 200
    assert OptOut.objects.count() == 0
    done = client.post(f"/s/{token}/opt-out/")
    assert done.status_code == 200
    assert "nous ne vous enverrons plus" in done.content.decode()
    assert list(OptOut.objects.values_list("customer_id", "employee_id")) == [(anne.pk, None)]
    client.post(f"/s/{token}/opt-out/")
    assert OptOut.objects.count() == 1


# ---------------------------------------------------------------- e-mails


def test_invitation_e_mails_go_in_the_persons_language_with_a_working_link(nps_survey, org):
    anne = make_customer(org, "C-ANNE")
    john = make_customer(org, "C-JOHN", language="en")
    for customer in (anne, john):
        distribution.invitation_create(survey=nps_survey, customer=customer, channel="email")
    counts = distribution.invitations_send()
    assert (counts.invitations, counts.more) == (2, False)
    by_address = {message.to[0]: message for message in mail.outbox}
    french, english = by_address["c-anne@example.fr"], by_address["c-john@example.fr"]
    assert french.subject == "Votre avis : Votre avis compte"
    assert "Accepteriez-vous de prendre une minute" in french.body
    assert english.subject == "Your opinion: Your opinion matters"
    assert "Would you give us a minute" in english.body
    # The link in the e-mail opens the survey (the token was minted when the e-mail went out).
    link = next(line for line in french.body.splitlines() if "/s/" in line)
    token = link.rsplit("/s/", 1)[1].strip("/")
    assert distribution.invitation_for_token(token).customer == anne
    assert Client().get(f"/s/{token}/").status_code == 200


def test_an_e_mail_is_never_sent_twice(nps_survey, anne):
    distribution.invitation_create(survey=nps_survey, customer=anne, channel="email")
    distribution.invitations_send()
    second = distribution.invitations_send()
    assert (len(mail.outbox), second.invitations) == (1, 0)


def test_sending_is_throttled_and_the_task_queues_the_rest(nps_survey, org, monkeypatch):
    for n in range(5):
        customer = make_customer(org, f"C-{n}")
        distribution.invitation_create(survey=nps_survey, customer=customer, channel="email")
    counts = distribution.invitations_send(limit=2)
    assert (counts.invitations, counts.more, len(mail.outbox)) == (2, True, 2)

    from django_tasks_db.models import DBTaskResult

    from symetrie.listening import tasks

    monkeypatch.setattr(distribution.sending, "BATCH_SIZE", 2)
    result = tasks.invitations_send_batch.call()
    assert result == {"invitations": 2, "reminders": 0, "more": True}
    # The rest waits for the next run, queued by the task itself.
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "symetrie.listening.tasks.invitations_send_batch"
    ]
    assert len(mail.outbox) == 4


def test_an_e_mail_invitation_queues_the_batch_after_commit(
    nps_survey, anne, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        distribution.invitation_create(survey=nps_survey, customer=anne, channel="email")
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "symetrie.listening.tasks.invitations_send_batch"
    ]


def test_an_employee_is_invited_at_their_work_address(pulse_survey, frontline):
    distribution.invitation_create(survey=pulse_survey, employee=frontline, channel="email")
    distribution.invitations_send()
    assert [m.to for m in mail.outbox] == [["félix.frontline@example.fr"]]
    assert mail.outbox[0].subject == "Votre avis : Pouls du mois"


# ---------------------------------------------------------------- reminders


def _sent(survey: Survey, customer: Customer, at: dt.datetime) -> Invitation:
    invitation, _token = distribution.invitation_create(
        survey=survey, customer=customer, channel="email", now=at
    )
    distribution.invitations_send(now=at)
    invitation.refresh_from_db()
    return invitation


def test_a_reminder_goes_once_to_a_non_respondent_after_the_delay(nps_survey, org):
    now = timezone.now()
    anne = make_customer(org)
    _sent(nps_survey, anne, now - dt.timedelta(days=6))
    mail.outbox.clear()
    assert distribution.reminders_send(now=now - dt.timedelta(days=2)).reminders == 0
    counts = distribution.reminders_send(now=now)
    assert counts.reminders == 1
    assert [m.subject for m in mail.outbox] == ["Rappel : Votre avis compte"]
    assert "Ce lien remplace celui que nous vous avons envoyé" in mail.outbox[0].body
    assert distribution.reminders_send(now=now + dt.timedelta(days=10)).reminders == 0
    assert len(mail.outbox) == 1
    assert Invitation.objects.get().reminders_sent == 1


def test_no_reminder_to_someone_who_answered_or_opted_out(nps_survey, org):
    now = timezone.now()
    anne, bob = make_customer(org, "C-ANNE"), make_customer(org, "C-BOB")
    answered = _sent(nps_survey, anne, now - dt.timedelta(days=6))
    _sent(nps_survey, bob, now - dt.timedelta(days=6))
    services.response_record(
        survey=nps_survey,
        unit=org.lille,
        submission=services.Submission(answers={"nps": 9}),
        customer=anne,
        invitation=answered,
    )
    Invitation.objects.filter(pk=answered.pk).update(used=True)
    OptOut.objects.create(customer=bob)
    mail.outbox.clear()
    distribution.reminders_send(now=now)
    assert mail.outbox == []


def test_no_reminder_to_someone_who_answered_another_way(nps_survey, org):
    now = timezone.now()
    anne, bob = make_customer(org, "C-ANNE"), make_customer(org, "C-BOB")
    _sent(nps_survey, anne, now - dt.timedelta(days=6))
    bobs = _sent(nps_survey, bob, now - dt.timedelta(days=6))
    # Anne answered through the printed QR code of her branch, not her e-mail's link.
    services.response_record(
        survey=nps_survey,
        unit=org.lille,
        submission=services.Submission(answers={"nps": 9}),
        customer=anne,
        answered_at=now - dt.timedelta(days=3),
    )
    mail.outbox.clear()
    assert distribution.sending._due_reminders(now) == [bobs.pk]
    assert distribution.reminders_send(now=now).reminders == 1
    assert [m.to for m in mail.outbox] == [[bob.identities.get(type="email").value]]


def test_finding_the_reminders_due_costs_the_same_queries_however_many_invitations(
    nps_survey, org, django_assert_num_queries
):
    now = timezone.now()
    for i in range(3):
        _sent(nps_survey, make_customer(org, f"C-{i}"), now - dt.timedelta(days=6))
    with django_assert_num_queries(2):
        assert len(distribution.sending._due_reminders(now)) == 3
    for i in range(3, 12):
        _sent(nps_survey, make_customer(org, f"C-{i}"), now - dt.timedelta(days=6))
    with django_assert_num_queries(2):
        assert len(distribution.sending._due_reminders(now)) == 12


def test_the_command_sends_due_invitations_and_reminders(nps_survey, anne, capsys):
    distribution.invitation_create(survey=nps_survey, customer=anne, channel="email")
    call_command("send_surveys")
    assert "invitations sent: 1, reminders sent: 0, drafts counted: 0" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- links and QR codes


def test_a_link_visit_makes_a_fresh_single_use_invitation_for_the_unit(nps_survey, org):
    link = distribution.survey_link_create(survey=nps_survey, unit=org.rouen)
    client = Client()
    first = client.get(f"/s/l/{link.slug}/")
    second = client.get(f"/s/l/{link.slug}/?src=qr")
    assert first.status_code == second.status_code == 302
    assert first["Location"] != second["Location"]
    invitations = list(Invitation.objects.order_by("pk"))
    assert [(i.unit, i.channel, i.customer_id, i.used) for i in invitations] == [
        (org.rouen, "link", None, False),
        (org.rouen, "qr", None, False),
    ]
    token = first["Location"].split("/s/", 1)[1].strip("/")
    assert client.get(f"/s/{token}/").status_code == 200


def test_an_inactive_link_is_not_found(nps_survey, org):
    link = distribution.survey_link_create(survey=nps_survey, unit=org.rouen)
    SurveyLink.objects.filter(pk=link.pk).update(is_active=False)
    assert Client().get(f"/s/l/{link.slug}/").status_code == 404
    assert Invitation.objects.count() == 0


def test_the_qr_code_comes_as_png_and_svg(nps_survey, org, settings):
    settings.SITE_URL = "https://avis.banque.example"
    link = distribution.survey_link_create(survey=nps_survey, unit=org.lille)
    png = Client().get(f"/s/l/{link.slug}/qr.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = Client().get(f"/s/l/{link.slug}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    text = svg.content.decode()
    assert text.startswith("<?xml")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    # The title names the link it encodes: the public address, whoever downloaded it.
    assert f"https://avis.banque.example/s/l/{link.slug}/?src=qr" in text
    assert Client().get("/s/l/nope/qr.png").status_code == 404


# ---------------------------------------------------------------- triggers


def test_a_closed_case_invites_its_customer_to_the_transactional_survey(
    org, frontline, anne, django_capture_on_commit_callbacks
):
    survey = transactional("NPS-CASE", trigger="case_closed")
    case = case_services.case_open(
        actor=frontline,
        audience="customer",
        type="request",
        subject="Carte bloquée",
        customer=anne,
    )
    case_services.case_transition(actor=frontline, case=case, to="in_progress")
    case_services.case_transition(actor=frontline, case=case, to="resolved")
    assert Invitation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(actor=frontline, case=case, to="closed")
    invitation = Invitation.objects.get()
    assert (invitation.survey, invitation.customer, invitation.channel, invitation.trigger_ref) == (
        survey,
        anne,
        "event",
        f"case:{case.external_id}",
    )
    assert invitation.unit == case.unit


def test_the_trigger_respects_the_cooldown(
    org, frontline, anne, django_capture_on_commit_callbacks
):
    transactional("NPS-INT", trigger="interaction", trigger_channel="phone")
    with django_capture_on_commit_callbacks(execute=True):
        interaction_log(actor=frontline, customer=anne, channel="phone", subject="Appel 1")
    with django_capture_on_commit_callbacks(execute=True):
        interaction_log(actor=frontline, customer=anne, channel="phone", subject="Appel 2")
    invitation = Invitation.objects.get()
    assert (invitation.channel, invitation.unit) == ("event", frontline.unit)
    assert invitation.trigger_ref.startswith("interaction:sym-")


def test_an_interaction_on_another_channel_sends_nothing(
    org, frontline, anne, django_capture_on_commit_callbacks
):
    transactional("NPS-INT", trigger="interaction", trigger_channel="phone")
    with django_capture_on_commit_callbacks(execute=True):
        interaction_log(actor=frontline, customer=anne, channel="branch", subject="Visite")
    assert Invitation.objects.count() == 0


def test_a_trigger_skips_a_customer_without_e_mail_consent(
    org, frontline, django_capture_on_commit_callbacks
):
    transactional("NPS-INT", trigger="interaction")
    customer = make_customer(org, "C-NOMAIL", consent=False)
    with django_capture_on_commit_callbacks(execute=True):
        interaction_log(actor=frontline, customer=customer, channel="chat", subject="Chat")
    assert Invitation.objects.count() == 0
    assert CustomerLink.objects.count() == 0


def test_employee_invitations_reach_only_employees(pulse_survey, anne):
    with pytest.raises(ValidationError) as refused:
        distribution.invitation_create(survey=pulse_survey, customer=anne, channel="link")
    assert refused.value.message_dict == {
        "customer": ["An employee survey is answered by employees."]
    }
