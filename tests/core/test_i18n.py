"""French by default, English available, and no untranslated UI string in either language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from symetrie.org.services import employee_create
from tests.conftest import client_for, unavailable

LOCALE = Path(__file__).resolve().parents[2] / "symetrie" / "locale"
PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "fr" / "LC_MESSAGES" / "django.mo"


def _needs_gettext() -> None:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    unavailable("GNU gettext is missing: apt-get install gettext")


def test_every_ui_string_of_the_code_has_a_french_translation(tmp_path, settings, monkeypatch):
    """Extract the strings from the code as it is now: none may lack a French translation.

    makemessages writes into the locale folder beside the sources, so it runs on a copy.
    """
    _needs_gettext()
    copy = tmp_path / "symetrie"
    shutil.copytree(
        LOCALE.parent, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_location=True, verbosity=0)
    extracted = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [
        entry.msgid
        for entry in extracted
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert untranslated == [], "run `make messages` and translate these"


def test_compiled_catalogue_matches_the_po_file():
    po = {
        (e.msgid, e.msgstr) for e in polib.pofile(str(PO)) if e.translated() and not e.msgid_plural
    }
    mo = {(e.msgid, e.msgstr) for e in polib.mofile(str(MO)) if not e.msgid_plural}
    assert po - mo == set(), "run `make messages` to recompile django.mo"


class _Text(HTMLParser):
    """The visible text nodes of a page (scripts and styles excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            # Collapse ASCII whitespace only: the non-breaking space of "12,5 %" must stay.
            self.nodes.append(re.sub(r"[ \t\r\n]+", " ", data).strip())


def _texts(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(parser.nodes)


def _catalogue() -> list[tuple[str, str]]:
    return [
        (e.msgid, e.msgstr)
        for e in polib.pofile(str(PO))
        if e.translated() and not e.msgid_plural and e.msgid != e.msgstr and "%" not in e.msgid
    ]


PAGES = ["/", "/org/", "/org/AG-LIL/", "/org/R-N/children/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_in_french_show_no_english_string(url, manager, regional, frontline):
    response = client_for(regional).get(url)
    assert response.status_code == 200
    texts = _texts(response.content.decode())
    leftovers = sorted({english for english, _fr in _catalogue() if english in texts})
    assert leftovers == []


@pytest.mark.parametrize("url", PAGES)
def test_pages_in_english_show_no_french_string(url, manager, regional, frontline):
    client = client_for(regional)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    texts = _texts(response.content.decode())
    leftovers = sorted({french for _en, french in _catalogue() if french in texts})
    assert leftovers == []


def test_french_is_the_default_and_english_is_one_click_away(db):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Se connecter" not in page


def test_numbers_and_percentages_follow_the_language(org, regional, frontline, manager):
    # Région Nord: 3 present since 2020, 1 departure 30 days ago and no hire in the year:
    # a year ago 4 people, now 3, average 3.5: turnover 1 / 3.5 = 28.6 %.
    employee_create(
        external_id="E-RECENT",
        email="recent@example.fr",
        first_name="Rita",
        last_name="Recent",
        unit=org.lille,
        role=org.advisor,
        hire_date=dt.date(2020, 1, 6),
        leave_date=timezone.localdate() - dt.timedelta(days=30),
    )
    fr = _texts(client_for(regional).get("/org/R-N/").content.decode())
    client = client_for(regional)
    client.cookies["django_language"] = "en"
    en = _texts(client.get("/org/R-N/").content.decode())
    assert "28,6\u00a0%" in fr
    assert "28.6%" in en
    assert {"Rotation sur 12 mois", "Départs sur 12 mois"} <= fr
    assert {"Turnover, last 12 months", "Departures, last 12 months"} <= en
