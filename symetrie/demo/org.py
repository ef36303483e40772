"""The demo's org part: a French retail bank network, its roles and its people.

Planning is pure (no database): `plan_org` turns a random generator, a size and a reference
date into unit, role and employee records; `build_org` writes them with the org app's bulk
services, a few queries per thousand rows.

People are generated post by post (a post: a unit, a role, managing it or not). Each post's
history over the last two years is simulated: whoever held it then may have left (a yearly
hazard of 10 %, 30 % in the first year of tenure: 11 to 14 % of the staff leave each year),
and a replacement is hired a few weeks after the departure. This gives the network a
realistic turnover, leavers with their leave dates, and a fair share of recent hires, whose
escalations later steps measure.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from symetrie.core.importing import BatchResult, Line
from symetrie.demo.names import (
    COMPASS,
    FIRST_NAMES,
    LAST_NAMES,
    REGIONS,
    STREETS,
    TOWNS,
    Region,
    Town,
    ascii_slug,
)
from symetrie.org.models import UnitKind
from symetrie.org.services import (
    EmployeeRecord,
    RoleRecord,
    UnitRecord,
    employee_upsert_many,
    role_upsert_many,
    unit_upsert_many,
)

if TYPE_CHECKING:
    from symetrie.demo.builder import DemoContext

COMPANY_CODE = "HEX"
COMPANY_NAME = "Banque Hexagone"
EMAIL_DOMAIN = "demo.symetrie.fr"
HEAD_OFFICE_CODE = "SIEGE"

# The agency the frontline and manager personas work in: always built, always a large one
# with teams, so that those personas see colleagues and a real unit.
PERSONA_REGION = "ARA"
PERSONA_TOWN = "Lyon"

WRITE_BATCH = 1000

T = TypeVar("T")


# ---------------------------------------------------------------- roles and latitude


class R:
    """Role codes."""

    CEO = "directeur_general"
    CX_LEAD = "responsable_cx"
    EX_LEAD = "responsable_ex"
    HQ_DIRECTOR = "directeur_departement"
    HQ_STAFF = "charge_mission"
    HR_OFFICER = "charge_rh"
    REMOTE_ADVISOR = "conseiller_distance"
    REGIONAL_DIRECTOR = "directeur_regional"
    AREA_DIRECTOR = "directeur_secteur"
    SALES_COORDINATOR = "animateur_commercial"
    AGENCY_DIRECTOR = "directeur_agence"
    TEAM_LEAD = "responsable_equipe"
    PRO_ADVISOR = "conseiller_pro"
    ADVISOR = "conseiller_clientele"
    RECEPTION = "charge_accueil"


def _role(
    code: str,
    name: str,
    goodwill: int,
    *decisions: str,
    fees: bool = False,
    org_wide: bool = False,
) -> RoleRecord:
    return RoleRecord(
        code=code,
        name=name,
        is_org_wide=org_wide,
        goodwill_max_eur=Decimal(goodwill).quantize(Decimal("0.01")),
        may_waive_fees=fees,
        decisions=decisions,
    )


# Latitude grows with the role, as in a real delegation grid: what each one may decide alone.
ROLES: tuple[RoleRecord, ...] = (
    _role(R.CEO, "Directeur général", 5000, "Dérogation tarifaire", "Remise commerciale "
          "exceptionnelle", fees=True, org_wide=True),
    _role(R.CX_LEAD, "Responsable expérience client", 500, "Geste commercial sur réclamation",
          "Remboursement de frais contestés", fees=True, org_wide=True),
    _role(R.EX_LEAD, "Responsable expérience collaborateur et RH", 0, org_wide=True),
    _role(R.HQ_DIRECTOR, "Directeur de département", 0),
    _role(R.HQ_STAFF, "Chargé de mission", 0),
    _role(R.HR_OFFICER, "Chargé de ressources humaines", 0),
    _role(R.REMOTE_ADVISOR, "Conseiller à distance", 50, "Report d'échéance",
          "Relèvement temporaire du plafond de carte"),
    _role(R.REGIONAL_DIRECTOR, "Directeur régional", 1000, "Report d'échéance",
          "Découvert autorisé jusqu'à 10 000 €", "Dérogation tarifaire sur crédit", fees=True),
    _role(R.AREA_DIRECTOR, "Directeur de secteur", 600, "Report d'échéance",
          "Découvert autorisé jusqu'à 5 000 €", "Dérogation tarifaire sur crédit", fees=True),
    _role(R.SALES_COORDINATOR, "Animateur commercial", 0),
    _role(R.AGENCY_DIRECTOR, "Directeur d'agence", 300, "Report d'échéance",
          "Découvert autorisé jusqu'à 3 000 €", "Dérogation sur frais de dossier", fees=True),
    _role(R.TEAM_LEAD, "Responsable d'équipe", 150, "Report d'échéance",
          "Relèvement temporaire du plafond de carte", fees=True),
    _role(R.PRO_ADVISOR, "Conseiller professionnels", 150, "Report d'échéance",
          "Facilité de caisse jusqu'à 5 000 €", fees=True),
    _role(R.ADVISOR, "Conseiller clientèle", 50, "Report d'échéance",
          "Relèvement temporaire du plafond de carte", "Découvert autorisé jusqu'à 500 €"),
    _role(R.RECEPTION, "Chargé d'accueil", 20, "Commande de carte de remplacement",
          "Remise de chéquier en urgence"),
)  # fmt: skip

# The head office's departments: (code, name, head's role, staff's role, staff at scale 1).
# The CX lead, the EX/HR lead and the executive head their departments.
DEPARTMENTS: tuple[tuple[str, str, str, str, int], ...] = (
    ("DG", "Direction générale", R.CEO, R.HQ_STAFF, 2),
    ("CX", "Expérience client", R.CX_LEAD, R.HQ_STAFF, 3),
    ("RH", "Ressources humaines", R.EX_LEAD, R.HR_OFFICER, 4),
    ("FIN", "Finance et contrôle de gestion", R.HQ_DIRECTOR, R.HQ_STAFF, 3),
    ("RISQ", "Risques et conformité", R.HQ_DIRECTOR, R.HQ_STAFF, 3),
    ("MKT", "Marketing et offres", R.HQ_DIRECTOR, R.HQ_STAFF, 3),
    ("DSI", "Systèmes d'information", R.HQ_DIRECTOR, R.HQ_STAFF, 4),
    ("CRC", "Centre de relation client", R.HQ_DIRECTOR, R.REMOTE_ADVISOR, 16),
)


# ---------------------------------------------------------------- sizes


@dataclass(frozen=True)
class NetworkSize:
    regions: int
    agencies: int
    # 0: agencies hang directly under their region; else grouped into areas (secteurs) of
    # about this many, as a regional director cannot manage fifty agencies directly.
    agencies_per_area: int
    head_office_scale: int


NETWORK_SIZES: dict[str, NetworkSize] = {
    # "tiny" (for tests) is the small network with fewer customers.
    "tiny": NetworkSize(regions=7, agencies=60, agencies_per_area=0, head_office_scale=1),
    "small": NetworkSize(regions=7, agencies=60, agencies_per_area=0, head_office_scale=1),
    "large": NetworkSize(regions=12, agencies=600, agencies_per_area=8, head_office_scale=5),
}

# Share of agencies by size class: small ones have no teams.
AGENCY_CLASSES: tuple[tuple[str, float], ...] = (("small", 0.25), ("medium", 0.5), ("large", 0.25))


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Post:
    """A position in the org: whoever holds it works in `unit` with `role`."""

    unit_code: str
    role_code: str
    is_manager: bool = False


@dataclass
class OrgFacts:
    """What later steps need to know about the generated org."""

    company_code: str
    head_office_code: str
    persona_region_code: str
    persona_agency_code: str
    region_codes: list[str] = field(default_factory=list)
    agency_codes: list[str] = field(default_factory=list)
    units: int = 0
    employees: int = 0
    active_employees: int = 0
    leavers: int = 0


@dataclass
class OrgPlan:
    units: list[UnitRecord]
    roles: tuple[RoleRecord, ...]
    employees: list[EmployeeRecord]
    facts: OrgFacts


def plan_org(rng: random.Random, *, size: str, today: dt.date) -> OrgPlan:
    """The whole org as records, from the generator alone (no database)."""
    spec = NETWORK_SIZES[size]
    tree = _TreeBuilder()
    posts: list[Post] = []
    tree.add(COMPANY_CODE, COMPANY_NAME, UnitKind.COMPANY, "")
    tree.add(HEAD_OFFICE_CODE, "Siège", UnitKind.DEPARTMENT, COMPANY_CODE)
    for code, name, head_role, staff_role, staff in DEPARTMENTS:
        unit_code = tree.add(
            f"{HEAD_OFFICE_CODE}-{code}", name, UnitKind.DEPARTMENT, HEAD_OFFICE_CODE
        )
        posts.append(Post(unit_code, head_role, is_manager=True))
        posts.extend(Post(unit_code, staff_role) for _ in range(staff * spec.head_office_scale))

    regions = list(REGIONS[: spec.regions])
    facts = OrgFacts(COMPANY_CODE, HEAD_OFFICE_CODE, f"R-{PERSONA_REGION}", "")
    deck = _ClassDeck(rng, spec.agencies)
    area_names = _AreaNames()
    for region, towns in _allocate_agencies(rng, regions, spec.agencies):
        region_code = tree.add(
            f"R-{region.code}", f"Région {region.name}", UnitKind.REGION, COMPANY_CODE
        )
        facts.region_codes.append(region_code)
        posts.append(Post(region_code, R.REGIONAL_DIRECTOR, is_manager=True))
        posts.extend(Post(region_code, R.SALES_COORDINATOR) for _ in range(rng.randint(1, 2)))
        agencies = [
            (town, name) for town, count in towns for name in _agency_names(rng, town, count)
        ]
        groups = _chunks(agencies, spec.agencies_per_area) if spec.agencies_per_area else [agencies]
        for number, group in enumerate(groups, start=1):
            parent = region_code
            if spec.agencies_per_area:
                parent = tree.add(
                    f"S-{region.code}-{number:02d}",
                    area_names.name_for(*group[0]),
                    UnitKind.AREA,
                    region_code,
                )
                posts.append(Post(parent, R.AREA_DIRECTOR, is_manager=True))
            for town, name in group:
                is_persona = not facts.persona_agency_code and (
                    region.code == PERSONA_REGION and town.name == PERSONA_TOWN
                )
                agency_class = deck.deal(wanted="large" if is_persona else "")
                agency_code = _add_agency(tree, posts, rng, name, parent, agency_class)
                facts.agency_codes.append(agency_code)
                if is_persona:
                    facts.persona_agency_code = agency_code
    if facts.persona_region_code not in facts.region_codes or not facts.persona_agency_code:
        raise ValueError(f"the {size} network has no {PERSONA_TOWN} agency for the personas")

    employees = _staff(rng, posts, today)
    facts.units = len(tree.units)
    facts.employees = len(employees)
    facts.leavers = sum(1 for e in employees if e.leave_date is not None)
    facts.active_employees = facts.employees - facts.leavers
    return OrgPlan(tree.units, ROLES, employees, facts)


class _TreeBuilder:
    """Units in depth-first order (parents first), with unique codes."""

    def __init__(self) -> None:
        self.units: list[UnitRecord] = []
        self._codes: set[str] = set()

    def add(self, code: str, name: str, kind: str, parent_code: str, *, width: int = 32) -> str:
        """Add a unit; a code already taken gets a number: AG-NICE-PORT, AG-NICE-PORT-2."""
        unique = code
        for n in itertools.count(2):
            if unique not in self._codes:
                break
            suffix = f"-{n}"
            unique = code[: width - len(suffix)] + suffix
        self._codes.add(unique)
        self.units.append(UnitRecord(unique, name, kind, parent_code))
        return unique


def _allocate_agencies(
    rng: random.Random, regions: Sequence[Region], total: int
) -> list[tuple[Region, list[tuple[Town, int]]]]:
    """How many agencies each region and each town gets, in proportion to population.

    Weights grow slower than populations (a power below one), so that Paris gets more
    agencies than Melun but not fifty times more. Towns take agencies by highest averages
    (D'Hondt), their weights jittered by the generator so that each seed draws its own map.
    """
    towns_of = {r.code: [t for t in TOWNS if t.region == r.code] for r in regions}
    weights = [sum(_town_weight(t) for t in towns_of[r.code]) for r in regions]
    per_region = _largest_remainder(weights, total)
    result = []
    for region, count in zip(regions, per_region, strict=True):
        towns = towns_of[region.code]
        jittered = [_town_weight(t) * rng.uniform(0.8, 1.25) for t in towns]
        counts = [0] * len(towns)
        counts[0] = 1  # the region's largest town (the personas' agency is Lyon's first)
        for _ in range(count - 1):
            best = max(range(len(towns)), key=lambda i: jittered[i] / (1 + counts[i]))
            counts[best] += 1
        result.append((region, [(t, c) for t, c in zip(towns, counts, strict=True) if c]))
    return result


def _town_weight(town: Town) -> float:
    return math.pow(town.population_k, 0.7)


def _largest_remainder(weights: Sequence[float], total: int) -> list[int]:
    """Split `total` in proportion to `weights`, in whole numbers that add up to `total`."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [max(1, math.floor(x)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in itertools.islice(itertools.cycle(by_remainder), max(0, total - sum(counts))):
        counts[i] += 1
    return counts


def _agency_names(rng: random.Random, town: Town, count: int) -> list[str]:
    """Short names of a town's agencies: "Lyon Part-Dieu", "Annecy", "Annecy Gare"..."""
    if count == 1 and not town.districts:
        return [town.name]
    streets = list(STREETS)
    rng.shuffle(streets)
    places = list(town.districts) + ([] if town.districts else ["Centre"]) + streets
    places += COMPASS
    unique_places = list(dict.fromkeys(places))
    names = [f"{town.name} {place}" for place in unique_places[:count]]
    names += [f"{town.name} {n}" for n in range(len(names) + 1, count + 1)]
    return names


class _AreaNames:
    """An area is named after its first agency's town ("Secteur Grenoble"), or its quarter
    in a city of named quarters ("Secteur Paris Opéra"); repeats are numbered."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def name_for(self, town: Town, agency_short_name: str) -> str:
        name = f"Secteur {agency_short_name if town.districts else town.name}"
        self._seen[name] += 1
        return name if self._seen[name] == 1 else f"{name} {self._seen[name]}"


def _chunks(items: list[tuple[Town, str]], size: int) -> list[list[tuple[Town, str]]]:
    """Consecutive groups of about `size` (neighbouring agencies share an area), evenly
    sized rather than full groups and a small remainder: 19 by 8 → 6 + 6 + 7."""
    groups = max(1, round(len(items) / size))
    bounds = [i * len(items) // groups for i in range(groups + 1)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(groups)]


class _ClassDeck:
    """Agency size classes dealt from a shuffled deck holding each class's exact share, so
    that every seed gives a network of the same make-up (and about the same headcount)."""

    def __init__(self, rng: random.Random, agencies: int) -> None:
        counts = _largest_remainder([share for _name, share in AGENCY_CLASSES], agencies)
        self._deck = [name for (name, _s), n in zip(AGENCY_CLASSES, counts, strict=True)
                      for _ in range(n)]  # fmt: skip
        rng.shuffle(self._deck)

    def deal(self, *, wanted: str = "") -> str:
        """The next class; `wanted` takes the next card of that class instead."""
        index = self._deck.index(wanted) if wanted else len(self._deck) - 1
        return self._deck.pop(index)


# Agency codes leave room for a team suffix ("-ACC") within the 32 characters of a code.
AGENCY_CODE_WIDTH = 28


def _agency_code(short_name: str) -> str:
    """`Saint-Étienne Jean Jaurès` → `AG-ST-ETIENNE-JEAN-JAURES`, cut between words if long."""
    words = [
        "ST" if w == "SAINT" else "STE" if w == "SAINTE" else w
        for w in ascii_slug(short_name).upper().split("-")
    ]
    code = "AG"
    for word in words:
        if len(code) + 1 + len(word) > AGENCY_CODE_WIDTH:
            break
        code += "-" + word
    return code


def _add_agency(
    tree: _TreeBuilder,
    posts: list[Post],
    rng: random.Random,
    short_name: str,
    parent_code: str,
    agency_class: str,
) -> str:
    """An agency, its teams if it is large enough, and its posts."""
    code = tree.add(
        _agency_code(short_name),
        f"Agence {short_name}",
        UnitKind.AGENCY,
        parent_code,
        width=AGENCY_CODE_WIDTH,
    )
    posts.append(Post(code, R.AGENCY_DIRECTOR, is_manager=True))
    if agency_class == "small":
        # A small agency: everyone works directly with the director.
        posts.extend(Post(code, R.RECEPTION) for _ in range(rng.randint(1, 2)))
        posts.extend(Post(code, R.ADVISOR) for _ in range(rng.randint(2, 3)))
        posts.extend(Post(code, R.PRO_ADVISOR) for _ in range(rng.randint(0, 1)))
        return code
    large = agency_class == "large"
    teams = [
        ("ACC", "Accueil", R.RECEPTION, rng.randint(2, 3) if large else rng.randint(1, 2)),
        (
            "PAR",
            "Conseil particuliers",
            R.ADVISOR,
            rng.randint(6, 8) if large else rng.randint(3, 4),
        ),
    ]
    if large or rng.random() < 0.5:
        teams.append(
            (
                "PRO",
                "Professionnels",
                R.PRO_ADVISOR,
                rng.randint(2, 4) if large else 2,
            )
        )
    else:
        posts.append(Post(code, R.PRO_ADVISOR))
    for suffix, label, role, staff in teams:
        team = tree.add(f"{code}-{suffix}", f"{label} · {short_name}", UnitKind.TEAM, code)
        posts.append(Post(team, R.TEAM_LEAD, is_manager=True))
        posts.extend(Post(team, role) for _ in range(staff))
    return code


# ---------------------------------------------------------------- people

DAYS_PER_YEAR = 365
HISTORY_DAYS = 2 * DAYS_PER_YEAR  # how far back departures are simulated
# Yearly hazard of leaving: higher in the first year (a bad fit, a better offer elsewhere).
HAZARD_FIRST_YEAR = 0.30
HAZARD_LATER = 0.10
# Tenure today of a post's first known holder had they stayed: (share, min years, max years).
# Short tenures stand for new positions; 2–15 years is the bulk; some have stayed 25 years.
TENURE_MIX: tuple[tuple[float, float, float], ...] = (
    (0.07, 0.0, 1.0),
    (0.07, 1.0, 2.0),
    (0.53, 2.0, 15.0),
    (0.22, 15.0, 25.0),
    (0.11, 25.0, 38.0),
)
MANAGER_MIN_YEARS = 3.0


@dataclass(frozen=True)
class Stint:
    hire_date: dt.date
    leave_date: dt.date | None


def post_history(rng: random.Random, today: dt.date, *, is_manager: bool) -> list[Stint]:
    """Who held a post over the last two years, oldest first; the last one may still hold it.

    A post left vacant by a recent departure (the replacement not hired yet) ends with a
    leaver; a manager's post never does, so that every unit has its one manager.
    """
    years = _draw_tenure_years(rng)
    if is_manager and years < MANAGER_MIN_YEARS:
        years = rng.uniform(MANAGER_MIN_YEARS, 20.0)
    hire = _previous_monday(today - dt.timedelta(days=round(years * DAYS_PER_YEAR)))
    watch_from = max(hire, today - dt.timedelta(days=HISTORY_DAYS))
    stints: list[Stint] = []
    while True:
        leave = _leave_date(rng, hire, watch_from)
        if leave is None or leave >= today:
            stints.append(Stint(hire, None))
            return stints
        stints.append(Stint(hire, leave))
        waited = (today - leave).days
        gap = rng.randint(7, 90)
        if gap > waited:
            if not is_manager:
                return stints
            gap = rng.randint(1, waited)  # an interim appointment
        hire = _next_monday(leave + dt.timedelta(days=gap), today)
        watch_from = hire


def _draw_tenure_years(rng: random.Random) -> float:
    shares = [share for share, _low, _high in TENURE_MIX]
    _share, low, high = rng.choices(TENURE_MIX, weights=shares)[0]
    return rng.uniform(low, high)


def _leave_date(rng: random.Random, hire: dt.date, watch_from: dt.date) -> dt.date | None:
    """When the holder leaves, watched from `watch_from`; None if not within the history."""
    start = watch_from
    first_year_end = hire + dt.timedelta(days=DAYS_PER_YEAR)
    if start < first_year_end:
        days = rng.expovariate(HAZARD_FIRST_YEAR) * DAYS_PER_YEAR
        leave = start + dt.timedelta(days=max(1, math.ceil(days)))
        if leave < first_year_end:
            return leave
        start = first_year_end
    days = rng.expovariate(HAZARD_LATER) * DAYS_PER_YEAR
    return start + dt.timedelta(days=max(1, math.ceil(days)))


def _previous_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _next_monday(day: dt.date, today: dt.date) -> dt.date:
    """People start on Mondays, except when the next Monday is still to come."""
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7)
    return monday if monday <= today else day


@dataclass(frozen=True)
class _Person:
    first_name: str
    last_name: str
    post: Post
    stint: Stint


def _staff(rng: random.Random, posts: Sequence[Post], today: dt.date) -> list[EmployeeRecord]:
    """Employees for every post, with staff numbers and e-mails given in order of hiring."""
    last_name_weights = list(
        itertools.accumulate(1 / (rank + 20) for rank in range(len(LAST_NAMES)))
    )
    people: list[_Person] = []
    for post in posts:
        for stint in post_history(rng, today, is_manager=post.is_manager):
            first = rng.choice(FIRST_NAMES)
            last = rng.choices(LAST_NAMES, cum_weights=last_name_weights)[0]
            people.append(_Person(first, last, post, stint))
    # Staff numbers grow with hiring, like a real HR system's; so do homonyms' e-mails:
    # the first Camille Martin hired is camille.martin@, the next camille.martin2@.
    people.sort(key=lambda p: p.stint.hire_date)
    seen: Counter[str] = Counter()
    records = []
    for number, person in enumerate(people, start=1):
        local = f"{ascii_slug(person.first_name)}.{ascii_slug(person.last_name)}"
        seen[local] += 1
        suffix = str(seen[local]) if seen[local] > 1 else ""
        records.append(
            EmployeeRecord(
                external_id=f"M{100000 + number}",
                email=f"{local}{suffix}@{EMAIL_DOMAIN}",
                first_name=person.first_name,
                last_name=person.last_name,
                unit_code=person.post.unit_code,
                role_code=person.post.role_code,
                hire_date=person.stint.hire_date,
                leave_date=person.stint.leave_date,
                is_manager=person.post.is_manager,
            )
        )
    return records


# ---------------------------------------------------------------- writing


def build_org(ctx: DemoContext) -> None:
    """The org step: plan the org, then write it with the org app's bulk services."""
    plan = plan_org(ctx.rng, size=ctx.size, today=ctx.today)
    ctx.progress.stage("Units", len(plan.units))
    _check(unit_upsert_many(_lines(plan.units)), "units")
    ctx.progress.advance(len(plan.units))
    ctx.progress.stage("Roles", len(plan.roles))
    _check(role_upsert_many(_lines(plan.roles)), "roles")
    ctx.progress.advance(len(plan.roles))
    ctx.progress.stage("Employees", len(plan.employees))
    for start in range(0, len(plan.employees), WRITE_BATCH):
        batch = plan.employees[start : start + WRITE_BATCH]
        _check(employee_upsert_many(_lines(batch, first=start + 1), today=ctx.today), "employees")
        ctx.progress.advance(len(batch))
    ctx.org = plan.facts


def _lines(records: Sequence[T], first: int = 1) -> list[Line[T]]:
    return [Line(number, record, {}) for number, record in enumerate(records, start=first)]


def _check(result: BatchResult, what: str) -> None:
    # The generator writes into an empty database: a reject is a bug in the generator.
    if result.counts.rejected:
        reject = result.rejects[0]
        raise RuntimeError(
            f"the demo generator produced invalid {what}: line {reject.line}, "
            f"{reject.field}: {reject.reason}"
        )
