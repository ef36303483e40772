"""Who may see which customer: the rule as a filter (`CustomerRule.q`, for lists, the API and
exports) and the same rule applied to one customer read by key (`CustomerRule.admits`, for the
screen and the search) must agree for every persona and every customer."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from symetrie.customers import selectors
from symetrie.customers.models import Customer
from symetrie.customers.services import customer_create, identity_add
from symetrie.org.models import Employee, Unit
from tests.conftest import Org


@pytest.fixture
def everywhere(org: Org, frontline: Employee, teammate: Employee) -> dict[str, Customer]:
    """A customer in every unit of the org, one with no home unit, and two whose advisor
    serves elsewhere; each with a loyalty card `card-<name>`."""
    units: dict[str, Unit | None] = {
        "hq": org.hq, "siege": org.siege, "north": org.north, "lille": org.lille,
        "lille_team": org.lille_team, "rouen": org.rouen, "south": org.south,
        "marseille": org.marseille, "nowhere": None,
    }  # fmt: skip
    made = {
        name: customer_create(
            external_id=f"C-{name}", first_name="Cli", last_name=name, home_unit=unit
        )
        for name, unit in units.items()
    }
    made["advised_by_felix"] = customer_create(
        external_id="C-ADV-F",
        first_name="F",
        last_name="Advised",
        home_unit=org.marseille,
        advisor=frontline,
    )
    made["advised_by_theo"] = customer_create(
        external_id="C-ADV-T", first_name="T", last_name="Advised", home_unit=None, advisor=teammate
    )
    for number, customer in enumerate(made.values()):
        identity_add(customer=customer, type="loyalty_card", value=f"9900{number:08d}")
    return made


def _users(request: pytest.FixtureRequest) -> dict[str, object]:
    users: dict[str, object] = {
        name: request.getfixturevalue(name).user
        for name in ("frontline", "teammate", "manager", "regional", "lead", "stranger", "departed")
    }
    users["outsider"] = request.getfixturevalue("outsider")
    users["superuser"] = get_user_model().objects.create_superuser("root@example.fr", "r@x.fr", "x")
    return users


def _fresh(user: object) -> object:
    """The user as a new request sees it (nothing cached on it)."""
    return get_user_model().objects.get(pk=user.pk)  # type: ignore[attr-defined]


def _listed(user: object) -> set[int]:
    """The customers the rule's filter lets this user list."""
    q = selectors.customer_scope_q(_fresh(user))
    return set() if q is None else set(Customer.objects.filter(q).values_list("pk", flat=True))


def test_the_screen_and_the_list_apply_the_same_rule(request, everywhere) -> None:
    for name, user in _users(request).items():
        listed = _listed(user)
        opened = set()
        for customer in everywhere.values():
            try:
                selectors.customer_get_visible_to(user=_fresh(user), pk=customer.pk)
            except Http404:
                continue
            opened.add(customer.pk)
        assert opened == listed, name


def test_what_each_persona_sees(request, everywhere) -> None:
    users = _users(request)
    pk_names = {customer.pk: name for name, customer in everywhere.items()}

    def seen(name: str) -> set[str]:
        return {pk_names[pk] for pk in _listed(users[name])}

    assert seen("frontline") == {"lille", "lille_team", "advised_by_felix"}
    # In a team under the agency: the agency's customers, and those Théo advises.
    assert seen("teammate") == {"lille", "lille_team", "advised_by_theo"}
    assert seen("manager") == {"lille", "lille_team"}
    assert seen("regional") == {"north", "lille", "lille_team", "rouen"}
    assert seen("lead") == seen("superuser") == set(everywhere)
    # Marseille's customers, the one Félix advises among them.
    assert seen("stranger") == {"marseille", "advised_by_felix"}
    assert seen("departed") == seen("outsider") == set()


def test_the_search_finds_only_what_the_rule_admits(request, everywhere) -> None:
    for name, user in _users(request).items():
        listed = _listed(user)
        found = set()
        for number in range(len(everywhere)):
            hits = selectors.customer_search_visible_to(
                user=_fresh(user), query=f"9900 {number:08d}"
            )
            assert all(hit.matched == "identity" for hit in hits)
            found |= {hit.customer.pk for hit in hits}
        assert found == listed, name
