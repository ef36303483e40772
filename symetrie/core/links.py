"""The app's fixed URLs, reversed once: the navigation names about ten on every page, and
`reverse` costs ~20 µs each (its resolver matches the name and quotes the result anew)."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str) -> str:
    """`reverse(name)` for a URL without arguments, remembered per URLconf and script prefix
    (a request may bring its own URLconf; a test may switch it)."""
    return _reverse(name, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=512)
def _reverse(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
