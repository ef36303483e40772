"""The demo's customers step: customers, their identifiers, a year of interactions, campaigns,
deliveries and handoff notes, all drawn from the step's own generator and dated from --today.

Customers are spread over the agencies in proportion to their advisers (a large agency of a
large town serves more people), each with an adviser of their agency. The history covers the
year before the reference date, up to the evening before it: app and web every day with
evening peaks, branch visits in opening hours (9:00–12:30 and 14:00–18:00 on weekdays,
Saturday mornings), phone calls on weekdays, e-mail, chat, social media and letters rarer;
more contacts at the start of each month and after each campaign's launch. The frontline
persona gets customers worth opening: a loyalty card, an open handoff note, a live campaign.

Speed: one pass over the customers, one generator, rows written in chunks by
`demo.tables.TableWriter` (COPY on PostgreSQL, executemany on SQLite) with ids chosen here, so
that nothing is read back. Instants are whole seconds since the epoch until they are written.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from symetrie.customers import normalise
from symetrie.customers.models import (
    Campaign,
    Customer,
    Delivery,
    HandoffNote,
    Identity,
    IdentityType,
    Interaction,
)
from symetrie.demo import customer_texts as texts
from symetrie.demo.identifiers import CONTRACTS, LANDLINE_AREAS, Numbers
from symetrie.demo.names import (
    COHORT_FIRST_NAMES,
    ENGLISH_FIRST_NAMES,
    ENGLISH_LAST_NAMES,
    LAST_NAMES,
)
from symetrie.demo.org import HEAD_OFFICE_CODE, R
from symetrie.demo.personas import PERSONAS
from symetrie.demo.rhythm import CHANNELS, HISTORY_DAYS, Calendar, Weighted
from symetrie.demo.tables import (
    Clock,
    TableWriter,
    analyze,
    deferred_indexes,
    next_id,
    reset_sequences,
)
from symetrie.org.models import Employee, Unit, UnitKind

if TYPE_CHECKING:
    from symetrie.demo.builder import DemoContext

# ---------------------------------------------------------------- sizes and shares


@dataclass(frozen=True)
class Volume:
    customers: int
    # Interactions per customer and year, on average (campaign follow-ups come on top).
    interactions_per_customer: float


VOLUMES: dict[str, Volume] = {
    "tiny": Volume(customers=1_200, interactions_per_customer=10.0),  # tests
    "small": Volume(customers=20_000, interactions_per_customer=10.0),
    "large": Volume(customers=1_000_000, interactions_per_customer=10.0),
}

# Segment: (share, youngest age, oldest age, share of app users).
SEGMENTS: dict[str, tuple[float, int, int, float]] = {
    "particulier": (0.60, 26, 92, 0.50),
    "jeune": (0.15, 18, 25, 0.85),
    "premium": (0.12, 30, 75, 0.60),
    "professionnel": (0.09, 25, 68, 0.55),
    "patrimonial": (0.04, 45, 92, 0.30),
}
ENGLISH_SHARE = 0.04
WITHOUT_ADVISER_SHARE = 0.04
MOBILE_SHARE = 0.88
LANDLINE_SHARE = 0.10  # of customers over 60
LOYALTY_CARD_SHARE = 0.55
CONTRACT_SHARE = 0.30
SECOND_ACCOUNT_SHARE = {"professionnel": 0.65, "patrimonial": 0.45, "premium": 0.3}
OPEN_NOTE_SHARE = 0.006
RESOLVED_NOTE_SHARE = 0.012
# The frontline persona's customers made to show every part of the screen.
SHOWCASE_CUSTOMERS = 4

# Contacts by channel (same order as CHANNELS: branch, phone, email, app, web, chat, social,
# letter), for a customer who uses the app and for one who does not.
MIX_APP_USER = (13, 12, 8, 45, 12, 6, 2, 2)
MIX_NO_APP = (25, 20, 10, 0, 35, 6, 1, 3)
MIX_FACTORS: dict[str, dict[str, float]] = {
    "jeune": {"app": 1.3, "branch": 0.6, "social": 2.0, "letter": 0.3},
    "premium": {"branch": 1.2, "phone": 1.2},
    "professionnel": {"phone": 1.6, "email": 1.6, "branch": 1.2},
    "patrimonial": {"branch": 1.6, "phone": 1.5, "letter": 1.5},
}

# Branch meetings start on the hour or the half hour; walk-ins come when they like.
APPOINTMENT_SHARE = 0.6

# Campaign slots: (days from the reference date to the external launch, length in days).
# Eight over, three live, one or two coming ("coming": launched for employees only; the last
# one may not be launched internally yet).
CAMPAIGN_SLOTS: tuple[tuple[int, int], ...] = (
    (-340, 42), (-300, 35), (-262, 56), (-224, 28), (-190, 42), (-155, 35), (-120, 49),
    (-88, 42), (-45, 75), (-21, 49), (-9, 40), (5, 42), (11, 56),
)  # fmt: skip
SHOWCASE_SLOT = 9  # a live campaign, launched three weeks ago: the persona's customers got it
# Channel of a campaign → (share of recipients who open, share of openers who click).
ENGAGEMENT: dict[str, tuple[float, float]] = {
    "email": (0.42, 0.22),
    "app": (0.58, 0.3),
    "social": (0.25, 0.18),
}
CONVERSION_SHARE = 0.16  # of clicks, for campaigns with an offer
BRANCH_PRODUCTS = frozenset(
    {"Prêt immobilier", "Prêt travaux", "Versement en assurance vie", "Plan d'épargne retraite",
     "Prêt étudiant", "Terminal de paiement", "Carte Visa Premier", "Crédit auto"}
)  # fmt: skip


# ---------------------------------------------------------------- what the step tells


@dataclass
class CustomerFacts:
    customers: int = 0
    identities: int = 0
    interactions: int = 0
    campaigns: int = 0
    deliveries: int = 0
    handoff_notes: int = 0
    # A loyalty card number of one of the frontline persona's showcase customers.
    showcase_card: str = ""


# ---------------------------------------------------------------- the org, as the step sees it


Staff = tuple[int, int, int, int]  # employee id, unit id, hire day ordinal, leave day ordinal
NEVER = 10**9


def _active(staff: Staff, day: int) -> bool:
    return staff[2] <= day < staff[3]


@dataclass
class Agency:
    id: int
    code: str
    advisers: list[Staff] = field(default_factory=list)
    pro_advisers: list[Staff] = field(default_factory=list)
    desk: list[Staff] = field(default_factory=list)  # everyone who receives customers

    def pick(self, rng: random.Random, pool: list[Staff], day: int) -> Staff | None:
        """Someone of `pool` at work on that day (a few tries), else None."""
        for _ in range(4):
            if not pool:
                return None
            staff = pool[int(rng.random() * len(pool))]
            if _active(staff, day):
                return staff
        return None


@dataclass
class Network:
    agencies: list[Agency]
    weights: Weighted  # which agency a new customer joins
    remote: list[Staff]  # advisers of the customer relations centre
    remote_unit: int | None
    persona: Staff | None
    persona_agency: int | None


def _network(rng: random.Random, today: dt.date) -> Network:
    units = list(Unit.objects.values_list("id", "code", "kind", "parent_id"))
    agencies = {uid: Agency(uid, code) for uid, code, kind, _p in units if kind == UnitKind.AGENCY}
    serving = {uid: uid for uid in agencies}
    for uid, _code, kind, parent in units:
        if kind == UnitKind.TEAM and parent in agencies:
            serving[uid] = parent
    remote_unit = next(
        (uid for uid, code, _k, _p in units if code == f"{HEAD_OFFICE_CODE}-CRC"), None
    )
    employees = Employee.objects.order_by("id").values_list(
        "id", "unit_id", "role__code", "hire_date", "leave_date", "user__username"
    )
    remote: list[Staff] = []
    persona: Staff | None = None
    persona_agency = None
    persona_login = next(spec.email for spec in PERSONAS if spec.key == "frontline")
    for eid, unit_id, role, hire, leave, username in employees:
        staff = (eid, unit_id, hire.toordinal(), leave.toordinal() if leave else NEVER)
        if role == R.REMOTE_ADVISOR:
            remote.append(staff)
        agency_id = serving.get(unit_id)
        if agency_id is None:
            continue
        agency = agencies[agency_id]
        if role == R.ADVISOR:
            agency.advisers.append(staff)
        elif role == R.PRO_ADVISOR:
            agency.pro_advisers.append(staff)
        if role in (R.ADVISOR, R.PRO_ADVISOR, R.RECEPTION):
            agency.desk.append(staff)
        if username == persona_login:
            persona, persona_agency = staff, agency_id
    ordered = sorted(agencies.values(), key=lambda a: a.id)
    day = today.toordinal()
    # Customers follow the advisers: a large agency serves more people; a jitter per agency.
    weights = [
        max(1, sum(_active(s, day) for s in a.advisers + a.pro_advisers))
        * math.exp(rng.gauss(0, 0.25))
        for a in ordered
    ]
    return Network(ordered, Weighted(ordered, weights), remote, remote_unit, persona,
                   persona_agency)  # fmt: skip


# ---------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class PlannedCampaign:
    id: int
    spec: texts.CampaignSpec
    external_id: str
    internal_launch: dt.date
    external_launch: dt.date
    end: dt.date
    reach: float  # share of the audience it is sent to

    def for_segment(self, segment: str) -> bool:
        return not self.spec.audience or segment in self.spec.audience


def _plan_campaigns(rng: random.Random, today: dt.date, first_id: int) -> list[PlannedCampaign]:
    specs = list(texts.CAMPAIGNS)
    rng.shuffle(specs)
    # The persona's showcase needs a live campaign with an offer for everyday customers.
    showcase = next(
        i
        for i, spec in enumerate(specs)
        if spec.offer and (not spec.audience or "particulier" in spec.audience)
    )
    specs[SHOWCASE_SLOT], specs[showcase] = specs[showcase], specs[SHOWCASE_SLOT]
    planned = []
    for number, (spec, (offset, length)) in enumerate(zip(specs, CAMPAIGN_SLOTS, strict=True)):
        jitter = 0 if number == SHOWCASE_SLOT else rng.randint(-3, 3)
        external = today + dt.timedelta(days=offset + jitter)
        internal = external - dt.timedelta(days=rng.randint(7, 14))
        end = external + dt.timedelta(days=length + rng.randint(-3, 3))
        planned.append(
            PlannedCampaign(
                id=first_id + number,
                spec=spec,
                external_id=f"CAMP-{external.year}-{spec.code}",
                internal_launch=internal,
                external_launch=external,
                end=end,
                reach=rng.uniform(0.35, 0.8),
            )
        )
    return planned


def _write_campaigns(planned: Sequence[PlannedCampaign]) -> None:
    Campaign.objects.bulk_create(
        Campaign(
            id=c.id,
            external_id=c.external_id,
            name=c.spec.name,
            channel=c.spec.channel,
            message=c.spec.message,
            offer=c.spec.offer,
            audience_segments=list(c.spec.audience),
            internal_launch=c.internal_launch,
            external_launch=c.external_launch,
            end=c.end,
        )
        for c in planned
    )


# ---------------------------------------------------------------- the step

# An interaction before it is written: (when, channel, subject, summary, outcome, unit id,
# employee id, campaign id).
Event = tuple[int, str, str, str, str, int | None, int | None, int | None]


def build_customers(ctx: DemoContext) -> None:
    """The customers step (after the org and the personas)."""
    Generator(ctx).run()


class Generator:
    """One pass over the customers: each one's profile, identifiers, campaigns received,
    notes and year of interactions, drawn in that order from the step's generator."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.volume = VOLUMES[ctx.size]
        self.facts = CustomerFacts()

    def run(self) -> None:
        ctx, rng = self.ctx, self.rng
        ctx.progress.stage("Campaigns", len(CAMPAIGN_SLOTS))
        self.network = _network(rng, self.today)
        self.campaigns = _plan_campaigns(rng, self.today, next_id(Campaign))
        _write_campaigns(self.campaigns)
        ctx.progress.advance(len(self.campaigns))
        self.sent_campaigns = [c for c in self.campaigns if c.external_launch < self.today]
        self.calendar = Calendar(self.today, [c.external_launch for c in self.campaigns])
        self.clock = Clock()
        self.slots = texts.Slots(rng, self.today)
        self.numbers = Numbers(rng)
        self._prepare_draws()

        models = [Customer, Identity, Interaction, Delivery, HandoffNote]
        total = self.volume.customers
        expected_rows = int(total * (self.volume.interactions_per_customer + 8))
        ctx.progress.stage("Customers and their history", total)
        with deferred_indexes(models, rows=expected_rows):
            self._open_writers()
            step = 1000
            for start in range(0, total, step):
                for number in range(start, min(start + step, total)):
                    self._customer(number)
                ctx.progress.advance(min(step, total - start))
            self._close_writers()
        reset_sequences([Campaign, *models])
        if connection.vendor == "postgresql":
            analyze(models)
        self.facts.campaigns = len(self.campaigns)
        ctx.customers = self.facts

    # ------------------------------------------------------------ preparation

    def _prepare_draws(self) -> None:
        self.segments = Weighted(list(SEGMENTS), [s[0] for s in SEGMENTS.values()])
        self.mixes: dict[tuple[str, bool], Weighted] = {}
        for segment in SEGMENTS:
            factors = MIX_FACTORS.get(segment, {})
            for app_user in (True, False):
                base = MIX_APP_USER if app_user else MIX_NO_APP
                weights = [w * factors.get(c, 1.0) for c, w in zip(CHANNELS, base, strict=True)]
                self.mixes[(segment, app_user)] = Weighted(CHANNELS, weights)
        self.topics: dict[tuple[str, str], Weighted] = {}
        for channel in CHANNELS:
            for segment in SEGMENTS:
                found = [
                    (topic, weight)
                    for topic in texts.TOPICS
                    for ch, weight in topic.channels
                    if ch == channel and (not topic.segments or segment in topic.segments)
                ]
                self.topics[(channel, segment)] = Weighted(
                    [t for t, _w in found], [w for _t, w in found]
                )
        self.last_names = Weighted(LAST_NAMES, [1 / (rank + 20) for rank in range(len(LAST_NAMES))])
        self.contract_kinds = Weighted([p for p, _w in CONTRACTS], [w for _p, w in CONTRACTS])
        regions = dict(Unit.objects.filter(kind=UnitKind.REGION).values_list("path", "code"))
        self.areas: dict[int, str] = {}
        for agency_id, path in Unit.objects.filter(kind=UnitKind.AGENCY).values_list("id", "path"):
            region = next((code for p, code in regions.items() if path.startswith(p)), "R-IDF")
            self.areas[agency_id] = LANDLINE_AREAS.get(region.removeprefix("R-"), "1")
        self.showcase_left = SHOWCASE_CUSTOMERS if self.network.persona else 0
        self.showcase_campaign = self.campaigns[SHOWCASE_SLOT]
        self.fold = functools.lru_cache(maxsize=4096)(normalise.fold)

    def _open_writers(self) -> None:
        self.ids = {model: next_id(model) for model in (Customer, Identity, Interaction,
                                                         Delivery, HandoffNote)}  # fmt: skip
        self.w_customers = TableWriter(
            Customer,
            (
                "id",
                "external_id",
                "first_name",
                "last_name",
                "first_name_folded",
                "last_name_folded",
                "segment",
                "language",
                "preferred_channel",
                "consent_email",
                "consent_sms",
                "consent_phone",
                "created_at",
                "advisor_id",
                "home_unit_id",
            ),
        )
        self.w_identities = TableWriter(Identity, ("id", "type", "value", "customer_id"))
        self.w_interactions = TableWriter(
            Interaction,
            (
                "id",
                "external_id",
                "occurred_at",
                "channel",
                "subject",
                "summary",
                "outcome",
                "customer_id",
                "unit_id",
                "employee_id",
                "campaign_id",
            ),
        )
        self.w_deliveries = TableWriter(
            Delivery,
            (
                "id",
                "sent_at",
                "opened_at",
                "clicked_at",
                "converted_at",
                "campaign_id",
                "customer_id",
            ),
        )
        self.w_notes = TableWriter(HandoffNote, (
            "id", "text", "created_at", "resolved_at", "author_id", "customer_id",
            "resolved_by_id"))  # fmt: skip

    def _close_writers(self) -> None:
        f = self.facts
        f.customers = self.w_customers.close()
        f.identities = self.w_identities.close()
        f.interactions = self.w_interactions.close()
        f.deliveries = self.w_deliveries.close()
        f.handoff_notes = self.w_notes.close()

    def _next_id(self, model: type[Any]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # ------------------------------------------------------------ one customer

    def _customer(self, number: int) -> None:
        rng, cal, r = self.rng, self.calendar, self.rng.random
        cid = self._next_id(Customer)
        segment: str = self.segments.draw(rng)
        agency: Agency = self.network.weights.draw(rng)
        advisor = self._advisor(agency, segment)
        showcase = (
            self.showcase_left > 0 and advisor is not None and (advisor == self.network.persona)
        )
        if showcase:
            self.showcase_left -= 1
            if not self.showcase_campaign.for_segment(segment):
                segment = self.showcase_campaign.spec.audience[0]
        _share, youngest, oldest, app_share = SEGMENTS[segment]
        age = youngest + int((oldest - youngest) * rng.betavariate(1.6, 2.2))
        birth_year = self.today.year - age
        english = r() < ENGLISH_SHARE
        if english:
            first = _pick(ENGLISH_FIRST_NAMES, r())
            last = _pick(ENGLISH_LAST_NAMES, r())
        else:
            names = next(n for year, n in COHORT_FIRST_NAMES if birth_year <= year)
            first = _pick(names, r())
            last = self.last_names.draw(rng)
        app_user = r() < app_share
        # A customer for how long: most for years, some joined during the year.
        years = min(rng.expovariate(1 / 12), max(age - 16, 0.5))
        since = self.today - dt.timedelta(days=max(1, round(years * 365.25)))
        new_customer = since > cal.first
        start = 0
        if new_customer:
            start = cal.open_day_from(rng, cal.index(since))
            if start < 0:  # joined in the last days: opened at the last opening
                start = cal.last_working_day
            created = cal.opening_time(rng, start)
        else:
            created = cal.local(since, 540 + int(r() * 540))
        mix = self.mixes[(segment, app_user)]
        preferred = mix.draw(rng) if r() < 0.9 else ""
        consent_email = r() < 0.72
        self.w_customers.add((
            cid, f"C{number + 1:08d}", first, last, self.fold(first), self.fold(last),
            segment, "en" if english else "fr", preferred, consent_email, r() < 0.55,
            r() < 0.35, self.clock.text(created), advisor[0] if advisor else None, agency.id,
        ))  # fmt: skip
        self._identities(cid, first, last, birth_year, age, segment, agency, app_user, showcase)

        events: list[Event] = []
        if new_customer:
            topic = texts.ACCOUNT_OPENING
            employee = self._adviser_on(agency, advisor, cal.ordinals[start])
            said, outcomes = _pick(topic.variants, r())
            events.append((created, "branch", topic.subject, self.slots.fill(said), outcomes[0],
                           agency.id, employee, None))  # fmt: skip
        # The year's ordinary contacts (a new customer's from the day after the opening).
        contacts_from = min(start + 1, HISTORY_DAYS - 1) if new_customer else 0
        mean = self.volume.interactions_per_customer * (HISTORY_DAYS - start) / HISTORY_DAYS
        for _ in range(int(rng.gammavariate(1.5, mean / 1.5) + r())):
            contact = self._contact(mix.draw(rng), segment, contacts_from, agency, advisor)
            if contact is not None:
                events.append(contact)
        self._campaigns(cid, segment, app_user, consent_email, agency, advisor, start, events,
                        showcase)  # fmt: skip
        self._notes(cid, agency, advisor, start, events, showcase)
        events.sort()
        text, rows = self.clock.text, self.w_interactions.rows
        iid = self.ids[Interaction]
        for when, channel, subject, summary, outcome, unit, employee_id, campaign in events:
            rows.append((iid, f"I{iid:09d}", text(when), channel, subject, summary, outcome,
                         cid, unit, employee_id, campaign))  # fmt: skip
            iid += 1
        self.ids[Interaction] = iid
        self.w_interactions.flush_if_full()

    def _advisor(self, agency: Agency, segment: str) -> Staff | None:
        r = self.rng.random
        if r() < WITHOUT_ADVISER_SHARE:
            return None
        today = self.today.toordinal()
        pool = (
            agency.pro_advisers
            if segment == "professionnel" and agency.pro_advisers
            else (agency.advisers)
        )
        active = [s for s in pool if _active(s, today)]
        return _pick(active, r()) if active else None

    def _adviser_on(self, agency: Agency, advisor: Staff | None, ordinal: int) -> int | None:
        """The customer's adviser if at work that day, else another adviser of the agency."""
        if advisor is not None and advisor[2] <= ordinal < advisor[3]:
            return advisor[0]
        other = agency.pick(self.rng, agency.advisers, ordinal)
        return other[0] if other else None

    def _identities(
        self,
        cid: int,
        first: str,
        last: str,
        birth_year: int,
        age: int,
        segment: str,
        agency: Agency,
        app_user: bool,
        showcase: bool,
    ) -> None:
        rng, r, numbers = self.rng, self.rng.random, self.numbers
        found = [
            (IdentityType.ACCOUNT, numbers.account()),
            (IdentityType.EMAIL, numbers.email(rng, first, last, birth_year)),
        ]
        if r() < SECOND_ACCOUNT_SHARE.get(segment, 0.15):
            found.append((IdentityType.ACCOUNT, numbers.account()))
        if r() < MOBILE_SHARE:
            found.append((IdentityType.PHONE, numbers.mobile()))
        if r() < (LANDLINE_SHARE if age >= 60 else LANDLINE_SHARE / 10):
            found.append((IdentityType.PHONE, numbers.landline(self.areas.get(agency.id, "1"))))
        if r() < LOYALTY_CARD_SHARE or showcase:
            card = numbers.loyalty_card()
            found.append((IdentityType.LOYALTY_CARD, card))
            if showcase and not self.facts.showcase_card:
                self.facts.showcase_card = card
        if r() < CONTRACT_SHARE:
            # Several contracts where people hold several: a loan and its home insurance...
            for _ in range(1 + (r() < 0.3) + (r() < 0.1)):
                year = self.today.year - int(r() * 12)
                kind = self.contract_kinds.draw(rng)
                found.append((IdentityType.CONTRACT, numbers.contract(kind, year)))
        if app_user:
            found.append((IdentityType.APP_ID, numbers.app_id()))
        for kind_, value in found:
            self.w_identities.add((self._next_id(Identity), kind_.value, value, cid))

    def _contact(
        self, channel: str, segment: str, start: int, agency: Agency, advisor: Staff | None
    ) -> Event | None:
        """One ordinary contact on `channel`, on a day of the history from `start` on (None
        if the channel is closed on every one of those days)."""
        rng, cal, r = self.rng, self.calendar, self.rng.random
        day: int | None = cal.by_channel[channel].draw_from(rng, start)
        if day is None:
            return None
        minute: int = cal.hours[(channel, cal.day_kind[day])].draw(rng)
        topic: texts.Topic = self.topics[(channel, segment)].draw(rng)
        unit: int | None = None
        employee: int | None = None
        if channel in STAFFED:
            ordinal = cal.ordinals[day]
            if channel == "chat" or (channel == "phone" and not topic.advice and r() < 0.7):
                # The customer relations centre answers chats and most calls.
                remote = self._remote(ordinal)
                if remote is not None:
                    employee, unit = remote[0], self.network.remote_unit
            else:
                unit = agency.id
                if topic.advice or channel == "email":
                    employee = self._adviser_on(agency, advisor, ordinal)
                else:
                    desk = agency.pick(rng, agency.desk, ordinal)
                    employee = desk[0] if desk else None
                if channel == "branch" and topic.advice and r() < APPOINTMENT_SHARE:
                    minute -= minute % 30
        fill = self.slots.fill
        said, outcomes = _pick(topic.variants, r())
        return (
            cal.midnights[day] + minute * 60 + int(r() * 60),
            channel,
            topic.subject,
            fill(said),
            fill(_pick(outcomes, r())),
            unit,
            employee,
            None,
        )

    def _remote(self, ordinal: int) -> Staff | None:
        remote, r = self.network.remote, self.rng.random
        for _ in range(4):
            if not remote:
                return None
            staff: Staff = _pick(remote, r())
            if _active(staff, ordinal):
                return staff
        return None

    def _campaigns(
        self,
        cid: int,
        segment: str,
        app_user: bool,
        consent_email: bool,
        agency: Agency,
        advisor: Staff | None,
        start: int,
        events: list[Event],
        showcase: bool,
    ) -> None:
        """The campaigns sent to this customer, what they did with them, and the contacts
        that followed (linked to the campaign)."""
        cal, r, text = self.calendar, self.rng.random, self.clock.text
        horizon = cal.horizon
        for campaign in self.sent_campaigns:
            forced = showcase and campaign is self.showcase_campaign
            if not forced:
                channel = campaign.spec.channel
                if (
                    not campaign.for_segment(segment)
                    or (channel == "email" and not consent_email)
                    or (channel == "app" and not app_user)
                    or r() >= campaign.reach
                ):
                    continue
            launch = cal.index(campaign.external_launch)
            if launch < start:
                continue  # not a customer yet
            wave = min(launch + int(r() * 3), HISTORY_DAYS - 1)  # sent over a few days
            sent = cal.midnights[wave] + (480 + int(r() * 180)) * 60 + int(r() * 60)
            if sent >= horizon:
                continue
            open_share, click_share = ENGAGEMENT.get(campaign.spec.channel, (0.3, 0.2))
            opened = clicked = None
            if r() < open_share or forced:
                opened = sent + int(60 * math.exp(self.rng.gauss(4.5, 1.6)))
                if opened >= horizon:
                    opened = None
            if opened is not None and r() < click_share:
                clicked = opened + 5 + int(r() * 600)
                if clicked >= horizon:
                    clicked = None
            converted = self._follow_ups(campaign, app_user, agency, advisor, opened, clicked,
                                         events)  # fmt: skip
            self.w_deliveries.add((
                self._next_id(Delivery), text(sent), text(opened) if opened else None,
                text(clicked) if clicked else None, text(converted) if converted else None,
                campaign.id, cid,
            ))  # fmt: skip

    def _follow_ups(
        self,
        campaign: PlannedCampaign,
        app_user: bool,
        agency: Agency,
        advisor: Staff | None,
        opened: int | None,
        clicked: int | None,
        events: list[Event],
    ) -> int | None:
        """Contacts a campaign brings (a look at the offer, a question, a subscription);
        when the customer converted, if they did."""
        rng, cal, r = self.rng, self.calendar, self.rng.random
        spec = campaign.spec
        online = "app" if app_user else "web"
        if clicked is not None and r() < 0.6:
            subject, summary = texts.CAMPAIGN_CLICK
            events.append((clicked, online, subject, summary.format(campagne=spec.name), "",
                           None, None, campaign.id))  # fmt: skip
        if opened is not None and clicked is None and r() < 0.04:
            day = cal.open_day_from(rng, cal.day_of(opened) + 1)
            if day >= 0:
                subject, summary, outcomes = texts.CAMPAIGN_QUESTION
                channel = "phone" if r() < 0.5 and cal.day_kind[day] == 0 else "branch"
                events.append((
                    cal.opening_time(rng, day), channel, subject,
                    summary.format(campagne=spec.name), _pick(outcomes, r()), agency.id,
                    self._adviser_on(agency, advisor, cal.ordinals[day]), campaign.id,
                ))  # fmt: skip
        if clicked is None or not spec.offer or r() >= CONVERSION_SHARE:
            return None
        subject, summary, outcome = texts.CAMPAIGN_CONVERSION
        subject = subject.format(produit=spec.product)
        summary = summary.format(campagne=spec.name)
        end = min(cal.horizon, cal.local(campaign.end, 24 * 60))
        if spec.product in BRANCH_PRODUCTS:  # signed with the adviser, at the branch
            day = cal.open_day_from(rng, cal.day_of(clicked) + 1 + int(r() * 10))
            if day < 0:
                return None
            when = cal.opening_time(rng, day)
            if when >= end:
                return None
            employee = self._adviser_on(agency, advisor, cal.ordinals[day])
            events.append((when, "branch", subject, summary, outcome, agency.id, employee,
                           campaign.id))  # fmt: skip
            return when
        when = clicked + 60 + int(r() * 1800)
        if when >= end:
            return None
        events.append((when, online, subject, summary, outcome, None, None, campaign.id))
        return when

    def _notes(
        self,
        cid: int,
        agency: Agency,
        advisor: Staff | None,
        start: int,
        events: list[Event],
        showcase: bool,
    ) -> None:
        """A handoff note for a few customers: open ones recent, resolved ones older; each
        written after a contact, which goes on the timeline too."""
        rng, cal, r = self.rng, self.calendar, self.rng.random
        draw = r()
        if showcase or draw < OPEN_NOTE_SHARE:
            is_open = True
        elif draw < OPEN_NOTE_SHARE + RESOLVED_NOTE_SHARE:
            is_open = False
        else:
            return
        back = 1 + int(r() * 40) if is_open else 20 + int(r() * 280)
        day = cal.open_day_from(rng, max(HISTORY_DAYS - back, start))
        if day < 0:
            day = cal.last_working_day  # never before `start`, a working day too
        ordinal = cal.ordinals[day]
        author = self._adviser_on(agency, advisor, ordinal)
        if author is None:
            return
        subject, note, outcome = _pick(texts.HANDOFF_NOTES, r())
        note = self.slots.fill(note)
        when = cal.opening_time(rng, day)
        resolved = resolver = None
        if not is_open:
            resolved = min(when + (1 + int(r() * 20)) * 86_400, cal.horizon - 3600)
            resolver = self._adviser_on(agency, advisor, ordinal) or author
        text = self.clock.text
        self.w_notes.add((self._next_id(HandoffNote), note, text(when),
                          text(resolved) if resolved else None, author, cid, resolver))  # fmt: skip
        events.append((when, "branch", subject, note, outcome, agency.id, author, None))


STAFFED = frozenset({"branch", "phone", "email", "chat"})


def _pick(items: Sequence[Any], u: float) -> Any:
    """The item at `u` (a number in [0, 1)) of a list: a faster `random.choice`."""
    return items[int(u * len(items))]


# ---------------------------------------------------------------- the showcase, read back


@dataclass(frozen=True)
class Showcase:
    card: str
    name: str


def showcase_customer(*, today: dt.date | None = None) -> Showcase | None:
    """A customer of the frontline persona worth opening: a loyalty card, an open handoff
    note and a campaign received that is live on `today`; read from the database, so that it
    can be shown when the demo was built by an earlier run."""
    login = next(spec.email for spec in PERSONAS if spec.key == "frontline")
    persona = Employee.objects.filter(user__username=login).first()
    if persona is None:
        return None
    today = today or timezone.localdate()
    cards = Identity.objects.filter(
        type=IdentityType.LOYALTY_CARD,
        customer__advisor=persona,
        customer__handoff_notes__resolved_at__isnull=True,
    )
    live = Q(
        customer__deliveries__campaign__external_launch__lte=today,
        customer__deliveries__campaign__end__gte=today,
    )
    for candidates in (cards.filter(live), cards.filter(customer__deliveries__isnull=False)):
        found = (
            candidates.order_by("customer_id", "value")
            .values_list("value", "customer__first_name", "customer__last_name")
            .first()
        )
        if found is not None:
            value, first, last = found
            return Showcase(value, f"{first} {last}".strip())
    return None
