"""One survey engine for both audiences: customers (NPS, CSAT, CES) and employees (eNPS, pulse,
onboarding, exit), confidential by design for employees.

The answer tables (`Response`, `Answer`) hold no field or key that leads to a person: their ids
are random, their time is kept to the day (and the survey round), demographics only as bands.
Who answered lives apart: `CustomerLink` for customer surveys (the closed loop needs the
customer), `ConfidentialLink` for employee surveys in confidential mode (visible to named HR
roles only), and `Participation` ("has responded", no answer, no time finer than the round).
`tests/listening/test_anonymity.py` walks the model graph to prove it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from symetrie.core.audience import Audience
from symetrie.customers.models import Customer
from symetrie.org.models import Employee, Role, Unit

# Never below 3, whatever a survey asks (the floor); defaults 5 and 10.
MIN_GROUP_FLOOR = 3
DEFAULT_MIN_GROUP = 5
DEFAULT_MIN_COMMENT_GROUP = 10

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    _("Use lower-case letters, digits and underscores, starting with a letter."),
)


class SurveyKind(models.TextChoices):
    RELATIONSHIP_NPS = "relationship_nps", _("Relationship NPS")
    TRANSACTIONAL_NPS = "transactional_nps", _("Transactional NPS")
    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES")
    ENPS = "enps", _("eNPS")
    PULSE = "pulse", _("Pulse")
    ONBOARDING = "onboarding", _("Onboarding")
    EXIT = "exit", _("Exit")
    CUSTOM = "custom", _("Custom")


# Which audience each kind is for (custom: either).
KIND_AUDIENCES: dict[str, frozenset[str]] = {
    SurveyKind.RELATIONSHIP_NPS: frozenset({Audience.CUSTOMER}),
    SurveyKind.TRANSACTIONAL_NPS: frozenset({Audience.CUSTOMER}),
    SurveyKind.CSAT: frozenset({Audience.CUSTOMER}),
    SurveyKind.CES: frozenset({Audience.CUSTOMER}),
    SurveyKind.ENPS: frozenset({Audience.EMPLOYEE}),
    SurveyKind.PULSE: frozenset({Audience.EMPLOYEE}),
    SurveyKind.ONBOARDING: frozenset({Audience.EMPLOYEE}),
    SurveyKind.EXIT: frozenset({Audience.EMPLOYEE}),
    SurveyKind.CUSTOM: frozenset({Audience.CUSTOMER, Audience.EMPLOYEE}),
}


class Confidentiality(models.TextChoices):
    # Customer surveys: the answer is linked to the customer (closed loop, history).
    IDENTIFIED = "identified", _("Identified (customers)")
    # Employee surveys: no path from the answer to the person.
    ANONYMOUS = "anonymous", _("Anonymous")
    # Employee surveys: a link to the person kept apart, for named HR roles only.
    CONFIDENTIAL = "confidential", _("Confidential")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Cadence(models.TextChoices):
    """How answers are grouped into rounds: the finest time an anonymous answer keeps."""

    NONE = "none", _("One round")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Trigger(models.TextChoices):
    """What sends a transactional survey by itself."""

    NONE = "none", _("Nothing (sent by hand or by link)")
    CASE_CLOSED = "case_closed", _("A case is closed")
    INTERACTION = "interaction", _("An interaction on a channel")


class SurveyQuerySet(models.QuerySet["Survey"]):
    def open(self) -> SurveyQuerySet:
        return self.filter(status=SurveyStatus.OPEN)

    def for_audience(self, audience: str) -> SurveyQuerySet:
        return self.filter(audience=audience)


class Survey(models.Model):
    """A survey for one audience, in one or more languages, with versioned questions."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    # {"fr": "...", "en": "..."}: one text per language of the survey.
    title = models.JSONField(_("title"), default=dict)
    intro = models.JSONField(_("introduction"), default=dict, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.IDENTIFIED,
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group for results"),
        default=DEFAULT_MIN_GROUP,
        validators=[MinValueValidator(MIN_GROUP_FLOOR)],
    )
    min_comment_group_size = models.PositiveSmallIntegerField(
        _("minimum group for comments"),
        default=DEFAULT_MIN_COMMENT_GROUP,
        validators=[MinValueValidator(MIN_GROUP_FLOOR)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cadence = models.CharField(
        _("rounds"), max_length=10, choices=Cadence.choices, default=Cadence.NONE
    )
    # The unit the survey belongs to (its results stay inside); null = the whole company.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    # Distribution.
    link_valid_days = models.PositiveSmallIntegerField(
        _("links valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind non-respondents after (days, 0 = never)"), default=5
    )
    max_reminders = models.PositiveSmallIntegerField(_("reminders at most"), default=1)
    cooldown_days = models.PositiveSmallIntegerField(
        _("at most one survey per person every (days)"), default=30
    )
    trigger = models.CharField(
        _("sent after"), max_length=12, choices=Trigger.choices, default=Trigger.NONE
    )
    trigger_channel = models.CharField(_("channel of the interaction"), max_length=16, blank=True)
    # Confidential mode: the roles that may see who asked to be contacted (HR), never managers.
    confidential_readers = models.ManyToManyField(
        Role, verbose_name=_("roles that may read the confidential links"), blank=True
    )
    # How many releases of held-back answers have been made (see `Response.release`).
    releases = models.PositiveIntegerField(default=0, editable=False)
    # The first day of the earliest round whose leftovers are not pooled yet: the rounds before
    # it are final (see `services.releases_catch_up`).
    pooled_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "external_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group_size__gte=MIN_GROUP_FLOOR)
                & Q(min_comment_group_size__gte=models.F("min_group_size")),
                name="listening_survey_thresholds",
            ),
            models.CheckConstraint(
                condition=Q(audience=Audience.EMPLOYEE)
                | Q(confidentiality=Confidentiality.IDENTIFIED),
                name="listening_survey_customer_identified",
            ),
            models.CheckConstraint(
                condition=Q(audience=Audience.CUSTOMER)
                | ~Q(confidentiality=Confidentiality.IDENTIFIED),
                name="listening_survey_employee_not_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.title_in("fr") or self.external_id

    def title_in(self, language: str) -> str:
        return str(self.title.get(language) or next(iter(self.title.values()), ""))

    @property
    def is_confidential_audience(self) -> bool:
        """Employee surveys follow the confidentiality rules; customer surveys don't need to."""
        return self.audience == Audience.EMPLOYEE

    @property
    def thresholds_locked(self) -> bool:
        return self.opened_at is not None


class QuestionKind(models.TextChoices):
    NPS = "nps", _("0–10 scale (NPS, eNPS)")
    SCALE_5 = "scale_5", _("1–5 scale (CSAT, agreement)")
    CES_5 = "ces_5", _("CES 1–5 (lower is better)")
    CES_7 = "ces_7", _("CES 1–7 (higher is better)")
    SINGLE = "single_choice", _("Single choice")
    MULTIPLE = "multiple_choice", _("Multiple choice")
    TEXT = "text", _("Open text")


# The range of the numeric kinds.
SCALES: dict[str, tuple[int, int]] = {
    QuestionKind.NPS: (0, 10),
    QuestionKind.SCALE_5: (1, 5),
    QuestionKind.CES_5: (1, 5),
    QuestionKind.CES_7: (1, 7),
}


class QuestionQuerySet(models.QuerySet["Question"]):
    def current(self) -> QuestionQuerySet:
        return self.filter(is_current=True)


class Question(models.Model):
    """A question with a stable code. A change after the first answer makes a new version (a new
    row, same code); results by code stay comparable across versions."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(default=True)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.JSONField(_("text"), default=dict)
    # [{"code": "fees", "label": {"fr": "...", "en": "..."}}, ...] for choice questions.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code", "version"], name="listening_question_version"
            ),
            models.UniqueConstraint(
                fields=["survey", "code"],
                condition=Q(is_current=True),
                name="listening_question_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def text_in(self, language: str) -> str:
        return str(self.text.get(language) or next(iter(self.text.values()), ""))

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LINK = "link", _("Link")
    QR = "qr", _("QR code")
    EVENT = "event", _("After an event")


class Invitation(models.Model):
    """A single-use invitation to answer. Only a hash of its token is stored: the token itself is
    in the link the person received, so a copy of the database answers no survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    # The unit an answer will count for (the customer's home unit, the employee's unit, the
    # branch of a printed QR code).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="invitations")
    channel = models.CharField(max_length=8, choices=InvitationChannel.choices)
    language = models.CharField(max_length=2, default="fr")
    # What triggered a transactional survey ("case:CASE-EXT-ID", "interaction:EXT-ID").
    trigger_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Used once; no time kept, so that it cannot be matched with an answer's.
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["customer", "created_at"], name="listening_inv_customer"),
            models.Index(fields=["employee", "created_at"], name="listening_inv_employee"),
            models.Index(fields=["survey", "used", "sent_at"], name="listening_inv_reminders"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=True) | Q(employee__isnull=True),
                name="listening_invitation_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.external_id} / {self.get_channel_display()}"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class SurveyLink(models.Model):
    """A link or QR code to print in a branch: each visit gets its own single-use invitation."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_links")
    slug = models.CharField(max_length=32, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self) -> str:
        return f"{self.survey.external_id} @ {self.unit.code}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def released(self) -> ResponseQuerySet:
        """The answers results may use (see `Response.release`)."""
        return self.filter(release__isnull=False, is_complete=True)


class Response(models.Model):
    """One person's answers to one survey — with no field or key that leads to the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_responses")
    language = models.CharField(max_length=2, default="fr")
    # The first day of the round the answer belongs to, and the day it was given: the finest
    # time kept.
    round_start = models.DateField()
    answered_on = models.DateField()
    # Demographics only as bands: {"tenure_band": "lt1y"}.
    bands = models.JSONField(default=dict, blank=True)
    # The source system's id (imports): kept as is for customer surveys, only as a keyed hash
    # for employee ones, so re-runs stay idempotent with no way back to the record.
    external_key = models.CharField(max_length=128, blank=True)
    # Employee answers are held back until their unit has at least k new ones (or the round
    # closes), then released together: a visible figure moves only in steps of k or more.
    # Null = held back. Customer answers are released at once (release 0).
    release = models.PositiveIntegerField(null=True, blank=True)
    # The unit a released answer counts for in results: its own unit, or the ancestor where a
    # round's leftovers were pooled (so that it counts from there up, never below).
    release_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_complete = models.BooleanField(default=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["survey", "round_start", "unit"], name="listening_resp_round"),
            models.Index(fields=["survey", "unit", "release"], name="listening_resp_release"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_key"],
                condition=~Q(external_key=""),
                name="listening_response_external_key",
            )
        ]

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    """The answer to one question (one version of it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    code = models.CharField(max_length=40)
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "number"], name="listening_answer_question")]
        constraints = [
            models.UniqueConstraint(fields=["response", "code"], name="listening_answer_one")
        ]

    def __str__(self) -> str:
        return self.code


class CustomerLink(models.Model):
    """Who answered a customer survey, and when exactly: the closed loop calls them back."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, primary_key=True, related_name="customer_link"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="survey_responses"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response_link"
    )
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("customer's response")
        verbose_name_plural = _("customers' responses")
        indexes = [models.Index(fields=["customer", "answered_at"], name="listening_cust_resp")]

    def __str__(self) -> str:
        return f"{self.customer_id}"


