"""The kinds of data that can be imported; each app declares its own in `<app>/imports.py`."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import autodiscover_modules

from symetrie.core.importing.contract import ImportKind

_KINDS: dict[str, type[ImportKind[Any]]] = {}
_discovered = False


def register(kind: type[ImportKind[Any]]) -> type[ImportKind[Any]]:
    """Class decorator: make a kind available to `symetrie import` and the bulk API."""
    _KINDS[kind.name] = kind
    return kind


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True


def get_kind(name: str) -> ImportKind[Any]:
    _discover()
    try:
        return _KINDS[name]()
    except KeyError:
        raise LookupError(name) from None


def kind_names() -> list[str]:
    _discover()
    return sorted(_KINDS)
