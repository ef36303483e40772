"""The anonymous answer tables have no path to a person: walk the model graph from them."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from symetrie.customers.models import Customer
from symetrie.listening.models import Answer, Invitation, Response
from symetrie.org.models import Employee

PEOPLE = {Employee, Customer, Invitation, get_user_model()}
# Anything that says when, precisely, or from where: an answer keeps only its day and round.
TRACES = (models.DateTimeField, models.GenericIPAddressField)


def reachable_from(model: type[models.Model]) -> set[type[models.Model]]:
    """Every model reachable by following forward relations (FK, one-to-one, many-to-many)."""
    seen: set[type[models.Model]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for field in current._meta.get_fields():
            forward = field.concrete or (field.many_to_many and not field.auto_created)
            if field.is_relation and forward and field.related_model is not None:
                todo.append(field.related_model)  # type: ignore[arg-type]
    return seen


def test_no_forward_path_leads_from_an_answer_to_a_person() -> None:
    for model in (Response, Answer):
        assert reachable_from(model) & PEOPLE == set(), model


def test_answers_keep_no_precise_time_no_address_and_random_ids() -> None:
    for model in (Response, Answer):
        fields = model._meta.concrete_fields
        assert [f.name for f in fields if isinstance(f, TRACES)] == []
        assert [f.name for f in fields if "agent" in f.name or f.name.endswith("_ip")] == []
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.pk.default.__name__ == "uuid4"


def test_only_the_kept_apart_links_point_at_answers_from_people() -> None:
    # Which models hold both a person and a response: exactly the two links kept apart.
    holders = set()
    for model in apps.get_models():
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if Response in targets and targets & PEOPLE:
            holders.add(model.__name__)
    assert holders == {"CustomerLink", "ConfidentialLink"}