class ConfidentialLink(models.Model):
    """Confidential mode only: the person behind an answer, for a follow-up they asked for.
    Readable by the survey's named HR roles, never by managers."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, primary_key=True, related_name="confidential_link"
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="confidential_links"
    )
    contact_requested = models.BooleanField(_("asked to be contacted by HR"), default=False)
    contact_note = models.TextField(_("what they would like to talk about"), blank=True)
    handled = models.BooleanField(_("contacted"), default=False)

    class Meta:
        verbose_name = _("confidential link")
        verbose_name_plural = _("confidential links")

    def __str__(self) -> str:
        return f"{self.employee_id}"


class Participation(models.Model):
    """That an employee responded to a round (for response rates and reminders), and nothing
    more: no answer, no time finer than the round, a random id that says nothing of order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="participations")
    round_start = models.DateField()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "employee", "round_start"], name="listening_participation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} / {self.round_start}"


class OptOut(models.Model):
    """A person who asked to receive no more surveys."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_opt_out"
    )
    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(customer__isnull=False) & Q(employee__isnull=True))
                | (Q(customer__isnull=True) & Q(employee__isnull=False)),
                name="listening_opt_out_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id or self.employee_id}"


class ThresholdChange(models.Model):
    """The audit of every change of a survey's confidentiality thresholds (no answer, no person
    but the one who made the change)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="threshold_changes")
    field = models.CharField(max_length=32)
    old_value = models.PositiveSmallIntegerField()
    new_value = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("threshold change")
        verbose_name_plural = _("threshold changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"
