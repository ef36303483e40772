"""The customer's screen in Jinja2: its environment, and how a view renders it whole or in parts.

The screen is the frontline's hot path (every customer served opens it). Django's template
engine resolved each of its ~1 000 variables, tags and filters through layers of lookups:
4.2 ms of CPU per screen, half of the view; compiled to Python by Jinja2, the same page costs
a fraction (bench/README.md). Only the screen's body is Jinja2's: the layout around it (the
navigation, the messages) stays the one Django template every page extends, `core/page.html`.

Strings are marked the one way `makemessages` reads in these files, `{{ _("…") }}`, with
placeholders filled by `|format(name=…)` (the msgids are those of `{% blocktranslate %}`);
plurals are worded in Python (`ngettext`). Filters are the Django template library's own
(`frontline.templatetags.workspace`), so both engines show a value the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from typing import Any

import jinja2
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import defaultfilters, engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, trans_real
from markupsafe import Markup, escape

from symetrie.core.links import fixed_url
from symetrie.frontline.templatetags import workspace


def environment(**options: Any) -> jinja2.Environment:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    # As in Django's templates, a translation is trusted and what fills it is escaped:
    # `_()` returns Markup, and `Markup % values` (the `format` filter) escapes the values.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _trusted(gettext), _trusted(ngettext), newstyle=False
    )
    env.globals.update(url=url, static=static)
    env.filters.update(workspace.register.filters)
    env.filters.update(
        date=date,
        linebreaksbr=linebreaksbr,
        urlencode=defaultfilters.urlencode,
    )
    return env


def _trusted(translate: Callable[..., str]) -> Callable[..., Markup]:
    return lambda *args: Markup(translate(*args))


def url(name: str, *args: object) -> str:
    return reverse(name, args=args) if args else fixed_url(name)


def date(value: dt.date | dt.datetime | None, fmt: str = "DATE_FORMAT") -> str:
    """Django's `date` filter, in the current time zone (Django's engine converts first)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return defaultfilters.date(value, fmt)


def linebreaksbr(value: str) -> Markup:
    """Django's `linebreaksbr`, escaping as the rest of the page does (markupsafe)."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return Markup(str(escape(lines)).replace("\n", "<br>"))


def render_page(
    request: HttpRequest, name: str, context: Mapping[str, Any], *, title: str
) -> HttpResponse:
    """The whole page: the Jinja2 body inside the layout every page shares."""
    template = _template(name)
    body = template.render(_with_request(request, context))
    page = {"title": title, "body": mark_safe(body), **context}  # Jinja2 escaped the body
    return render(request, "core/page.html", page)


def render_blocks(
    request: HttpRequest, name: str, blocks: Iterable[str], context: Mapping[str, Any]
) -> HttpResponse:
    """Some blocks of the template, in this order: the parts an htmx request swaps."""
    template = _template(name)
    live = template.new_context(_with_request(request, context))
    return HttpResponse(
        "".join(chain.from_iterable(template.blocks[block](live) for block in blocks))
    )


def _template(name: str) -> jinja2.Template:
    return engines["jinja2"].get_template(name).template  # type: ignore[attr-defined,no-any-return]


def _with_request(request: HttpRequest, context: Mapping[str, Any]) -> dict[str, Any]:
    """What Django's Jinja2 backend adds to a template's context, but with the CSRF token
    masked once for the response, as Django's `{% csrf_token %}` does: its backend masks it
    anew for every form (32 random characters each, a tenth of the screen's rendering)."""
    token = get_token(request)
    field = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(token)
    gettext, ngettext = _translator(trans_real.catalog())
    return {
        "request": request,
        "csrf_input": field,
        "csrf_token": token,
        # What `_()` calls (Jinja2 looks it up in the context first): the request's catalog,
        # found once for the page rather than for each of its ~80 strings.
        "gettext": gettext,
        "ngettext": ngettext,
        **context,
    }


@functools.lru_cache(maxsize=32)
def _translator(
    catalog: Any,
) -> tuple[Callable[[str], Markup], Callable[[str, str, int], Markup]]:
    """gettext and ngettext of one catalog, trusted as `_trusted` makes them; the strings
    of a template, translated once."""
    translated: dict[str, Markup] = {}

    def gettext(message: str) -> Markup:
        found = translated.get(message)
        if found is None:
            found = translated[message] = Markup(catalog.gettext(message))
        return found

    def ngettext(singular: str, plural: str, count: int) -> Markup:
        return Markup(catalog.ngettext(singular, plural, count))

    return gettext, ngettext
