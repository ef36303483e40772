"""Fixed URLs reversed once, and again when the script prefix or the URLconf changes."""

from __future__ import annotations

from django.urls import clear_script_prefix, path, reverse, set_script_prefix, set_urlconf

from symetrie.core.links import fixed_url


def test_a_fixed_url_is_what_reverse_gives():
    for name in ("core:home", "frontline:workspace", "cases:mine", "admin:index"):
        assert fixed_url(name) == reverse(name)


def test_served_under_a_prefix_the_url_follows_it():
    assert fixed_url("frontline:campaigns") == "/campaigns/"
    set_script_prefix("/symetrie/")
    try:
        assert fixed_url("frontline:campaigns") == "/symetrie/campaigns/"
    finally:
        clear_script_prefix()
    assert fixed_url("frontline:campaigns") == "/campaigns/"


def test_a_request_with_its_own_urlconf_gets_its_urls():
    set_urlconf("tests.core.test_links")
    try:
        assert fixed_url("only-here") == "/elsewhere/"
    finally:
        set_urlconf(None)


def _view(request):  # pragma: no cover (only reversed)
    raise AssertionError


urlpatterns = [path("elsewhere/", _view, name="only-here")]
