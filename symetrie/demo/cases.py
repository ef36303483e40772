"""The demo's cases step: six months of customer cases and employee irritants, with their
events, commitments, decisions and escalations, drawn from the step's own generator.

What the data shows, as in a real network:
- most cases are resolved within their SLA (business hours, `cases.sla`), some late, and the
  recent ones are still open (a few of those already overdue, some with no next step or no
  owner: the follow-through report has something to say);
- new hires hand off and escalate more, and resolve less at first contact; some agencies do
  better than others (an agency effect on both);
- decisions: most gestures within the role's latitude, some beyond it (escalated to the right
  manager with the context, then approved or refused — the recent ones still waiting);
- irritants cluster on a few processes and tools, often flagged from the customer case they
  hurt;
- the personas: the frontline adviser owns open cases worth opening (an overdue one,
  commitments due and one late, a gesture waiting for approval), the agency director has
  escalations waiting for them, new hires are part-way through their onboarding path.

The shipped playbooks and SLA policies are put back first (a flush before the build removed
them). Rows are written with ids chosen here, by `demo.tables.TableWriter` (COPY on
PostgreSQL, executemany on SQLite); instants are whole seconds since the epoch until written.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps

from symetrie.cases import sla
from symetrie.cases.models import (
    Case,
    CaseEvent,
    Commitment,
    Decision,
    Escalation,
    OnboardingProgress,
    Playbook,
    SlaPolicy,
)
from symetrie.cases.selectors import latitude_allows
from symetrie.customers.models import Customer
from symetrie.demo.org import HEAD_OFFICE_CODE, R
from symetrie.demo.personas import PERSONAS
from symetrie.demo.tables import Clock, TableWriter, next_id, reset_sequences
from symetrie.org.models import PATH_SEGMENT_WIDTH, PATH_SEPARATOR, Employee, Role, Unit, UnitKind

if TYPE_CHECKING:
    from symetrie.demo.builder import DemoContext

# ---------------------------------------------------------------- sizes and rates

HISTORY_DAYS = 180
CASES_PER_CUSTOMER = {"tiny": 0.25, "small": 0.25, "large": 0.2}  # over the history
# Employees' own cases, per customer case (so that they follow the size of the demo).
IRRITANTS_PER_CASE = 0.1
INTERNAL_PER_CASE = 0.02
FRICTION_FROM_CASE = 0.05  # a customer case that also gets an irritant flagged from it
FORGOTTEN = 0.012  # left without follow-up: still open long after its due date
STUCK = 0.015  # still waiting on the customer

# By tenure when the case is opened: under 3 months, 3–12 months, over a year.
ESCALATE = (0.09, 0.045, 0.025)  # sent up with no decision attached
BEYOND = (0.45, 0.22, 0.12)  # a decision asked beyond the role's latitude
HANDOFF = (0.24, 0.14, 0.09)
WAIT = (0.22, 0.16, 0.13)
SLOW = (1.35, 1.05, 0.9)  # resolution time, as a share of the SLA, is scaled by this

SHOWCASE_FRONTLINE = 8
SHOWCASE_ESCALATIONS = 5
DAY = 86_400
HOUR = 3_600


def _band(tenure_days: int) -> int:
    return 0 if tenure_days < 91 else 1 if tenure_days < 365 else 2


# ---------------------------------------------------------------- what cases are about


@dataclass(frozen=True)
class Topic:
    """A situation, the way an adviser writes it down, with what usually follows."""

    weight: float
    types: tuple[str, ...]
    subject: tuple[str, str]  # (French, English)
    descriptions: tuple[tuple[str, str], ...]
    commitment: tuple[str, str] = ("", "")
    next_step: str = ""
    # (kind, smallest amount, largest amount) of the decision it often calls for.
    decision: tuple[str, int, int] | None = None
    handoff_to: str = "CRC"  # the head-office department a handoff goes to
    channels: tuple[str, ...] = ("branch", "phone", "email", "app")


TOPICS: tuple[Topic, ...] = (
    Topic(9, ("complaint",), ("Frais d'incident contestés", "Disputed overdraft fees"), (
        ("Le client conteste deux commissions d'intervention prélevées ce mois-ci.",
         "The customer disputes two overdraft charges taken this month."),
        ("Frais de rejet de prélèvement : le client dit que son salaire est arrivé en retard.",
         "Returned debit fees: the customer says their salary came in late."),
    ), ("Rembourser les frais et confirmer par e-mail", "Refund the fees and confirm by e-mail"),
        "Vérifier l'historique des frais sur 12 mois", ("fee_waiver", 8, 64), "FIN"),
    Topic(7, ("request", "complaint"), ("Carte bloquée à l'étranger", "Card blocked abroad"), (
        ("Paiement refusé à Barcelone, la cliente est en vacances jusqu'à dimanche.",
         "Payment declined in Barcelona, the customer is on holiday until Sunday."),
        ("Retrait refusé à Londres : blocage antifraude après un achat en ligne.",
         "Withdrawal declined in London: fraud block after an online purchase."),
    ), ("Rappeler le client après le déblocage", "Call the customer back once unblocked"),
        "Lever le blocage avec le service cartes", ("goodwill", 10, 40), "RISQ",
        ("phone", "app", "chat")),
    Topic(6, ("request",), ("Perte de carte", "Lost card"), (
        ("Carte perdue hier soir, opposition faite en agence, nouvelle carte commandée.",
         "Card lost last night, blocked at the branch, new card ordered."),
        ("Carte volée dans le métro, deux paiements sans contact non reconnus.",
         "Card stolen on the underground, two contactless payments not recognised."),
    ), ("Prévenir le client à l'arrivée de la carte", "Tell the customer when the card arrives"),
        "Suivre la contestation des paiements", ("fee_waiver", 12, 15), "RISQ"),
    Topic(6, ("complaint",), ("Attente trop longue en agence", "Too long a wait at the branch"), (
        ("Quarante minutes d'attente samedi matin pour un simple dépôt de chèque.",
         "Forty minutes' wait on Saturday morning just to pay in a cheque."),
        ("Trois appels sans réponse avant de pouvoir joindre l'agence.",
         "Three unanswered calls before getting through to the branch."),
    ), ("Rappeler le client avec un rendez-vous", "Call the customer back with an appointment"),
        "Proposer un rendez-vous prioritaire", ("goodwill", 10, 30), "CRC", ("branch", "phone")),
    Topic(5, ("request",), ("Problème de connexion à l'appli", "App login problem"), (
        ("Nouveau téléphone : le client ne reçoit pas le code de validation.",
         "New phone: the customer does not get the validation code."),
        ("Accès bloqué après trois essais, code oublié.",
         "Access blocked after three tries, passcode forgotten."),
    ), ("Vérifier avec le client que l'accès fonctionne", "Check with the customer that it works"),
        "Réinitialiser l'accès", None, "DSI", ("phone", "chat", "app")),
    Topic(5, ("complaint", "request"), ("Opération non reconnue", "Unrecognised transaction"), (
        ("Prélèvement de 49,90 € d'un abonnement que le client n'a jamais souscrit.",
         "A 49.90 € direct debit for a subscription the customer never took out."),
        ("Paiement en ligne de 312 € non reconnu, le client a reçu un faux SMS de livraison.",
         "An online payment of 312 € not recognised, after a fake delivery text message."),
    ), ("Confirmer le remboursement au client", "Confirm the refund to the customer"),
        "Ouvrir la contestation", ("goodwill", 20, 150), "RISQ"),
    Topic(4, ("request",), ("Virement non reçu", "Transfer not received"), (
        ("Le salaire n'est pas arrivé, l'employeur affirme l'avoir envoyé lundi.",
         "The salary has not arrived, the employer says it was sent on Monday."),
        ("Virement envoyé au mauvais IBAN, demande de retour des fonds.",
         "Transfer sent to the wrong IBAN, recall of the funds requested."),
    ), ("Tenir le client informé de la recherche", "Keep the customer posted on the search"),
        "Lancer la recherche du virement", None, "FIN"),
    Topic(4, ("request",), ("Difficulté à rembourser le prêt", "Difficulty repaying the loan"), (
        ("Perte d'emploi : le client ne pourra pas payer les deux prochaines échéances.",
         "Job loss: the customer cannot pay the next two instalments."),
        ("Séparation récente, budget serré, demande de report d'une mensualité.",
         "Recent separation, tight budget, asks to postpone an instalment."),
    ), ("Proposer une solution écrite au client", "Send the customer a written proposal"),
        "Étudier le report d'échéance", ("named", 0, 0), "RISQ", ("branch", "phone")),
    Topic(3, ("request", "information"), ("Changement d'adresse", "Change of address"), (
        ("Déménagement à Villeurbanne, justificatif de domicile fourni.",
         "Moving house, proof of address provided."),
    ), ("", ""), "", None, "CRC", ("branch", "app", "email")),
    Topic(2, ("request",), ("Succession : décès du titulaire", "Estate: the holder has died"), (
        ("La fille de la cliente annonce son décès ; le notaire est Maître Dumas à Lyon.",
         "The customer's daughter reports her death; the notary is based in Lyon."),
    ), ("Envoyer l'état des avoirs au notaire", "Send the statement of assets to the notary"),
        "Transmettre le dossier au service successions", None, "RISQ", ("branch", "letter")),
    Topic(3, ("complaint",), ("Réclamation écrite", "Written complaint"), (
        ("Courrier recommandé : le client menace de saisir le médiateur.",
         "Recorded letter: the customer threatens to go to the ombudsman."),
    ), ("Accuser réception sous 10 jours", "Acknowledge within 10 days"),
        "Répondre sur le fond", ("goodwill", 50, 300), "CX", ("letter", "email")),
    Topic(4, ("information",), ("Question sur les tarifs", "Question about prices"), (
        ("Le client veut comparer les cartes avant le renouvellement.",
         "The customer wants to compare cards before the renewal."),
    ), ("", ""), "", None, "MKT", ("branch", "phone", "chat")),
    Topic(3, ("complaint",), ("Client qui veut clôturer ses comptes",
                              "Customer who wants to close their accounts"), (
        ("Mécontent des frais et des délais, le client parle de partir à la concurrence.",
         "Unhappy with fees and delays, the customer talks of leaving for a competitor."),
    ), ("Rappeler le client avec une proposition", "Call back with an offer"),
        "Préparer un rendez-vous avec le directeur", ("goodwill", 30, 200), "CX"),
)  # fmt: skip

# Processes and tools named in irritants: a few take most of them.
PROCESSES: tuple[tuple[str, float], ...] = (
    ("Outil de simulation de crédit", 26),
    ("Validation des gestes commerciaux", 18),
    ("Poste de travail lent le matin", 14),
    ("Numérisation des pièces justificatives", 11),
    ("Procédure de succession", 7),
    ("Téléphonie de l'agence", 7),
    ("Ouverture de compte en ligne", 6),
    ("Messagerie sécurisée client", 5),
    ("Commande de chéquiers", 3),
    ("Intranet des procédures", 3),
)
FRICTIONS = (
    "Trois écrans pour une simple opération, le client a attendu.",
    "L'outil ne répondait plus, j'ai dû rappeler le client plus tard.",
    "La validation est arrivée le lendemain : le client était reparti.",
    "Impossible de retrouver la bonne procédure à temps.",
    "Il a fallu ressaisir toutes les informations du client.",
)
INTERNAL = (
    ("Badge d'accès à renouveler", "Services généraux"),
    ("Demande de formation crédit immobilier", "Ressources humaines"),
    ("Imprimante de l'agence en panne", "Systèmes d'information"),
    ("Accès à l'outil de gestion de patrimoine", "Systèmes d'information"),
)
HANDOFF_NOTES = (
    "Le client attend un appel avant vendredi ; tout est dans la description.",
    "Pièces reçues et numérisées ; il reste la décision de votre service.",
    "Cliente fragile : merci de l'appeler plutôt que de lui écrire.",
)
ANSWERS_YES = ("D'accord, vu l'historique du client.", "Accordé : client fidèle, premier incident.")
ANSWERS_NO = (
    "Pas cette fois : geste déjà accordé il y a trois mois.",
    "Refusé, mais proposez-lui l'offre clientèle fragile.",
)
DESK_ROLES = frozenset({R.ADVISOR, R.PRO_ADVISOR, R.RECEPTION, R.TEAM_LEAD})
WAITS = ("waiting_customer", "waiting_team")
PRIORITIES = (("normal", 80), ("high", 10), ("low", 8), ("urgent", 2))


# ---------------------------------------------------------------- the network, as read


@dataclass
class Person:
    id: int
    unit_id: int
    role: Role
    hire: int  # day ordinal
    leave: int  # day ordinal (a big number when still there)
    is_manager: bool
    external_id: str

    def active(self, day: int) -> bool:
        return self.hire <= day < self.leave


@dataclass
class Place:
    """An agency: its people at the desk, its customers, how well it does."""

    id: int
    code: str
    path: str
    desk: list[Person] = field(default_factory=list)
    customers: list[tuple[int, int | None, str]] = field(default_factory=list)
    effect: float = 1.0  # > 1: more escalations and handoffs than the network


# ---------------------------------------------------------------- the step


@dataclass
class CaseFacts:
    """What the step wrote, by kind of row (for the command's summary and the tests)."""

    customer_cases: int = 0
    irritants: int = 0
    internal_requests: int = 0
    commitments: int = 0
    decisions: int = 0
    escalations: int = 0
    events: int = 0
    onboarding_steps: int = 0


def build_cases(ctx: DemoContext) -> None:
    """The cases step (after the customers)."""
    Generator(ctx).run()


class Generator:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today = ctx.today
        self.cal = sla.calendar()
        # The build's "now": the morning of the reference date, before anyone acted on it.
        self.now = _seconds(dt.datetime.combine(self.today, dt.time(8, 30), tzinfo=self.cal.tz))
        self.clock = Clock()
        self.counts: dict[str, int] = defaultdict(int)
        self.manager_cache: dict[int, Person | None] = {}

    # ------------------------------------------------------------ reading what exists

    def run(self) -> None:
        _install_defaults()
        self.ctx.progress.stage("Cases", 1)
        self._read()
        self._open_writers()
        self._customer_cases()
        self._showcase()
        self._employee_cases()
        self._onboarding()
        written = [writer.close() for writer in self.writers]
        self.ctx.cases = CaseFacts(
            self.counts["customer_cases"], self.counts["irritant"],
            self.counts["internal_request"], written[2], written[3], written[4], written[1],
            written[5],
        )  # fmt: skip
        reset_sequences([Case, CaseEvent, Commitment, Decision, Escalation, OnboardingProgress])
        self.ctx.progress.advance()

    def _read(self) -> None:
        roles = {role.pk: role for role in Role.objects.all()}
        units = list(Unit.objects.order_by("id").values_list("id", "code", "kind", "path"))
        self.paths = {uid: path for uid, _code, _kind, path in units}
        self.departments = {
            code.removeprefix(f"{HEAD_OFFICE_CODE}-"): uid
            for uid, code, kind, _path in units
            if kind == UnitKind.DEPARTMENT and code.startswith(f"{HEAD_OFFICE_CODE}-")
        }
        self.places = {
            uid: Place(uid, code, path)
            for uid, code, kind, path in units
            if kind in (UnitKind.AGENCY, UnitKind.STORE)
        }
        self.unit_at = {path: uid for uid, path in self.paths.items()}
        self.place_of: dict[int, Place] = {}
        for uid in self.paths:
            place = next((self.places[u] for u in self._up(uid) if u in self.places), None)
            if place is not None:
                self.place_of[uid] = place
        self.people: dict[int, Person] = {}
        self.managers: dict[int, list[Person]] = defaultdict(list)  # by unit id
        rows = Employee.objects.order_by("id").values_list(
            "id", "unit_id", "role_id", "hire_date", "leave_date", "is_manager", "external_id",
            "user__username", "user__is_active",
        )  # fmt: skip
        logins = {spec.key: spec.email for spec in PERSONAS}
        self.frontline: Person | None = None
        self.director: Person | None = None
        for eid, unit_id, role_id, hire, leave, manager, external, username, active in rows:
            person = Person(
                eid, unit_id, roles[role_id], hire.toordinal(),
                leave.toordinal() if leave else 10**9, manager, external,
            )  # fmt: skip
            self.people[eid] = person
            if manager and active:
                self.managers[unit_id].append(person)
            place = self.place_of.get(unit_id)
            if place is not None and person.role.code in DESK_ROLES:
                place.desk.append(person)
            if username == logins["frontline"]:
                self.frontline = person
            elif username == logins["manager"]:
                self.director = person
        customers = Customer.objects.order_by("id").values_list(
            "id", "home_unit_id", "advisor_id", "language"
        )
        for cid, home, advisor, language in customers.iterator(chunk_size=20_000):
            place = self.place_of.get(home) if home else None
            if place is not None:
                place.customers.append((cid, advisor, language))
        self.serving = [p for p in self.places.values() if p.desk and p.customers]
        for place in self.serving:
            place.effect = math.exp(self.rng.gauss(0, 0.35))
        self.policies = {(p.type, p.priority): p.resolution_hours for p in SlaPolicy.objects.all()}
        self.playbooks: dict[int, int] = {
            rank: pk
            for rank, pk in Playbook.objects.filter(language="fr", onboarding_rank__isnull=False)
            .order_by("onboarding_rank")
            .values_list("onboarding_rank", "id")
            if rank is not None
        }

    def _up(self, unit_id: int) -> list[int]:
        """The unit and its ancestors, nearest first."""
        path = self.paths[unit_id]
        step = PATH_SEGMENT_WIDTH + len(PATH_SEPARATOR)
        return [self.unit_at[path[:end]] for end in range(len(path), 0, -step)]

    def _manager_for(self, person: Person) -> Person | None:
        """Whom the person's escalations go to, as `cases.selectors.manager_for` finds them:
        the nearest manager present today up the tree, never themself."""
        if person.id not in self.manager_cache:
            today = self.today.toordinal()
            found = None
            for uid in self._up(person.unit_id):
                if uid == person.unit_id and person.is_manager:
                    continue
                found = next(
                    (
                        m
                        for m in self.managers.get(uid, ())
                        if m.id != person.id and m.active(today)
                    ),
                    None,
                )
                if found is not None:
                    break
            self.manager_cache[person.id] = found
        return self.manager_cache[person.id]

    # ------------------------------------------------------------ writing

    def _open_writers(self) -> None:
        self.ids = {
            model: next_id(model)
            for model in (Case, CaseEvent, Commitment, Decision, Escalation, OnboardingProgress)
        }
        self.w_cases = TableWriter(Case, (
            "id", "external_id", "audience", "type", "subject", "description", "channel",
            "customer_id", "raised_by_id", "unit_id", "owner_id", "priority", "status", "process",
            "related_case_id", "next_step", "opened_at", "due_at", "resolved_at", "closed_at",
            "first_contact_resolution", "reminded_before_due_at", "reminded_at_due_at",
        ))  # fmt: skip
        self.w_events = TableWriter(CaseEvent, (
            "id", "case_id", "external_id", "kind", "at", "actor_id", "from_status", "to_status",
            "note", "data",
        ))  # fmt: skip
        self.w_commitments = TableWriter(Commitment, (
            "id", "case_id", "text", "due_at", "made_by_id", "made_at", "done_at",
            "reminded_before_due_at", "reminded_at_due_at",
        ))  # fmt: skip
        self.w_decisions = TableWriter(Decision, (
            "id", "case_id", "kind", "amount_eur", "label", "decided_by_id", "decided_at",
            "within_latitude", "status",
        ))  # fmt: skip
        self.w_escalations = TableWriter(Escalation, (
            "id", "case_id", "decision_id", "reason", "raised_by_id", "to_id", "raised_at",
            "status", "decided_at", "decided_by_id", "answer",
        ))  # fmt: skip
        self.w_onboarding = TableWriter(
            OnboardingProgress, ("id", "employee_id", "playbook_id", "completed_at")
        )
        self.writers = [
            self.w_cases, self.w_events, self.w_commitments, self.w_decisions, self.w_escalations,
            self.w_onboarding,
        ]  # fmt: skip

    def _id(self, model: type[Any]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _t(self, seconds: int | None) -> str | None:
        return None if seconds is None else self.clock.text(seconds)

    def _event(
        self, case_id: int, what: str, at: int, actor: Person | None, *, note: str = "",
        from_status: str = "", to_status: str = "", **data: Any,
    ) -> None:  # fmt: skip
        self.w_events.add((
            self._id(CaseEvent), case_id, None, what, self._t(at), actor.id if actor else None,
            from_status, to_status, note, json.dumps(data, ensure_ascii=False),
        ))  # fmt: skip

    # ------------------------------------------------------------ business time

    def _add_hours(self, start: int, hours: float) -> int:
        moment = dt.datetime.fromtimestamp(start, tz=dt.UTC)
        return _seconds(sla.add_business_hours(moment, round(hours, 2), cal=self.cal))

    def _business_moment(self, day: dt.date) -> int | None:
        """A moment in the opening hours of `day` (None on a closed day)."""
        periods = self.cal.opening_hours(day)
        if not periods:
            return None
        opens, closes = periods[self.rng.randrange(len(periods))]
        span = _seconds(closes) - _seconds(opens) - 20 * 60
        return _seconds(opens) + int(self.rng.random() * span) // 60 * 60

    def _opening(self, *, within_days: int = HISTORY_DAYS) -> int:
        for _try in range(20):
            day = self.today - dt.timedelta(days=1 + int(self.rng.random() * within_days))
            moment = self._business_moment(day)
            if moment is not None and moment < self.now:
                return moment
        return self.now - DAY

    # ------------------------------------------------------------ customer cases

    def _customer_cases(self) -> None:
        total = int(sum(len(p.customers) for p in self.serving) * CASES_PER_CUSTOMER[
            self.ctx.size
        ])  # fmt: skip
        if not self.serving or not total:
            return
        weights = [len(p.customers) for p in self.serving]
        topic_weights = [t.weight for t in TOPICS]
        for _n in range(total):
            place = self.rng.choices(self.serving, weights)[0]
            opened = self._opening()
            customer = place.customers[int(self.rng.random() * len(place.customers))]
            opener = self._opener(place, customer[1], opened)
            if opener is None:
                continue
            topic = self.rng.choices(TOPICS, topic_weights)[0]
            self._customer_case(place, customer, opener, topic, opened)

    def _opener(self, place: Place, advisor_id: int | None, at: int) -> Person | None:
        day = _day(at)
        advisor = self.people.get(advisor_id) if advisor_id else None
        if advisor is not None and advisor.active(day) and self.rng.random() < 0.5:
            return advisor
        present = [p for p in place.desk if p.active(day)]
        return present[int(self.rng.random() * len(present))] if present else None

    def _customer_case(
        self, place: Place, customer: tuple[int, int | None, str], opener: Person, topic: Topic,
        opened: int, *, fate: str = "",
    ) -> int:  # fmt: skip
        """One customer case and everything that happened to it up to now. `fate` forces a
        showcase outcome: "open" (still being handled), "escalated" (a gesture waiting)."""
        rng = self.rng
        cid, _advisor, language = customer
        english = language == "en"
        band = _band(_day(opened) - opener.hire)
        case_type = rng.choice(topic.types)
        priority = rng.choices([p for p, _w in PRIORITIES], [w for _p, w in PRIORITIES])[0]
        hours = self.policies.get((case_type, priority), 27)
        due = self._add_hours(opened, hours)
        case_id = self._id(Case)
        subject = topic.subject[1] if english else topic.subject[0]
        description = rng.choice(topic.descriptions)[1 if english else 0]
        channel = rng.choice(topic.channels)
        owner: Person | None = opener
        unit_id = opener.unit_id
        status = "new"
        self._event(case_id, "created", opened, opener, to_status="new",
                    owner=opener.external_id, unit=place.code)  # fmt: skip
        t = opened + rng.randint(2, 30) * 60
        detours = False
        escalated = False
        # The resolution time, as a share of the SLA: most well within, a tail beyond it.
        share = rng.lognormvariate(math.log(0.5), 0.6) * SLOW[band]
        forgotten = not fate and rng.random() < FORGOTTEN
        stuck = not fate and not forgotten and rng.random() < STUCK
        unresolved = bool(fate) or forgotten or stuck
        resolution = self.now + 365 * DAY if unresolved else self._add_hours(opened, hours * share)
        if (rng.random() < 0.85 or stuck) and resolution - opened > 3 * HOUR:
            self._event(case_id, "status", t, opener, from_status=status, to_status="in_progress")
            status = "in_progress"
        commitments: list[tuple[int, str, int, int]] = []  # (id, text, made, due)
        text = topic.commitment[1] if english else topic.commitment[0]
        if text and (rng.random() < 0.55 or fate):
            made = t + 60
            promised = self._add_hours(made, rng.choice((4, 9, 18, 27)))
            commitment_id = self._id(Commitment)
            commitments.append((commitment_id, text, made, promised))
            self._event(case_id, "commitment_added", made, opener, note=text,
                        commitment=commitment_id)  # fmt: skip
        # A decision the situation calls for, checked against the opener's latitude.
        if topic.decision is not None and (rng.random() < 0.45 or fate == "escalated"):
            escalated |= self._decision(case_id, topic, opener, t + 120, subject, place, fate)
        if not escalated and rng.random() < ESCALATE[band] * place.effect:
            escalated |= self._escalation(case_id, opener, t + 600, subject, place, None, fate)
        detours |= escalated
        if stuck or (rng.random() < WAIT[band] and not fate):
            waiting = "waiting_customer" if stuck else rng.choice(WAITS)
            moment = self._add_hours(opened, rng.uniform(1, 9) if stuck else hours * share * 0.3)
            if moment < self.now and status != "new":
                self._event(case_id, "status", moment, owner, from_status=status,
                            to_status=waiting)  # fmt: skip
                back = self.now + DAY if stuck else self._add_hours(moment, hours * share * 0.3)
                if back < self.now:
                    self._event(case_id, "status", back, owner, from_status=waiting,
                                to_status="in_progress")  # fmt: skip
                else:
                    status = waiting
                detours = True
        if rng.random() < HANDOFF[band] * place.effect and not fate:
            moment = self._add_hours(opened, hours * share * 0.2)
            if moment < self.now:
                owner, unit_id = self._handoff(case_id, owner, unit_id, topic, moment, place)
                detours = True
        if rng.random() < FRICTION_FROM_CASE:
            self._irritant(opener, opened + 900, related=(case_id, cid))
        # Where it stands now.
        resolved_at = resolution if resolution < self.now else None
        closed_at = None
        fcr = None
        resolver = owner or opener
        if resolved_at is not None:
            self._event(case_id, "status", resolved_at, resolver, from_status=status,
                        to_status="resolved")  # fmt: skip
            status = "resolved"
            fcr = not detours and resolver.id == opener.id
            closing = resolved_at + rng.randint(2, 6) * DAY
            if closing < self.now:
                closed_at = closing
                self._event(case_id, "status", closing, resolver, from_status="resolved",
                            to_status="closed")  # fmt: skip
                status = "closed"
        for commitment_id, text, made, promised in commitments:
            done = None
            if resolved_at is not None:
                done = min(resolved_at, promised + (rng.randint(1, 20) * HOUR if
                                                     rng.random() < 0.1 else -HOUR))  # fmt: skip
                done = max(done, made + 600)
                self._event(case_id, "commitment_done", done, resolver, note=text,
                            commitment=commitment_id)  # fmt: skip
            self.w_commitments.add((
                commitment_id, case_id, text, self._t(promised), opener.id, self._t(made),
                self._t(done), *self._reminded(promised, done),
            ))  # fmt: skip
        next_step = ""
        if resolved_at is None and not forgotten and (rng.random() < 0.7 or fate):
            next_step = topic.next_step
        self.w_cases.add((
            case_id, f"DEMO-{case_id:07d}", "customer", case_type, subject, description, channel,
            cid, opener.id, unit_id, owner.id if owner else None, priority, status, "", None,
            next_step, self._t(opened), self._t(due), self._t(resolved_at), self._t(closed_at),
            fcr, *self._reminded(due, resolved_at),
        ))  # fmt: skip
        self.counts["customer_cases"] += 1
        return case_id

    def _reminded(self, due: int, done: int | None) -> tuple[str | None, str | None]:
        """The reminders already sent (so that the reminder task starts with no backlog)."""
        end = done if done is not None else self.now
        before = due - DAY if due - DAY < end else None
        at_due = due if due < end else None
        return self._t(before), self._t(at_due)

    def _decision(
        self, case_id: int, topic: Topic, actor: Person, at: int, subject: str, place: Place,
        fate: str,
    ) -> bool:  # fmt: skip
        """A decision on the case; True when it went up to a manager."""
        assert topic.decision is not None
        kind, low, high = topic.decision
        role, rng = actor.role, self.rng
        beyond = fate == "escalated" or rng.random() < BEYOND[_band(_day(at) - actor.hire)]
        if kind == "fee_waiver" and not role.may_waive_fees and not beyond:
            kind = "goodwill"  # the same money, as a gesture within latitude
        label = "Report d'échéance" if kind == "named" else ""
        amount = Decimal(0)
        if kind != "named":
            limit = int(role.goodwill_max_eur) if kind == "goodwill" else high
            if beyond:
                amount = Decimal(rng.randint(max(low, limit + 10), max(high, limit + 10) + 60))
            else:
                amount = Decimal(rng.randint(min(low, limit), max(min(high, limit), 1)))
        within = latitude_allows(role=actor.role, kind=kind, amount_eur=amount, label=label)
        if beyond and within:
            kind, label, within = "named", "Dérogation tarifaire sur crédit", False
        decision_id = self._id(Decision)
        what = _describe(kind, amount, label)
        self._event(case_id, "decision", at, actor, note=what, decision=decision_id, kind=kind,
                    amount_eur=str(amount), label=label, within_latitude=within)  # fmt: skip
        status = "done"
        if not within:
            latitude = (f"jusqu'à {actor.role.goodwill_max_eur:.0f} €" if kind == "goodwill"
                        else "décision non déléguée")  # fmt: skip
            reason = (f"{what} : au-delà de la délégation de {actor.role.name} ({latitude})\n"
                      f"Dossier : {subject}")  # fmt: skip
            status = self._escalation(case_id, actor, at, subject, place, (decision_id, reason),
                                      fate, returns_status=True)  # fmt: skip
        self.w_decisions.add((
            decision_id, case_id, kind, amount, label, actor.id, self._t(at), within, status,
        ))  # fmt: skip
        return not within

    def _escalation(
        self, case_id: int, actor: Person, at: int, subject: str, place: Place,
        decision: tuple[int, str] | None, fate: str, *, returns_status: bool = False,
    ) -> Any:  # fmt: skip
        """An escalation to the actor's manager, decided a while later (or still waiting)."""
        to = self._manager_for(actor)
        if to is None:
            return "done" if returns_status else False
        escalation_id = self._id(Escalation)
        reason = decision[1] if decision else self.rng.choice((
            "Le client demande à parler au directeur.",
            "Situation hors procédure : j'ai besoin d'un avis.",
            "Deuxième réclamation en un mois, le client menace de partir.",
        ))  # fmt: skip
        self._event(case_id, "escalated", at, actor, note=reason, escalation=escalation_id,
                    to=to.external_id, decision=decision[0] if decision else None)  # fmt: skip
        decided = at + self.rng.randint(1, 18) * HOUR
        status, answer, decided_at, decided_by = "pending", "", None, None
        if decided < self.now and not fate:
            approve = self.rng.random() < 0.72
            status = "approved" if approve else "refused"
            answer = self.rng.choice(ANSWERS_YES if approve else ANSWERS_NO)
            decided_at, decided_by = decided, to.id
            self._event(case_id, "escalation_decided", decided, to, note=answer,
                        escalation=escalation_id, approved=approve,
                        decision=decision[0] if decision else None)  # fmt: skip
        self.w_escalations.add((
            escalation_id, case_id, decision[0] if decision else None, reason, actor.id, to.id,
            self._t(at), status, self._t(decided_at), decided_by, answer,
        ))  # fmt: skip
        self.counts["escalations"] += 1
        if returns_status:
            return {"pending": "escalated"}.get(status, status)
        return True

    def _handoff(
        self, case_id: int, owner: Person | None, unit_id: int, topic: Topic, at: int,
        place: Place,
    ) -> tuple[Person | None, int]:  # fmt: skip
        """To a head-office department's queue, or to a colleague of the agency."""
        note = self.rng.choice(HANDOFF_NOTES)
        department = self.departments.get(topic.handoff_to)
        day = _day(at)
        colleagues = [p for p in place.desk if p.active(day) and p is not owner]
        if department is not None and (self.rng.random() < 0.6 or not colleagues):
            self._event(case_id, "handoff", at, owner, note=note,
                        from_owner=owner.external_id if owner else None, to_owner=None,
                        to_unit=topic.handoff_to)  # fmt: skip
            return None, department
        if not colleagues:
            return owner, unit_id
        to = colleagues[int(self.rng.random() * len(colleagues))]
        self._event(case_id, "handoff", at, owner, note=note,
                    from_owner=owner.external_id if owner else None, to_owner=to.external_id,
                    to_unit=place.code)  # fmt: skip
        return to, to.unit_id

    # ------------------------------------------------------------ the personas' showcase

    def _showcase(self) -> None:
        """Open cases for the frontline persona, escalations waiting for the director."""
        persona, director = self.frontline, self.director
        if persona is None or persona.unit_id not in self.place_of:
            return
        place = self.place_of[persona.unit_id]
        mine = [c for c in place.customers if c[1] == persona.id] or place.customers
        if not mine:
            return
        for number in range(SHOWCASE_FRONTLINE):
            topic = TOPICS[number % len(TOPICS)]
            customer = mine[(number * 7) % len(mine)]
            # The first is long overdue; the others were opened these last two days.
            opened = self._opening(within_days=2 if number else 40)
            fate = "escalated" if number == 1 else "open"
            self._customer_case(place, customer, persona, topic, opened, fate=fate)
        if director is None:
            return
        staff = [p for p in place.desk if p.active(_day(self.now))]
        reporting = [p for p in staff if self._manager_for(p) is director] or staff
        for number in range(SHOWCASE_ESCALATIONS):
            if not reporting:
                break
            person = reporting[number % len(reporting)]
            topic = next(t for t in TOPICS[number:] + TOPICS if t.decision)
            customer = place.customers[(number * 13) % len(place.customers)]
            opened = self._opening(within_days=3)
            self._customer_case(place, customer, person, topic, opened, fate="escalated")

    # ------------------------------------------------------------ the employees' own cases

    def _employee_cases(self) -> None:
        staff = [p for p in self.people.values() if p.unit_id in self.place_of]
        if not staff:
            return
        volume = self.counts["customer_cases"]
        for _n in range(int(volume * IRRITANTS_PER_CASE)):
            self._irritant(staff[int(self.rng.random() * len(staff))], self._opening())
        if self.frontline is not None:
            for days in (2, 20, 75):
                self._irritant(self.frontline, self._opening(within_days=days))
        for _n in range(int(volume * INTERNAL_PER_CASE)):
            person = staff[int(self.rng.random() * len(staff))]
            subject, _team = self.rng.choice(INTERNAL)
            opened = self._opening()
            self._employee_case(person, opened, "internal_request", subject, "", None)

    def _irritant(
        self, person: Person, opened: int, related: tuple[int, int] | None = None
    ) -> None:
        if not person.active(_day(opened)):
            return
        process = self.rng.choices([p for p, _w in PROCESSES], [w for _p, w in PROCESSES])[0]
        description = self.rng.choice(FRICTIONS)
        case_id = self._employee_case(person, opened, "irritant", process, description, related)
        if related is not None:
            self._event(related[0], "friction", opened, person, note=process,
                        irritant=f"DEMO-{case_id:07d}")  # fmt: skip

    def _employee_case(
        self, person: Person, opened: int, case_type: str, subject: str, description: str,
        related: tuple[int, int] | None,
    ) -> int:  # fmt: skip
        rng = self.rng
        hours = self.policies.get((case_type, "normal"), 90)
        due = self._add_hours(opened, hours)
        case_id = self._id(Case)
        self._event(case_id, "created", opened, person, to_status="new", owner=None,
                    unit=self.place_of[person.unit_id].code)  # fmt: skip
        # Half are taken by the unit's manager; irritants take long, and often too long.
        manager = self._manager_for(person)
        owner = manager if manager is not None and rng.random() < 0.55 else None
        status = "new"
        if owner is not None:
            self._event(case_id, "assigned", opened + 2 * HOUR, manager, owner=owner.external_id)
            self._event(case_id, "status", opened + 3 * HOUR, owner, from_status="new",
                        to_status="in_progress")  # fmt: skip
            status = "in_progress"
        share = rng.lognormvariate(math.log(0.8), 0.6)
        resolved: int | None = self._add_hours(opened, hours * share)
        assert resolved is not None
        if owner is None or resolved >= self.now:
            resolved = None
        if resolved is not None:
            self._event(
                case_id,
                "status",
                resolved,
                owner,
                from_status=status,
                to_status="resolved",
                note="Remonté à l'équipe concernée, correctif prévu.",
            )
            status = "resolved"
        next_step = (
            "Remonter au service concerné" if resolved is None and rng.random() < 0.5 else ""
        )
        self.w_cases.add((
            case_id, f"DEMO-{case_id:07d}", "employee", case_type, subject[:200], description, "",
            related[1] if related else None, person.id, person.unit_id,
            owner.id if owner else None, "normal", status,
            subject[:120] if case_type == "irritant" else "", related[0] if related else None,
            next_step, self._t(opened), self._t(due), self._t(resolved), None,
            (False if resolved is not None else None), *self._reminded(due, resolved),
        ))  # fmt: skip
        self.counts[case_type] += 1
        return case_id

    # ------------------------------------------------------------ onboarding

    def _onboarding(self) -> None:
        """New hires are part-way through the path: about one playbook every few days."""
        if not self.playbooks:
            return
        today = self.today.toordinal()
        ranks = sorted(self.playbooks)
        for person in self.people.values():
            tenure = today - person.hire
            if not (0 <= tenure < 120) or not person.active(today):
                continue
            done = min(len(ranks), tenure // 5 + self.rng.randint(-1, 2))
            for index, rank in enumerate(ranks[: max(done, 0)]):
                day = dt.date.fromordinal(person.hire + 1 + index * 4)
                moment = _seconds(dt.datetime.combine(day, dt.time(17), tzinfo=self.cal.tz))
                self.w_onboarding.add((
                    self._id(OnboardingProgress), person.id, self.playbooks[rank],
                    self._t(min(moment, self.now)),
                ))  # fmt: skip


# ---------------------------------------------------------------- helpers


def _install_defaults() -> None:
    """The shipped playbooks and SLA policies, put back after a flush (idempotent)."""
    for name in ("0002_playbooks", "0003_sla_policies"):
        importlib.import_module(f"symetrie.cases.migrations.{name}").seed(django_apps, None)


def _seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _day(seconds: int) -> int:
    """The day ordinal of an instant (in UTC: close enough for tenure and presence)."""
    return dt.date(1970, 1, 1).toordinal() + seconds // DAY


def _describe(kind: str, amount: Decimal, label: str) -> str:
    if kind == "goodwill":
        return f"Geste commercial de {amount:.0f} €"
    if kind == "fee_waiver":
        return f"Exonération de frais de {amount:.0f} €"
    return label
