"""The API root: Django Ninja, with each app's router; schema at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from symetrie.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN`: a personal access token acts with its owner's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Symétrie API",
    version="1",
    description=(
        "Personal access tokens (`symetrie token create USER`) are sent as "
        "`Authorization: Bearer TOKEN` and act with their owner's scope. Bulk endpoints follow "
        "the import contract: valid records are kept, each rejected one is named with its field "
        "and reason, and a re-run of the same records changes nothing."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Name the record and the field of every error, not only a JSON pointer."""
    errors = [_named_error(error) for error in exc.errors]
    return api.create_response(request, {"detail": "invalid request", "errors": errors}, status=422)


# The first part of a Ninja error location says where the value came from, not what it is.
_SOURCES = {"body", "payload", "query", "path", "header", "cookie", "form", "file"}


def _named_error(error: dict[str, Any]) -> dict[str, Any]:
    """`("body", "records", 3, "kind")` → record 3, field "kind"; `("query", "limit")` → field
    "limit". Within a record, the field is what follows the record's position, if anything."""
    location = list(error.get("loc", ()))
    if location and location[0] in _SOURCES:
        location = location[1:]
    position = next((i for i, part in enumerate(location) if isinstance(part, int)), None)
    if position is None:
        record, fields = None, location
    else:
        record, fields = location[position], location[position + 1 :]
    return {
        "record": record,
        "field": ".".join(str(part) for part in fields) or None,
        "message": error.get("msg", "invalid"),
    }


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "authentication required: send 'Authorization: Bearer TOKEN'"},
        status=401,
    )


def _mount() -> None:
    from symetrie.cases.api import router as cases_router
    from symetrie.customers.api import router as customers_router
    from symetrie.listening.api import router as listening_router
    from symetrie.org.api import router as org_router

    api.add_router("/", org_router)
    api.add_router("/", customers_router)
    api.add_router("/", cases_router)
    api.add_router("/", listening_router)


_mount()
