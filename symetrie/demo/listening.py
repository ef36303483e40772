"""The demo's listening step: a year of customer and employee surveys, with their answers.

Customers (identified answers, a `CustomerLink` each):
- a relationship NPS sent each quarter by e-mail to a sample of the customers who agree to
  e-mails;
- two transactional NPS: after a request is closed (the cases step's closed cases) and after
  a branch visit (a share of the branch interactions);
- at most one invitation per customer every 30 days across the three (the surveys' cooldown).
Response rates vary by agency (8–35 %); scores and comments follow the agency's situation as
the cases step left it: agencies with more overdue or late cases, more irritants and more
advisers gone score lower and complain more of waiting and of no follow-up. A request closed
late scores lower than one closed in time.

Employees (anonymous answers: nothing leads to the person):
- a monthly eNPS pulse (k = 5, k_comments = 10) for everyone present, with response rates
  by unit (40–85 %) and scores that follow the unit's irritants and workload;
- an onboarding survey a month after arrival, an exit survey in the last days before leaving
  (quarterly rounds, so that the few answers of each round pool up the tree);
- `Participation` for each respondent (one per round), tenure only as a band.
Answers are released as the live product releases them (`listening.services`): in steps of k
at their unit as they arrive, and, once a round has ended, what each unit still holds back is
pooled up the tree and released wherever a pool reaches k. The current round stays open: its
last answers are still held back. `_Releases` follows the service's rule step by step (the
tests replay the service on the generated answers and compare).

Rows are written with `demo.tables.TableWriter`; employee responses and participations are
written in unrelated orders (by random id, by employee), so that the order of the rows
cannot pair a person with an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Mod

from symetrie.cases.models import Case
from symetrie.customers.models import Customer, IdentityType, Interaction
from symetrie.demo import listening_texts as texts
from symetrie.demo.customers import showcase_customer
from symetrie.demo.org import COMPANY_NAME, R
from symetrie.demo.tables import Clock, TableWriter, next_id, reset_sequences
from symetrie.listening import closed_loop, distribution, rounds, services, survey_templates
from symetrie.listening.bands import tenure_band
from symetrie.listening.models import (
    Answer,
    Cadence,
    CustomerLink,
    Invitation,
    InvitationChannel,
    Participation,
    Question,
    Response,
    Survey,
    SurveyKind,
    Trigger,
)
from symetrie.org.models import PATH_SEGMENT_WIDTH, PATH_SEPARATOR, Employee, Unit, UnitKind

if TYPE_CHECKING:
    import random

    from symetrie.demo.builder import DemoContext

HISTORY_DAYS = 365
DAY = 86_400
COOLDOWN_DAYS = 30
LINK_VALID_DAYS = 30
REMIND_AFTER_DAYS = 5

# Customers sampled for each quarter's relationship survey, and branch visits followed by a
# survey (of those not in their cooldown), by size: the large demo has 50 times the customers.
RELATIONSHIP_SAMPLE = {"tiny": 0.12, "small": 0.12, "large": 0.03}
BRANCH_VISIT_SHARE = {"tiny": 0.25, "small": 0.25, "large": 0.05}
# Response rates: by agency, in this band; a survey just after a contact gets more answers.
CUSTOMER_RATE_BAND = (0.08, 0.35)
RATE_FACTOR = {"relationship": 1.0, "case": 1.25, "branch": 0.9}
EMPLOYEE_RATE_BAND = (0.40, 0.85)
ONBOARDING_RATE = 0.72
EXIT_RATE = 0.55
# Who writes a comment, by tone (detractor, passive, promoter).
CUSTOMER_COMMENTS = {-1: 0.62, 0: 0.36, 1: 0.44}
EMPLOYEE_COMMENTS = {-1: 0.45, 0: 0.28, 1: 0.3}
EMPLOYEE_ENGLISH = 0.04

PULSE_K, PULSE_K_COMMENTS = 5, 10
# Detractors of the last days have their follow-up case, still open (the closed loop).
FOLLOW_UP_DAYS = 7
# One answer as generated: (question code, number, choices, text).
Given = tuple[str, int | None, list[str], str]
# Why leavers leave (the exit survey's choices), before the unit's own situation weighs in.
EXIT_WEIGHTS = {"pay": 3.0, "career": 3.0, "manager": 1.5, "workload": 2.0, "balance": 1.5,
                "recognition": 1.5, "tools": 0.8, "personal": 2.0, "other": 0.7}  # fmt: skip


def _tone(score: int) -> int:
    return -1 if score <= 6 else 0 if score <= 8 else 1


@dataclass
class ListeningFacts:
    """What the step wrote (for the command's summary and the tests)."""

    surveys: int = 0
    invitations: int = 0
    customer_responses: int = 0
    employee_responses: int = 0
    participations: int = 0
    answers: int = 0
    comments: int = 0
    held_back: int = 0
    releases: int = 0
    seconds: float = 0.0
    follow_ups: int = 0  # cases opened for the last days' detractors
    # By survey external id: invitations, responses.
    by_survey: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The response rates drawn: customers' by agency, employees' by unit (ids).
    customer_rates: dict[int, float] = field(default_factory=dict)
    employee_rates: dict[int, float] = field(default_factory=dict)


# The closed loop's call-backs in the demo: deterministic ids after the cases step's DEMO-NNNNNNN.
FOLLOW_UP_PREFIX = "DEMO-FU-"


def build_listening(ctx: DemoContext) -> None:
    """The listening step (after the cases)."""
    started = time.perf_counter()
    ctx.progress.stage("Surveys and answers", 1)
    facts = Generator(ctx).run()
    facts.seconds = time.perf_counter() - started
    ctx.listening = facts
    ctx.progress.advance()


# ---------------------------------------------------------------- the network, as read


@dataclass
class Person:
    id: int
    unit_id: int
    hire: dt.date
    leave: dt.date | None
    english: bool

    def present(self, day: dt.date) -> bool:
        return self.hire <= day and (self.leave is None or day < self.leave)


@dataclass
class Place:
    """An agency as the surveys see it: how its customers and its staff fare."""

    id: int
    customer_mood: float = 8.0  # mean NPS answer
    customer_rate: float = 0.2
    theme_weights: list[float] = field(default_factory=list)


@dataclass
class Team:
    """A unit with staff: what drives its pulse."""

    id: int
    mood: float = 7.2  # mean eNPS answer
    rate: float = 0.6
    irritant_z: float = 0.0
    workload_z: float = 0.0
    manager: float = 0.0  # how the team sees its manager, on the 1–5 scale
    process: str = ""
    theme_weights: list[float] = field(default_factory=list)


@dataclass
class Pending:
    """An employee answer before its release is known."""

    id: str
    unit_id: int
    round_start: dt.date
    answered_on: dt.date
    language: str
    bands: str
    answers: list[Given]
    release: int | None = None
    release_unit: int | None = None


class Generator:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today = ctx.today
        self.first = self.today - dt.timedelta(days=HISTORY_DAYS)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self._midnights: dict[dt.date, int] = {}
        self.horizon = self._local(self.today, 0)
        self.clock = Clock()
        self.facts = ListeningFacts()

    def run(self) -> ListeningFacts:
        self._read()
        self._situations()
        self._surveys()
        self._open_writers()
        self._customers()
        for survey, pending in (
            (self.pulse, self._pulse()),
            (self.onboarding, self._onboarding()),
            (self.exit, self._exit()),
        ):
            self._release_and_write(survey, pending)
        for writer in self.writers:
            writer.close()
        self.participations.close()
        self._follow_ups()
        reset_sequences([Invitation])
        f = self.facts
        f.invitations = self.w_invitations.written
        f.answers = self.w_answers.written
        f.participations = self.participations.written
        f.surveys = len(self.surveys)
        f.customer_rates = {uid: place.customer_rate for uid, place in self.places.items()}
        f.employee_rates = {uid: team.rate for uid, team in self.teams.items()}
        return f

    # ------------------------------------------------------------ reading what exists

    def _read(self) -> None:
        units = list(Unit.objects.order_by("id").values_list("id", "kind", "path"))
        self.paths = {uid: path for uid, _kind, path in units}
        self.unit_at = {path: uid for uid, path in self.paths.items()}
        agencies = {uid for uid, kind, _p in units if kind in (UnitKind.AGENCY, UnitKind.STORE)}
        self.agency_of: dict[int, int] = {}
        for uid in self.paths:
            found = next((u for u in self._up(uid) if u in agencies), None)
            if found is not None:
                self.agency_of[uid] = found
        self.places = {uid: Place(uid) for uid in sorted(agencies)}
        rows = Employee.objects.order_by("id").values_list(
            "id", "unit_id", "hire_date", "leave_date", "role__code"
        )
        self.people: list[Person] = []
        self.desk: Counter[int] = Counter()  # active desk staff by agency
        self.gone: Counter[int] = Counter()  # advisers gone in the year, by agency
        for eid, unit_id, hire, leave, role in rows:
            self.people.append(Person(eid, unit_id, hire, leave, False))
            agency = self.agency_of.get(unit_id)
            if agency is None or role not in (R.ADVISOR, R.PRO_ADVISOR, R.RECEPTION):
                continue
            if leave is None or leave >= self.today:
                self.desk[agency] += 1
            elif leave >= self.first and role != R.RECEPTION:
                self.gone[agency] += 1
        for person in self.people:
            person.english = self.rng.random() < EMPLOYEE_ENGLISH
        self.customers: dict[int, tuple[int, bool, bool]] = {}  # id → home, english, email ok
        self.by_agency: Counter[int] = Counter()
        for cid, home, language, consent in (
            Customer.objects.order_by("id")
            .filter(home_unit__isnull=False)
            .values_list("id", "home_unit_id", "language", "consent_email")
            .iterator(chunk_size=20_000)
        ):
            self.customers[cid] = (home, language == "en", consent)
            agency = self.agency_of.get(home)
            if agency is not None:
                self.by_agency[agency] += 1
        self.cases: list[tuple[int, str, int, dt.datetime, bool]] = []  # closed ones
        self.overdue: Counter[int] = Counter()
        self.late: Counter[int] = Counter()
        self.case_count: Counter[int] = Counter()
        self.irritants: Counter[int] = Counter()  # by unit
        self.processes: dict[int, Counter[str]] = defaultdict(Counter)  # by agency
        now = dt.datetime.combine(self.today, dt.time(8, 30), tzinfo=self.tz)
        for (
            external_id, audience, case_type, unit_id, customer_id, raised_unit, due, resolved,
            closed, process,
        ) in Case.objects.order_by("id").values_list(
            "external_id", "audience", "type", "unit_id", "customer_id", "raised_by__unit_id",
            "due_at", "resolved_at", "closed_at", "process",
        ):  # fmt: skip
            if audience == "employee":
                if case_type == "irritant":
                    self.irritants[raised_unit] += 1
                    agency = self.agency_of.get(raised_unit)
                    if agency is not None:
                        self.processes[agency][process] += 1
                continue
            agency = self.agency_of.get(raised_unit)
            if agency is None:
                continue
            self.case_count[agency] += 1
            was_late = due is not None and (resolved or now) > due
            if resolved is None and was_late:
                self.overdue[agency] += 1
            elif was_late:
                self.late[agency] += 1
            if closed is not None and customer_id is not None and closed >= self._first_dt():
                self.cases.append((customer_id, external_id, unit_id, closed, was_late))
        showcase = showcase_customer(today=self.today)
        self.showcase_id = (
            Customer.objects.filter(
                identities__type=IdentityType.LOYALTY_CARD, identities__value=showcase.card
            )
            .values_list("id", flat=True)
            .first()
            if showcase is not None
            else None
        )
        self.network_processes: Counter[str] = Counter()
        for counter in self.processes.values():
            self.network_processes.update(counter)

    def _first_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=self.tz)

    def _up(self, unit_id: int) -> list[int]:
        """The unit and its ancestors, nearest first."""
        path = self.paths[unit_id]
        step = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
        return [self.unit_at[path[:end]] for end in range(len(path), 0, -step)]

    # ------------------------------------------------------------ how each place fares

    def _situations(self) -> None:
        """The customer side by agency, the employee side by unit, from what the cases step
        left: overdue and late cases, irritants, advisers gone, customers per adviser."""
        rng = self.rng
        strain: dict[int, float] = {}
        for uid in self.places:
            cases = max(self.case_count[uid], 1)
            desk = max(self.desk[uid], 1)
            strain[uid] = (
                4.0 * self.overdue[uid] / cases
                + 1.5 * self.late[uid] / cases
                + 0.4 * self.gone[uid] / desk
            )
        strain_z = _zscores(strain)
        workload = {uid: self.by_agency[uid] / max(self.desk[uid], 1) for uid in self.places}
        workload_z = _zscores(workload)
        irritants_by_agency: Counter[int] = Counter()
        staff: Counter[int] = Counter()
        for person in self.people:
            if person.leave is None or person.leave >= self.today:
                staff[person.unit_id] += 1
        for unit_id, count in self.irritants.items():
            agency = self.agency_of.get(unit_id)
            if agency is not None:
                irritants_by_agency[agency] += count
        agency_staff: Counter[int] = Counter()
        for unit_id, count in staff.items():
            agency = self.agency_of.get(unit_id)
            if agency is not None:
                agency_staff[agency] += count
        irritant_z = _zscores(
            {uid: irritants_by_agency[uid] / max(agency_staff[uid], 1) for uid in self.places}
        )
        low, high = CUSTOMER_RATE_BAND
        for uid, place in self.places.items():
            z = strain_z[uid] + 0.5 * irritant_z[uid]
            place.customer_mood = 8.0 - 0.45 * z + rng.gauss(0, 0.25)
            place.customer_rate = _clamp(0.2 + rng.gauss(0, 0.06) - 0.02 * z, low, high)
            place.theme_weights = [
                _customer_theme_weight(theme.code, strain_z[uid], self.gone[uid])
                for theme in texts.CUSTOMER_THEMES
            ]
        common = self.network_processes.most_common(1)
        default_process = common[0][0] if common else "L'outil de simulation de crédit"
        self.teams: dict[int, Team] = {}
        low, high = EMPLOYEE_RATE_BAND
        for unit_id in sorted(staff):
            agency = self.agency_of.get(unit_id)
            team = Team(unit_id)
            team.irritant_z = irritant_z.get(agency, 0.0) if agency else 0.0
            team.workload_z = workload_z.get(agency, 0.0) if agency else 0.0
            team.mood = 7.3 - 0.5 * team.irritant_z - 0.4 * team.workload_z + rng.gauss(0, 0.45)
            team.rate = _clamp(0.62 + rng.gauss(0, 0.11) - 0.04 * team.irritant_z, low, high)
            team.manager = rng.gauss(0.1, 0.35)
            processes = self.processes.get(agency) if agency else None
            top = processes.most_common(1) if processes else []
            team.process = top[0][0] if top else default_process
            team.theme_weights = [
                _employee_theme_weight(theme.code, team.irritant_z, team.workload_z)
                for theme in texts.EMPLOYEE_THEMES
            ]
            self.teams[unit_id] = team
        # The network's mood month by month (a hard December, a better spring).
        self.month_drift = {
            month: rng.gauss(0, 0.15) - (0.35 if month in (12, 1) else 0.0)
            for month in range(1, 13)
        }

    # ------------------------------------------------------------ the surveys

    def _surveys(self) -> None:
        """The six surveys, made from the product's ready-made ones, opened a year ago."""
        opened = dt.datetime.combine(self.first, dt.time(9), tzinfo=self.tz)

        def make(spec: texts.SurveyText, kind: str, *, headline: str = "",
                 **options: Any) -> Survey:  # fmt: skip
            template = survey_templates.template_for(kind, company=COMPANY_NAME)
            # The headline (the first scored question) is the survey's score: the eNPS for the
            # pulse, rather than its first agreement statement.
            questions = sorted(template.questions, key=lambda q: q.code != headline)
            survey = services.survey_create(
                external_id=spec.external_id,
                audience=template.audience,
                kind=kind,
                title={"fr": spec.title[0], "en": spec.title[1]},
                intro=dict(template.intro),
                questions=questions,
                **{
                    "cadence": template.cadence,
                    "link_valid_days": LINK_VALID_DAYS,
                    "reminder_after_days": REMIND_AFTER_DAYS,
                    "cooldown_days": COOLDOWN_DAYS,
                    **options,
                },
            )
            return services.survey_open(survey=survey, at=opened)

        self.relationship = make(texts.REL_NPS, SurveyKind.RELATIONSHIP_NPS)
        self.tx_case = make(
            texts.TX_CASE,
            SurveyKind.TRANSACTIONAL_NPS,
            cadence=Cadence.MONTHLY,
            trigger=Trigger.CASE_CLOSED,
        )
        self.tx_branch = make(
            texts.TX_BRANCH,
            SurveyKind.TRANSACTIONAL_NPS,
            cadence=Cadence.MONTHLY,
            trigger=Trigger.INTERACTION,
            trigger_channel="branch",
        )
        self.pulse = make(
            texts.PULSE,
            SurveyKind.PULSE,
            headline="enps",
            cadence=Cadence.MONTHLY,
            min_group_size=PULSE_K,
            min_comment_group_size=PULSE_K_COMMENTS,
        )
        # Lifecycle surveys: quarterly rounds, so that each round's few answers pool up.
        self.onboarding = make(texts.ONBOARDING, SurveyKind.ONBOARDING, cadence=Cadence.QUARTERLY)
        self.exit = make(texts.EXIT, SurveyKind.EXIT, cadence=Cadence.QUARTERLY)  # fmt: skip
        self.surveys = [self.relationship, self.tx_case, self.tx_branch, self.pulse,
                        self.onboarding, self.exit]  # fmt: skip
        self.questions: dict[int, dict[str, int]] = defaultdict(dict)
        for survey_id, code, qid in Question.objects.filter(
            survey__in=self.surveys, is_current=True
        ).values_list("survey_id", "code", "id"):
            self.questions[survey_id][code] = qid

    # ------------------------------------------------------------ writing

    def _open_writers(self) -> None:
        self.next_invitation = next_id(Invitation)
        self.w_invitations = TableWriter(Invitation, (
            "id", "survey_id", "token_hash", "customer_id", "employee_id", "unit_id", "channel",
            "language", "trigger_ref", "created_at", "sent_at", "expires_at", "reminders_sent",
            "last_reminded_at", "used",
        ))  # fmt: skip
        self.w_responses = TableWriter(Response, (
            "id", "survey_id", "unit_id", "language", "round_start", "answered_on", "bands",
            "external_key", "release", "release_unit_id", "is_complete",
        ))  # fmt: skip
        self.w_answers = TableWriter(
            Answer, ("id", "response_id", "question_id", "code", "number", "choices", "text")
        )
        self.w_links = TableWriter(
            CustomerLink, ("response_id", "customer_id", "invitation_id", "answered_at")
        )
        self.participations = TableWriter(
            Participation, ("id", "survey_id", "employee_id", "round_start")
        )
        self.writers = [self.w_invitations, self.w_responses, self.w_answers, self.w_links]

    def _uuid(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def _local(self, day: dt.date, minute: int) -> int:
        """Seconds since the epoch of a local time (the day's offset taken at noon)."""
        midnight = self._midnights.get(day)
        if midnight is None:
            noon = dt.datetime.combine(day, dt.time(12), tzinfo=self.tz)
            midnight = self._midnights[day] = int(noon.timestamp()) - 12 * 3600
        return midnight + minute * 60

    def _day_of(self, seconds: int) -> dt.date:
        return dt.datetime.fromtimestamp(seconds, tz=self.tz).date()

    def _answer_rows(self, response_id: str, survey: Survey, answers: Sequence[Given]) -> None:
        questions = self.questions[survey.pk]
        for code, number, choices, text in answers:
            self.w_answers.rows.append((
                self._uuid(), response_id, questions[code], code, number,
                json.dumps(choices) if choices else "[]", text,
            ))  # fmt: skip
            if text:
                self.facts.comments += 1
        self.w_answers.flush_if_full()

    # ------------------------------------------------------------ customers

    def _customers(self) -> None:
        """Every survey sent to customers, in the order they were sent, so that the 30 days'
        cooldown holds across the three surveys."""
        rng = self.rng
        sends: list[tuple[int, int, str, int, str]] = []  # (at, customer, kind, unit, ref)
        eligible = [cid for cid, (_h, _e, consent) in self.customers.items() if consent]
        share = RELATIONSHIP_SAMPLE[self.ctx.size]
        for quarter in range(4):
            wave = self.first + dt.timedelta(days=20 + 91 * quarter)
            wave += dt.timedelta(days=(1 - wave.weekday()) % 7)  # a Tuesday
            for cid in eligible:
                if rng.random() < share:
                    at = self._local(wave + dt.timedelta(days=rng.randint(0, 2)), 600)
                    sends.append((at + rng.randint(0, 7200), cid, "relationship", 0, ""))
        for cid, external_id, _unit_id, closed, was_late in self.cases:
            if cid in self.customers:
                at = int(closed.timestamp()) + rng.randint(600, 4 * 3600)
                sends.append((at, cid, "case", int(was_late), f"case:{external_id}"))
        visits = Interaction.objects.filter(
            channel="branch",
            occurred_at__gte=self._first_dt(),
            customer__consent_email=True,
        )
        step = round(1 / BRANCH_VISIT_SHARE[self.ctx.size])
        # A sample chosen by the database: the large demo's ten million contacts stay there.
        visits = visits.annotate(pick=Mod(F("id"), step)).filter(pick=0)
        for cid, occurred, unit_id, external_id in (
            visits.order_by("id")
            .values_list("customer_id", "occurred_at", "unit_id", "external_id")
            .iterator(chunk_size=20_000)
        ):
            if cid in self.customers:
                at = int(occurred.timestamp()) + rng.randint(1800, 5 * 3600)
                sends.append((at, cid, "branch", unit_id or 0, f"interaction:{external_id}"))
        sends.sort()
        # The showcase customer gets no survey in the last month: the command prints a fresh
        # link for them, which the cooldown would otherwise refuse.
        spared = self.showcase_id
        last: dict[int, int] = {}
        surveys = {"relationship": self.relationship, "case": self.tx_case,
                   "branch": self.tx_branch}  # fmt: skip
        counts: Counter[str] = Counter()
        answered: Counter[str] = Counter()
        for at, cid, kind, extra, ref in sends:
            if at >= self.horizon:
                continue
            previous = last.get(cid)
            if previous is not None and at - previous < COOLDOWN_DAYS * DAY:
                continue
            if cid == spared and self.horizon - at < COOLDOWN_DAYS * DAY:
                continue
            last[cid] = at
            counts[kind] += 1
            if self._invite_customer(surveys[kind], kind, at, cid, extra, ref):
                answered[kind] += 1
        for kind, survey in surveys.items():
            self.facts.by_survey[survey.external_id] = (counts[kind], answered[kind])
        self.facts.customer_responses = sum(answered.values())

    def _invite_customer(
        self, survey: Survey, kind: str, sent: int, cid: int, extra: int, ref: str
    ) -> bool:
        """One invitation, and the answer if the customer gives one; True if answered."""
        rng = self.rng
        home, english, _consent = self.customers[cid]
        unit_id = extra if kind == "branch" and extra else home
        place = self.places.get(self.agency_of.get(home, 0))
        rate = (place.customer_rate if place else 0.2) * RATE_FACTOR[kind]
        invitation_id = self.next_invitation
        self.next_invitation += 1
        # Most answer within a day or two; some after the reminder.
        answer_at: int | None = None
        if rng.random() < rate:
            if rng.random() < 0.78:
                answer_at = sent + int(rng.expovariate(1 / (0.6 * DAY)))
            else:
                answer_at = sent + REMIND_AFTER_DAYS * DAY + int(rng.expovariate(1 / DAY))
            answer_at = min(answer_at, sent + (LINK_VALID_DAYS - 1) * DAY)
            if answer_at >= self.horizon:
                answer_at = None
        reminder = sent + REMIND_AFTER_DAYS * DAY
        reminded = reminder < self.horizon and (answer_at is None or answer_at > reminder)
        self.w_invitations.rows.append((
            invitation_id, survey.pk, hashlib.sha256(rng.randbytes(32)).hexdigest(), cid, None,
            unit_id, "event" if kind != "relationship" else "email", "en" if english else "fr",
            ref, self._t(sent), self._t(sent), self._t(sent + LINK_VALID_DAYS * DAY),
            int(reminded), self._t(reminder) if reminded else None, answer_at is not None,
        ))  # fmt: skip
        self.w_invitations.flush_if_full()
        if answer_at is None:
            return False
        mood = place.customer_mood if place else 8.0
        if kind == "case":
            mood += -1.6 if extra else 0.5
        elif kind == "branch":
            mood += 0.3
        score = _clamp_int(round(rng.gauss(mood, 2.1)), 0, 10)
        answers: list[Given] = [("nps", score, [], "")]
        tone = _tone(score)
        if kind != "relationship" and rng.random() < 0.9:
            # Was the request dealt with? Mostly yes, less so when late or scored low.
            odds = 0.85 - 0.25 * (tone < 0) - 0.2 * (kind == "case" and extra == 1)
            dealt = "yes" if rng.random() < odds else rng.choice(("partly", "partly", "no"))
            answers.append(("resolved", None, [dealt], ""))
        if kind == "relationship" and rng.random() < 0.18:
            answers.append(("improve", None, [], rng.choice(texts.IMPROVE[int(english)])))
        if rng.random() < CUSTOMER_COMMENTS[tone]:
            weights = place.theme_weights if place else [1.0] * len(texts.CUSTOMER_THEMES)
            answers.append(("comment", None, [], texts.compose(
                rng, tone=tone, english=english, themes=texts.CUSTOMER_THEMES, weights=weights,
                openings=texts.CUSTOMER_OPENINGS, closings=texts.CUSTOMER_CLOSINGS,
                when=texts.CUSTOMER_WHEN, slots=texts.Slots(),
            )))  # fmt: skip
        day = self._day_of(answer_at)
        response_id = self._uuid()
        self.w_responses.rows.append((
            response_id, survey.pk, unit_id, "en" if english else "fr",
            rounds.round_start(survey, day), day, "{}", "", 0, unit_id, True,
        ))  # fmt: skip
        self.w_responses.flush_if_full()
        self.w_links.rows.append((response_id, cid, invitation_id, self._t(answer_at)))
        self.w_links.flush_if_full()
        self._answer_rows(response_id, survey, answers)
        return True

    def _follow_ups(self) -> None:
        """The closed loop for the last days' detractors: their follow-up cases, opened by the
        product's own code (`listening.closed_loop`) at the time they answered, still open.
        Older detractors were called back long ago; the demo keeps no trace of those calls."""
        since = self.today - dt.timedelta(days=FOLLOW_UP_DAYS)
        links = (
            CustomerLink.objects.filter(
                response__survey__audience="customer",
                response__answered_on__gte=since,
                response__answers__code="nps",
                response__answers__number__lte=closed_loop.DETRACTOR_MAX,
            )
            .select_related(
                "response__survey", "response__unit", "customer__advisor__user", "invitation"
            )
            .order_by("answered_at", "response_id")
        )
        for link in links:
            case = closed_loop.follow_up(
                response=link.response,
                customer=link.customer,
                invitation=link.invitation,
                now=link.answered_at,
            )
            if case is not None:
                self.facts.follow_ups += 1
                # The engine's ids are random; the demo's are the same from one build to the next.
                case.external_id = f"{FOLLOW_UP_PREFIX}{self.facts.follow_ups:05d}"
                case.save(update_fields=["external_id"])

    def _t(self, seconds: int) -> str:
        return self.clock.text(seconds)

    # ------------------------------------------------------------ employees

    def _respond(self, survey: Survey, person: Person, day: dt.date, answers: list[Any]) -> Pending:
        start = rounds.round_start(survey, day)
        self.participations.rows.append((self._uuid(), survey.pk, person.id, start))
        return Pending(
            self._uuid(), person.unit_id, start, day, "en" if person.english else "fr",
            json.dumps({"tenure_band": tenure_band(person.hire, day)}), answers,
        )  # fmt: skip

    def _comment(self, person: Person, team: Team, tone: int, weights: Sequence[float]) -> str:
        return texts.compose(
            self.rng, tone=tone, english=person.english, themes=texts.EMPLOYEE_THEMES,
            weights=weights, openings=texts.EMPLOYEE_OPENINGS, closings=texts.EMPLOYEE_CLOSINGS,
            when=texts.EMPLOYEE_WHEN, slots=texts.Slots(process=team.process),
        )  # fmt: skip

    def _pulse(self) -> list[Pending]:
        """Sent on the first working day of each month; answered within about ten days."""
        rng = self.rng
        pending: list[Pending] = []
        offsets = {p.id: rng.gauss(0, 1.1) for p in self.people}
        month = first_pulse_month(self.today)
        while month < self.today:
            sent = month + dt.timedelta(days={5: 2, 6: 1}.get(month.weekday(), 0))
            drift = self.month_drift[month.month]
            for person in self.people:
                team = self.teams.get(person.unit_id)
                if team is None or not person.present(sent) or rng.random() >= team.rate:
                    continue
                day = sent + dt.timedelta(days=min(int(rng.expovariate(1 / 2.5)), 12))
                if day >= self.today or not person.present(day):
                    continue
                mood = team.mood + offsets[person.id] + drift
                if (sent - person.hire).days < 120:
                    mood += 0.6  # the honeymoon of the first months
                score = _clamp_int(round(rng.gauss(mood, 1.6)), 0, 10)
                # The agreement statements follow the same mood, and each its own driver.
                base = 3.0 + (mood - 7.0) * 0.3
                shifts = {
                    "workload": -0.45 * team.workload_z,
                    "tools": -0.45 * team.irritant_z,
                    "latitude": -0.1,
                    "manager": team.manager,
                    "recognition": -0.3,
                    "meaning": 0.35,
                }
                answers: list[Given] = [
                    (code, _likert(rng, base + shift), [], "") for code, shift in shifts.items()
                ]
                answers.append(("enps", score, [], ""))
                tone = _tone(score)
                if rng.random() < EMPLOYEE_COMMENTS[tone]:
                    text = self._comment(person, team, tone, team.theme_weights)
                    answers.append(("comment", None, [], text))
                pending.append(self._respond(self.pulse, person, day, answers))
            month = _add_months(month, 1)
        return pending

    def _onboarding(self) -> list[Pending]:
        """A month after arrival, for those who joined in the year."""
        rng = self.rng
        pending = []
        weights = [
            {"training": 4.0, "latitude": 3.0, "team": 3.0, "manager": 2.0}.get(t.code, 0.3)
            for t in texts.EMPLOYEE_THEMES
        ]
        for person in self.people:
            team = self.teams.get(person.unit_id)
            if team is None or not self.first <= person.hire or rng.random() >= ONBOARDING_RATE:
                continue
            day = person.hire + dt.timedelta(days=28 + rng.randint(0, 12))
            if day >= self.today or not person.present(day):
                continue
            base = 3.8 + (team.mood - 7.3) * 0.3 + rng.gauss(0, 0.5)
            shifts = {
                "welcome": 0.1,
                "tools_ready": -0.5 - 0.3 * team.irritant_z,
                "role_clarity": 0.0,
                "training": -0.4 - 0.35 * team.workload_z,
                "support": 0.2 + team.manager,
            }
            answers: list[Given] = [
                (code, _likert(rng, base + shift), [], "") for code, shift in shifts.items()
            ]
            score = _clamp_int(round(rng.gauss(7.6 + (base - 3.8) * 1.2, 1.5)), 0, 10)
            answers.append(("enps", score, [], ""))
            tone = _tone(score)
            if rng.random() < 0.5:
                answers.append(("comment", None, [], self._comment(person, team, tone, weights)))
            pending.append(self._respond(self.onboarding, person, day, answers))
        return pending

    def _exit(self) -> list[Pending]:
        """In the last two weeks before leaving, for those who left in the year."""
        rng = self.rng
        pending = []
        for person in self.people:
            team = self.teams.get(person.unit_id)
            leave = person.leave
            if team is None or leave is None or not self.first < leave <= self.today:
                continue
            if rng.random() >= EXIT_RATE:
                continue
            day = leave - dt.timedelta(days=rng.randint(1, 14))
            if day < max(person.hire, self.first) or day >= self.today:
                continue
            score = _clamp_int(round(rng.gauss(team.mood - 2.2, 2.3)), 0, 10)
            weights = {**EXIT_WEIGHTS, "workload": 2.0 + 2.0 * max(team.workload_z, 0),
                       "tools": 0.8 + 1.2 * max(team.irritant_z, 0)}  # fmt: skip
            reasons: set[str] = set()
            for _n in range(rng.choice((1, 1, 2, 2, 3))):
                reasons.add(rng.choices(list(weights), list(weights.values()))[0])
            back = "yes" if score >= 8 else "maybe" if score >= 5 else "no"
            if rng.random() < 0.25:
                back = rng.choice(("yes", "maybe", "no"))
            answers: list[Given] = [
                ("reason", None, sorted(reasons), ""),
                ("enps", score, [], ""),
                ("come_back", None, [back], ""),
            ]
            tone = _tone(score)
            if rng.random() < 0.6:
                text = self._comment(person, team, tone, team.theme_weights)
                answers.append(("comment", None, [], text))
            pending.append(self._respond(self.exit, person, day, answers))
        return pending

    # ------------------------------------------------------------ releases

    def _release_and_write(self, survey: Survey, pending: list[Pending]) -> None:
        releases = _Releases(survey, self.paths, self.unit_at, self.today)
        releases.run(pending)
        Survey.objects.filter(pk=survey.pk).update(releases=releases.count)
        self.facts.releases += releases.count
        self.facts.employee_responses += len(pending)
        self.facts.held_back += sum(1 for p in pending if p.release is None)
        self.facts.by_survey[survey.external_id] = (0, len(pending))
        # By random id: the order of the rows says nothing of who answered, or when.
        for p in sorted(pending, key=lambda p: p.id):
            self.w_responses.rows.append((
                p.id, survey.pk, p.unit_id, p.language, p.round_start, p.answered_on, p.bands,
                "", p.release, p.release_unit, True,
            ))  # fmt: skip
            self.w_responses.flush_if_full()
            self._answer_rows(p.id, survey, p.answers)
        # Participations in the order of the people, each survey's rounds together.
        self.participations.rows.sort(key=lambda row: (row[1], row[2], row[3]))
        self.participations.flush()


class _Releases:
    """The release rule of `listening.services`, applied to a year of answers at once.

    As answers arrive, a unit's held-back answers of a round are released together each time
    there are k of them (`services._release_if_ready`), so a unit releases its answers k at a
    time, in the order they came. Once a round is over, what each unit still holds is pooled
    into its parent, deepest units first, and a pool is released at the first unit where it
    reaches k (`services._release_round_leftovers`); what is under k at the top stays held
    back. Releases are numbered in the order they would have happened: a step of k on the day
    of its k-th answer, the leftovers of a round on the day after it ended.
    """

    def __init__(
        self, survey: Survey, paths: dict[int, str], unit_at: dict[str, int], today: dt.date
    ) -> None:
        self.survey = survey
        self.k = survey.min_group_size
        self.paths = paths
        self.unit_at = unit_at
        self.open_round = rounds.round_start(survey, today)
        self.count = 0

    def _ancestors(self, unit_id: int) -> list[int]:
        step = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
        path = self.paths[unit_id]
        return [self.unit_at[path[:end]] for end in range(step, len(path), step)]

    def run(self, pending: list[Pending]) -> None:
        by_unit_round: dict[tuple[dt.date, int], list[Pending]] = defaultdict(list)
        for p in pending:
            by_unit_round[(p.round_start, p.unit_id)].append(p)
        events: list[tuple[dt.date, int, list[Pending], int]] = []
        leftovers: dict[dt.date, dict[int, list[Pending]]] = defaultdict(dict)
        for (round_start, unit_id), answers in sorted(by_unit_round.items()):
            # The order of arrival: by day, then by random id (the live product has no finer
            # time than the day either).
            answers.sort(key=lambda p: (p.answered_on, p.id))
            whole = len(answers) // self.k * self.k
            for start in range(0, whole, self.k):
                batch = answers[start : start + self.k]
                events.append((batch[-1].answered_on, len(events), batch, unit_id))
            if answers[whole:] and round_start < self.open_round:
                leftovers[round_start][unit_id] = answers[whole:]
        for round_start, pools in leftovers.items():
            after = rounds.round_end(self.survey, round_start)
            day = (after or round_start) + dt.timedelta(days=1)
            for batch, unit_id in self._pool(pools):
                events.append((day, len(events), batch, unit_id))
        for _day, _n, batch, unit_id in sorted(events, key=lambda e: (e[0], e[1])):
            self.count += 1
            for p in batch:
                p.release, p.release_unit = self.count, unit_id

    def _pool(self, pools: dict[int, list[Pending]]) -> list[tuple[list[Pending], int]]:
        """The leftovers of one round, pooled up the tree: the pools that reach k, and where."""
        chains = {unit_id: self._ancestors(unit_id) for unit_id in pools}
        depth = {unit_id: len(chain) for unit_id, chain in chains.items()}
        pools = {unit_id: list(members) for unit_id, members in sorted(pools.items())}
        released = []
        while pools:
            unit_id = max(pools, key=lambda u: (depth[u], -u))
            members = pools.pop(unit_id)
            if len(members) >= self.k:
                released.append((members, unit_id))
                continue
            chain = chains[unit_id]
            if not chain:
                continue  # the top: held back for good
            parent = chain[-1]
            depth.setdefault(parent, len(chain) - 1)
            chains.setdefault(parent, chain[:-1])
            pools.setdefault(parent, []).extend(members)
        return released


# ---------------------------------------------------------------- helpers


def _zscores(values: dict[int, float]) -> dict[int, float]:
    if not values:
        return {}
    mean = sum(values.values()) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values.values()) / len(values)) or 1.0
    return {key: (value - mean) / spread for key, value in values.items()}


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _clamp_int(value: int, low: int, high: int) -> int:
    return min(max(value, low), high)


def _likert(rng: random.Random, mean: float) -> int:
    return _clamp_int(round(rng.gauss(mean, 0.8)), 1, 5)


def _customer_theme_weight(code: str, strain_z: float, gone: int) -> float:
    """How often customers of an agency bring a theme up: the strained ones complain of waiting
    and of requests with no follow-up; those whose advisers left, of advisers changing."""
    base = {
        "fees": 5.0, "waiting": 3.0, "phone": 2.5, "advisor_change": 1.0, "app": 3.0,
        "no_follow_up": 2.0, "loan_slow": 1.0, "card": 1.5,
        "kind_advisor": 5.0, "mortgage_fast": 1.5, "fast_fix": 2.5, "app_good": 2.0,
        "advice": 2.0,
    }[code]  # fmt: skip
    if code in ("waiting", "no_follow_up", "phone"):
        base *= math.exp(0.45 * strain_z)
    elif code == "advisor_change":
        base *= 1 + gone
    elif code in ("kind_advisor", "fast_fix"):
        base *= math.exp(-0.3 * strain_z)
    return base


def _employee_theme_weight(code: str, irritant_z: float, workload_z: float) -> float:
    """Teams with more irritants speak of their tools; busier ones of being too few."""
    base = {
        "understaffing": 3.0, "tools": 3.0, "sales_pressure": 2.0, "latitude": 1.5,
        "recognition": 2.0, "training": 1.5, "team": 4.0, "manager": 2.5, "flexibility": 1.5,
        "meaning": 2.0,
    }[code]  # fmt: skip
    if code == "tools":
        base *= math.exp(0.5 * irritant_z)
    elif code == "understaffing":
        base *= math.exp(0.5 * workload_z)
    return base


def sample_survey_link(*, today: dt.date | None = None) -> str | None:
    """A fresh answer link to the relationship survey for the showcase customer (or, once they
    have had one within the survey's cooldown, a link for their agency that anyone may answer);
    read from the database, so that it can be printed when the demo was built earlier."""
    survey = Survey.objects.filter(external_id=texts.REL_NPS.external_id).first()
    showcase = showcase_customer(today=today)
    customer = None
    if showcase is not None:
        customer = Customer.objects.filter(
            identities__type=IdentityType.LOYALTY_CARD, identities__value=showcase.card
        ).first()
    if survey is None or customer is None or customer.home_unit is None:
        return None
    try:
        _invitation, token = distribution.invitation_create(
            survey=survey, customer=customer, channel=InvitationChannel.LINK
        )
    except ValidationError:
        _invitation, token = distribution.invitation_create(
            survey=survey, unit=customer.home_unit, channel=InvitationChannel.LINK
        )
    return distribution.answer_url(token)


def first_pulse_month(today: dt.date) -> dt.date:
    """The first round of the demo's pulse (the first whole month of the history)."""
    first = today - dt.timedelta(days=HISTORY_DAYS)
    month = first.replace(day=1)
    return month if month >= first else _add_months(month, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
